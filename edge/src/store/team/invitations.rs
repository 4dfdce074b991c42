//! Invitations to the team: stored (replacing a pending one to the same address), listed,
//! withdrawn, and accepted once, the new member made with the inboxes and teams it names in the
//! same transaction that uses it up.

use protocol::api::{Invitation, Role};
use protocol::Millis;
use serde::Deserialize;
use worker::{D1Database, Result};

use super::role_name;
use crate::store::{changes, num, stmt, text};

const INVITATION_COLUMNS: &str = "i.id, i.email, i.name, i.role, \
    (SELECT name FROM agents WHERE id = i.invited_by) AS invited_by, i.created_at, i.expires_at, \
    i.inbox_ids, i.team_ids";

#[derive(Deserialize)]
struct InvitationRow {
    id: String,
    email: String,
    name: String,
    role: Role,
    invited_by: Option<String>,
    created_at: Millis,
    expires_at: Millis,
    /// JSON arrays of ids.
    inbox_ids: String,
    team_ids: String,
}

impl From<InvitationRow> for Invitation {
    fn from(r: InvitationRow) -> Self {
        Self {
            id: r.id,
            email: r.email,
            name: r.name,
            role: r.role,
            invited_by: r.invited_by,
            created_at: r.created_at,
            expires_at: r.expires_at,
            inbox_ids: serde_json::from_str(&r.inbox_ids).unwrap_or_default(),
            team_ids: serde_json::from_str(&r.team_ids).unwrap_or_default(),
        }
    }
}

/// An invitation to store; `token_hash` is the digest of the link's token.
pub struct NewInvitation<'a> {
    pub id: &'a str,
    pub token_hash: &'a str,
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub invited_by: &'a str,
    pub at: Millis,
    pub expires_at: Millis,
    /// JSON arrays of ids (already checked to exist).
    pub inbox_ids: &'a str,
    pub team_ids: &'a str,
}

/// Stores an invitation, replacing a pending one to the same address (whose link stops
/// working); `None` when the address already belongs to a member.
pub async fn invite(db: &D1Database, new: &NewInvitation<'_>) -> Result<Option<Invitation>> {
    let results = db
        .batch(vec![
            stmt(
                db,
                "INSERT INTO invitations (id, token_hash, email, name, role, invited_by, created_at, \
                 expires_at, inbox_ids, team_ids) \
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10 \
                 WHERE NOT EXISTS (SELECT 1 FROM agents WHERE email = ?3) \
                 ON CONFLICT (email) DO UPDATE SET id = excluded.id, token_hash = excluded.token_hash, \
                 name = excluded.name, role = excluded.role, invited_by = excluded.invited_by, \
                 created_at = excluded.created_at, expires_at = excluded.expires_at, \
                 inbox_ids = excluded.inbox_ids, team_ids = excluded.team_ids",
                &[
                    text(new.id),
                    text(new.token_hash),
                    text(new.email),
                    text(new.name),
                    text(role_name(new.role)),
                    text(new.invited_by),
                    num(new.at),
                    num(new.expires_at),
                    text(new.inbox_ids),
                    text(new.team_ids),
                ],
            )?,
            stmt(
                db,
                &format!("SELECT {INVITATION_COLUMNS} FROM invitations i WHERE i.id = ?1"),
                &[text(new.id)],
            )?,
        ])
        .await?;
    let rows: Vec<InvitationRow> = match results.get(1) {
        Some(r) => r.results()?,
        None => Vec::new(),
    };
    Ok(rows.into_iter().next().map(Into::into))
}

/// Pending invitations, newest first.
pub async fn invitations(db: &D1Database, now: Millis) -> Result<Vec<Invitation>> {
    let rows: Vec<InvitationRow> = stmt(
        db,
        &format!(
            "SELECT {INVITATION_COLUMNS} FROM invitations i WHERE i.expires_at > ?1 \
             ORDER BY i.created_at DESC, i.id"
        ),
        &[num(now)],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The invitation with this id, while it is pending (neither accepted, withdrawn nor expired).
pub async fn invitation(db: &D1Database, id: &str, now: Millis) -> Result<Option<Invitation>> {
    let row: Option<InvitationRow> = stmt(
        db,
        &format!(
            "SELECT {INVITATION_COLUMNS} FROM invitations i WHERE i.id = ?1 AND i.expires_at > ?2"
        ),
        &[text(id), num(now)],
    )?
    .first(None)
    .await?;
    Ok(row.map(Into::into))
}

/// Withdraws an invitation; false when there was none with that id.
pub async fn withdraw(db: &D1Database, id: &str) -> Result<bool> {
    let result = stmt(db, "DELETE FROM invitations WHERE id = ?1", &[text(id)])?
        .run()
        .await?;
    Ok(changes(&result) == 1)
}

/// The pending invitation with this token digest, with the site's name.
pub async fn invitation_by_token(
    db: &D1Database,
    token_hash: &str,
    now: Millis,
) -> Result<Option<(Invitation, String)>> {
    #[derive(Deserialize)]
    struct Row {
        #[serde(flatten)]
        invitation: InvitationRow,
        site_name: String,
    }
    let row: Option<Row> = stmt(
        db,
        &format!(
            "SELECT {INVITATION_COLUMNS}, \
             (SELECT name FROM sites ORDER BY created_at, id LIMIT 1) AS site_name \
             FROM invitations i WHERE i.token_hash = ?1 AND i.expires_at > ?2"
        ),
        &[text(token_hash), num(now)],
    )?
    .first(None)
    .await?;
    Ok(row.map(|r| (r.invitation.into(), r.site_name)))
}

/// What accepting an invitation did.
pub enum Accepted {
    /// The member exists now.
    Joined,
    /// Meanwhile someone became a member with that address; the invitation is used up.
    AlreadyMember,
    /// No pending invitation has that token (used, withdrawn, expired or never made).
    Unknown,
}

/// Turns a pending invitation into a member, once, with the inboxes and teams it names: the
/// inserts and the invitation's deletion are one transaction, so two acceptances of one link
/// make one member.
pub async fn accept(
    db: &D1Database,
    token_hash: &str,
    agent_id: &str,
    name: &str,
    password_hash: &str,
    now: Millis,
) -> Result<Accepted> {
    let [inbox_member, team_member] = crate::store::inboxes::join(db, token_hash, agent_id)?;
    let results = db
        .batch(vec![
            stmt(
                db,
                "INSERT INTO agents (id, email, name, role, password_hash, created_at) \
                 SELECT ?2, i.email, ?3, i.role, ?4, ?5 FROM invitations i \
                 WHERE i.token_hash = ?1 AND i.expires_at > ?5 \
                 AND NOT EXISTS (SELECT 1 FROM agents a WHERE a.email = i.email)",
                &[
                    text(token_hash),
                    text(agent_id),
                    text(name),
                    text(password_hash),
                    num(now),
                ],
            )?,
            inbox_member,
            team_member,
            stmt(
                db,
                "DELETE FROM invitations WHERE token_hash = ?1 AND expires_at > ?2",
                &[text(token_hash), num(now)],
            )?,
        ])
        .await?;
    let joined = results.first().map(changes).unwrap_or(0) == 1;
    let used = results.get(3).map(changes).unwrap_or(0) == 1;
    Ok(match (joined, used) {
        (true, _) => Accepted::Joined,
        (false, true) => Accepted::AlreadyMember,
        (false, false) => Accepted::Unknown,
    })
}
