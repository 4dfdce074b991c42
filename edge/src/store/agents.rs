//! Agents and their sessions (`agents`, `agent_sessions`, migration 0001; status 0002, avatar
//! 0006, chat limit 0008): the row every signed-in request reads, signing in and out, the
//! available/away toggle and profile pictures. The team as a whole (roles, invitations, ending
//! every session) is [`super::team`]'s.

use protocol::api::{AgentProfile, AgentStatus, Role};
use protocol::Millis;
use serde::Deserialize;
use worker::{D1Database, Result};

use super::{now, num, opt_text, stmt, text};

/// The columns of an [`AgentRow`].
pub(super) const AGENT_COLUMNS: &str =
    "id, email, name, role, status, password_hash, avatar, chat_limit";

#[derive(Deserialize)]
pub struct AgentRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub status: AgentStatus,
    pub password_hash: String,
    /// The current profile picture's id (see [`avatar_key`]).
    pub avatar: Option<String>,
    pub chat_limit: Option<u32>,
}

impl AgentRow {
    pub fn profile(&self) -> AgentProfile {
        AgentProfile {
            id: self.id.clone(),
            email: self.email.clone(),
            name: self.name.clone(),
            role: self.role,
            status: self.status,
            avatar_url: self
                .avatar
                .as_ref()
                .map(|version| avatar_path(&self.id, version)),
            chat_limit: self.chat_limit,
        }
    }
}

/// Where an agent's profile picture is kept in R2.
pub fn avatar_key(agent_id: &str, version: &str) -> String {
    format!("avatars/{agent_id}/{version}")
}

/// Where it is served (`GET`, public).
pub fn avatar_path(agent_id: &str, version: &str) -> String {
    format!("/api/avatars/{agent_id}/{version}")
}

/// Sets (or with `None` removes) an agent's picture; the id of the one it replaced, if any.
pub async fn set_agent_avatar(
    db: &D1Database,
    agent_id: &str,
    version: Option<&str>,
) -> Result<Option<String>> {
    #[derive(Deserialize)]
    struct Row {
        avatar: Option<String>,
    }
    // One transaction: the picture read is the one replaced, whatever else happens at once.
    let results = db
        .batch(vec![
            stmt(
                db,
                "SELECT avatar FROM agents WHERE id = ?1",
                &[text(agent_id)],
            )?,
            stmt(
                db,
                "UPDATE agents SET avatar = ?2 WHERE id = ?1",
                &[text(agent_id), opt_text(version)],
            )?,
        ])
        .await?;
    let rows: Vec<Row> = match results.first() {
        Some(r) => r.results()?,
        None => Vec::new(),
    };
    Ok(rows.into_iter().next().and_then(|r| r.avatar))
}

pub async fn agent_by_email(db: &D1Database, email: &str) -> Result<Option<AgentRow>> {
    stmt(
        db,
        &format!("SELECT {AGENT_COLUMNS} FROM agents WHERE email = ?1"),
        &[text(email)],
    )?
    .first(None)
    .await
}

pub async fn insert_session(
    db: &D1Database,
    token_digest: &str,
    agent_id: &str,
    at: Millis,
    expires_at: Millis,
) -> Result<()> {
    stmt(
        db,
        "INSERT INTO agent_sessions (token_hash, agent_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        &[text(token_digest), text(agent_id), num(at), num(expires_at)],
    )?
    .run()
    .await?;
    Ok(())
}

/// The agent signed in with the session whose token has this digest, if it has not expired.
pub async fn session_agent(
    db: &D1Database,
    token_digest: &str,
    at: Millis,
) -> Result<Option<AgentRow>> {
    stmt(
        db,
        "SELECT a.id, a.email, a.name, a.role, a.status, a.password_hash, a.avatar, a.chat_limit \
         FROM agent_sessions s \
         JOIN agents a ON a.id = s.agent_id WHERE s.token_hash = ?1 AND s.expires_at > ?2",
        &[text(token_digest), num(at)],
    )?
    .first(None)
    .await
}

/// When the session with this token digest expires, if it has not ended.
pub async fn session_expiry(db: &D1Database, token_digest: &str) -> Result<Option<Millis>> {
    #[derive(Deserialize)]
    struct Row {
        expires_at: Millis,
    }
    let row: Option<Row> = stmt(
        db,
        "SELECT expires_at FROM agent_sessions WHERE token_hash = ?1 AND expires_at > ?2",
        &[text(token_digest), num(now())],
    )?
    .first(None)
    .await?;
    Ok(row.map(|r| r.expires_at))
}

/// Sets an agent's own available/away toggle.
pub async fn set_agent_status(db: &D1Database, agent_id: &str, status: AgentStatus) -> Result<()> {
    let value = match status {
        AgentStatus::Available => "available",
        AgentStatus::Away => "away",
    };
    stmt(
        db,
        "UPDATE agents SET status = ?2 WHERE id = ?1",
        &[text(agent_id), text(value)],
    )?
    .run()
    .await?;
    Ok(())
}

pub async fn delete_session(db: &D1Database, token_digest: &str) -> Result<()> {
    stmt(
        db,
        "DELETE FROM agent_sessions WHERE token_hash = ?1",
        &[text(token_digest)],
    )?
    .run()
    .await?;
    Ok(())
}
