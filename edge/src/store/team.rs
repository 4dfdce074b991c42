//! The team's queries: members and their roles, invitations, sessions as a whole, and the
//! failed sign-ins the throttle counts. Changes that must hold a team rule (never without an
//! admin; an invitation used once) are single statements or one batch, so D1 applies them
//! atomically whatever else runs at the same moment.

use domain::throttle::{Failures, Limit};
use protocol::api::{Invitation, Mention, Note, Role};
use protocol::Millis;
use serde::Deserialize;
use worker::{D1Database, Result};

use super::agents::AGENT_COLUMNS;
use super::{changes, num, stmt, text, AgentRow};

pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::Agent => "agent",
    }
}

/// Every member, by name.
pub async fn members(db: &D1Database) -> Result<Vec<AgentRow>> {
    stmt(
        db,
        &format!("SELECT {AGENT_COLUMNS} FROM agents ORDER BY name COLLATE NOCASE, id"),
        &[],
    )?
    .all()
    .await?
    .results()
}

/// The members who see conversation `id` (admins, and the members of its inbox), by name.
pub async fn members_seeing(db: &D1Database, id: &str) -> Result<Vec<AgentRow>> {
    stmt(
        db,
        &format!(
            "SELECT {AGENT_COLUMNS} FROM agents WHERE role = 'admin' OR id IN \
             (SELECT x.agent_id FROM inbox_access x JOIN conversations c ON c.inbox_id = x.inbox_id \
              WHERE c.id = ?1) ORDER BY name COLLATE NOCASE, id"
        ),
        &[text(id)],
    )?
    .all()
    .await?
    .results()
}

pub async fn agent(db: &D1Database, id: &str) -> Result<Option<AgentRow>> {
    stmt(
        db,
        &format!("SELECT {AGENT_COLUMNS} FROM agents WHERE id = ?1"),
        &[text(id)],
    )?
    .first(None)
    .await
}

/// What a change that must keep an admin did.
pub enum Guarded<T> {
    Done(T),
    /// It would have left the team without an admin; nothing changed.
    LastAdmin,
    /// No such member.
    Unknown,
}

/// The agent's new role, unless that leaves no admin.
pub async fn set_role(db: &D1Database, id: &str, role: Role) -> Result<Guarded<AgentRow>> {
    let row: Option<AgentRow> = stmt(
        db,
        &format!(
            "UPDATE agents SET role = ?2 WHERE id = ?1 \
             AND (?2 = 'admin' OR EXISTS (SELECT 1 FROM agents WHERE role = 'admin' AND id != ?1)) \
             RETURNING {AGENT_COLUMNS}"
        ),
        &[text(id), text(role_name(role))],
    )?
    .first(None)
    .await?;
    Ok(match row {
        Some(row) => Guarded::Done(row),
        None => unguarded(db, id).await?,
    })
}

/// Removes a member (their sessions go with them), unless they are the last admin. Done with
/// the profile picture they had, whose bytes the caller deletes.
pub async fn remove(db: &D1Database, id: &str) -> Result<Guarded<Option<String>>> {
    #[derive(Deserialize)]
    struct Row {
        avatar: Option<String>,
    }
    let row: Option<Row> = stmt(
        db,
        "DELETE FROM agents WHERE id = ?1 \
         AND (role != 'admin' OR EXISTS (SELECT 1 FROM agents WHERE role = 'admin' AND id != ?1)) \
         RETURNING avatar",
        &[text(id)],
    )?
    .first(None)
    .await?;
    Ok(match row {
        Some(row) => Guarded::Done(row.avatar),
        None => unguarded(db, id).await?,
    })
}

/// A member's chat limit (`None`: no limit); `None` when there is no such member.
pub async fn set_chat_limit(
    db: &D1Database,
    id: &str,
    limit: Option<u32>,
) -> Result<Option<AgentRow>> {
    stmt(
        db,
        &format!("UPDATE agents SET chat_limit = ?2 WHERE id = ?1 RETURNING {AGENT_COLUMNS}"),
        &[
            text(id),
            limit.map_or(wasm_bindgen::JsValue::NULL, |n| num(i64::from(n))),
        ],
    )?
    .first(None)
    .await
}

/// Why a guarded change touched no row.
async fn unguarded<T>(db: &D1Database, id: &str) -> Result<Guarded<T>> {
    Ok(if agent(db, id).await?.is_some() {
        Guarded::LastAdmin
    } else {
        Guarded::Unknown
    })
}

/// A new password; every session but `keep` (the one that changed it) ends.
pub async fn set_password(
    db: &D1Database,
    agent_id: &str,
    password_hash: &str,
    keep: &str,
) -> Result<()> {
    db.batch(vec![
        stmt(
            db,
            "UPDATE agents SET password_hash = ?2 WHERE id = ?1",
            &[text(agent_id), text(password_hash)],
        )?,
        stmt(
            db,
            "DELETE FROM agent_sessions WHERE agent_id = ?1 AND token_hash != ?2",
            &[text(agent_id), text(keep)],
        )?,
    ])
    .await?;
    Ok(())
}

/// Ends every session of an agent.
pub async fn end_sessions(db: &D1Database, agent_id: &str) -> Result<()> {
    stmt(
        db,
        "DELETE FROM agent_sessions WHERE agent_id = ?1",
        &[text(agent_id)],
    )?
    .run()
    .await?;
    Ok(())
}

// ---- @mentions ----

/// Records that `note` mentions each of `agents`; returns those for whom it is new (a resend
/// of the note records nothing twice).
pub async fn record_mentions(
    db: &D1Database,
    conversation_id: &str,
    note: &Note,
    agents: &[String],
) -> Result<Vec<String>> {
    if agents.is_empty() {
        return Ok(Vec::new());
    }
    let json = serde_json::to_string(note)?;
    let statements = agents
        .iter()
        .map(|agent| {
            stmt(
                db,
                "INSERT INTO mentions (agent_id, conversation_id, note_id, note, at) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING RETURNING agent_id",
                &[
                    text(agent),
                    text(conversation_id),
                    num(i64::try_from(note.id).unwrap_or(i64::MAX)),
                    text(&json),
                    num(note.at),
                ],
            )
        })
        .collect::<Result<Vec<_>>>()?;
    #[derive(Deserialize)]
    struct Row {
        agent_id: String,
    }
    let mut new = Vec::new();
    for result in db.batch(statements).await? {
        new.extend(result.results::<Row>()?.into_iter().map(|r| r.agent_id));
    }
    Ok(new)
}

/// The agent's mentions not yet seen, newest first, in conversations they still see (a mention
/// in a conversation since moved out of their inboxes, or theirs no longer, is not listed).
pub async fn unseen_mentions(db: &D1Database, viewer: &super::Viewer<'_>) -> Result<Vec<Mention>> {
    #[derive(Deserialize)]
    struct Row {
        conversation_id: String,
        note: String,
    }
    let rows: Vec<Row> = stmt(
        db,
        &format!(
            "SELECT m.conversation_id, m.note FROM mentions m \
             JOIN conversations c ON c.id = m.conversation_id \
             WHERE m.agent_id = ?1 AND m.seen_at IS NULL AND {} \
             ORDER BY m.at DESC LIMIT 100",
            viewer.sees("c.inbox_id", 2)
        ),
        &[
            text(viewer.agent_id),
            viewer.admin_arg(),
            text(viewer.agent_id),
        ],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Mention {
                note: serde_json::from_str(&r.note).ok()?,
                conversation_id: r.conversation_id,
            })
        })
        .collect())
}

/// Marks the agent's mentions in a conversation seen.
pub async fn mentions_seen(
    db: &D1Database,
    agent_id: &str,
    conversation_id: &str,
    now: Millis,
) -> Result<()> {
    stmt(
        db,
        "UPDATE mentions SET seen_at = ?3 WHERE agent_id = ?1 AND conversation_id = ?2 \
         AND seen_at IS NULL",
        &[text(agent_id), text(conversation_id), num(now)],
    )?
    .run()
    .await?;
    Ok(())
}

// ---- invitations ----

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
    let [inbox_member, team_member] = super::inboxes::join(db, token_hash, agent_id)?;
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

// ---- failed sign-ins ----

/// Counts one attempt under each key (a new window where the last one is over), in one
/// atomic batch before any password is derived; what each key counts now, this attempt
/// included.
pub async fn count_attempt(
    db: &D1Database,
    keys: &[(&str, Limit)],
    now: Millis,
) -> Result<Vec<(String, Failures)>> {
    #[derive(Deserialize)]
    struct Row {
        key: String,
        count: u32,
        since: Millis,
    }
    let statements = keys
        .iter()
        .map(|(key, limit)| {
            stmt(
                db,
                "INSERT INTO login_failures (key, count, since) VALUES (?1, 1, ?2) \
                 ON CONFLICT (key) DO UPDATE SET \
                 count = CASE WHEN since <= ?2 - ?3 THEN 1 ELSE count + 1 END, \
                 since = CASE WHEN since <= ?2 - ?3 THEN ?2 ELSE since END \
                 RETURNING key, count, since",
                &[text(key), num(now), num(limit.window_ms)],
            )
        })
        .collect::<Result<Vec<_>>>()?;
    let mut counted = Vec::new();
    for result in db.batch(statements).await? {
        counted.extend(result.results::<Row>()?.into_iter().map(|r| {
            (
                r.key,
                Failures {
                    count: r.count,
                    since: r.since,
                },
            )
        }));
    }
    Ok(counted)
}

/// A right password: its attempt is taken back from `keys`, and key `cleared` (the account
/// from this address) starts again from nothing.
pub async fn forgive(db: &D1Database, keys: &[&str], cleared: &str) -> Result<()> {
    let mut statements = vec![stmt(
        db,
        "DELETE FROM login_failures WHERE key = ?1",
        &[text(cleared)],
    )?];
    for key in keys.iter().filter(|k| **k != cleared) {
        statements.push(stmt(
            db,
            "UPDATE login_failures SET count = MAX(count - 1, 0) WHERE key = ?1",
            &[text(key)],
        )?);
    }
    db.batch(statements).await?;
    Ok(())
}

/// Deletes what has expired: sessions, invitations, and failure windows older than `window_ms`.
pub async fn purge(db: &D1Database, now: Millis, window_ms: Millis) -> Result<()> {
    db.batch(vec![
        stmt(
            db,
            "DELETE FROM agent_sessions WHERE expires_at <= ?1",
            &[num(now)],
        )?,
        stmt(
            db,
            "DELETE FROM invitations WHERE expires_at <= ?1",
            &[num(now)],
        )?,
        stmt(
            db,
            "DELETE FROM login_failures WHERE since <= ?1",
            &[num(now - window_ms)],
        )?,
    ])
    .await?;
    Ok(())
}
