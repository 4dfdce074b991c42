//! The team's queries: members and their roles, sessions as a whole, and what expires. Changes
//! that must hold a team rule (never without an admin; an invitation used once) are single
//! statements or one batch, so D1 applies them atomically whatever else runs at the same moment.
//!
//! The rest is in submodules, their items re-exported here so `store::team::x` works for every
//! caller:
//!
//! - `invitations`: inviting, withdrawing, and accepting an invitation, once.
//! - `mentions`: @mentions in internal notes, and which an agent has yet to see.
//! - `throttle`: the failed sign-ins the throttle counts.

use protocol::api::Role;
use protocol::Millis;
use serde::Deserialize;
use worker::{D1Database, Result};

use super::agents::AGENT_COLUMNS;
use super::{num, stmt, text, AgentRow};

mod invitations;
mod mentions;
mod throttle;

pub use invitations::{
    accept, invitation, invitation_by_token, invitations, invite, withdraw, Accepted, NewInvitation,
};
pub use mentions::{mentions_seen, record_mentions, unseen_mentions};
pub use throttle::{count_attempt, forgive};

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
