//! Who may see what. [`Viewer`]: the condition a query run for an agent adds, so that admins see
//! every inbox and other members the inboxes of `inbox_access` (migration 0018). And who may
//! still see a conversation, asked where data flows (`thread_sockets`, migration 0026).
//!
//! An agent's thread socket is held under a session: it may carry the conversation only while
//! that session is unexpired, its agent exists, and the agent sees the conversation's inbox
//! (admins see every inbox). [`HOLDS`] is that condition, written once for the three queries
//! that need it: the check of one socket's frame, the check of every socket of one
//! conversation, and the search for every socket anywhere whose access has gone.

use protocol::api::Role;
use protocol::Millis;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, Result};

use super::{num, stmt, text, AgentRow};

/// Whose eyes a query is for: admins see every inbox, other members the inboxes of
/// `inbox_access` (migration 0018).
pub struct Viewer<'a> {
    pub agent_id: &'a str,
    pub admin: bool,
}

impl<'a> Viewer<'a> {
    pub fn of(agent: &'a AgentRow) -> Self {
        Self {
            agent_id: &agent.id,
            admin: agent.role == Role::Admin,
        }
    }

    /// The condition that `column` names an inbox they see, with their admin flag bound at
    /// `?{at}` and their id at `?{at + 1}` (see [`Self::admin_arg`]).
    pub fn sees(&self, column: &str, at: usize) -> String {
        format!(
            "(?{at} = 1 OR {column} IN (SELECT inbox_id FROM inbox_access WHERE agent_id = ?{}))",
            at + 1
        )
    }

    pub fn admin_arg(&self) -> JsValue {
        num(i64::from(self.admin))
    }
}

/// The condition that session `{session}` (of agent `{agent}`) may see conversation
/// `{conversation}` at time `?1`: the three placeholders are replaced by column expressions.
const HOLDS: &str = "EXISTS (SELECT 1 FROM agent_sessions s \
     JOIN agents a ON a.id = s.agent_id \
     JOIN conversations c ON c.id = {conversation} \
     WHERE s.token_hash = {session} AND s.agent_id = {agent} AND s.expires_at > ?1 \
     AND (a.role = 'admin' OR c.inbox_id IN \
          (SELECT inbox_id FROM inbox_access WHERE agent_id = a.id)))";

fn holds(conversation: &str, session: &str, agent: &str) -> String {
    HOLDS
        .replace("{conversation}", conversation)
        .replace("{session}", session)
        .replace("{agent}", agent)
}

/// One agent socket as its conversation object keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder<'a> {
    pub agent_id: &'a str,
    /// The digest of the session the socket was opened with.
    pub session: &'a str,
}

/// Lists an agent's socket on a conversation (idempotent) and answers when its session
/// expires; `None` when the session has already ended (nothing is listed then).
pub async fn opened(
    db: &D1Database,
    conversation_id: &str,
    holder: &Holder<'_>,
) -> Result<Option<Millis>> {
    #[derive(Deserialize)]
    struct Row {
        expires_at: Millis,
    }
    let now = super::now();
    let results = db
        .batch(vec![
            stmt(
                db,
                "INSERT OR IGNORE INTO thread_sockets \
                 (conversation_id, session, agent_id, opened_at) \
                 SELECT ?1, ?2, ?3, ?4 FROM agent_sessions \
                 WHERE token_hash = ?2 AND agent_id = ?3 AND expires_at > ?4",
                &[
                    text(conversation_id),
                    text(holder.session),
                    text(holder.agent_id),
                    num(now),
                ],
            )?,
            stmt(
                db,
                "SELECT expires_at FROM agent_sessions \
                 WHERE token_hash = ?1 AND agent_id = ?2 AND expires_at > ?3",
                &[text(holder.session), text(holder.agent_id), num(now)],
            )?,
        ])
        .await?;
    let rows: Vec<Row> = match results.get(1) {
        Some(result) => result.results()?,
        None => Vec::new(),
    };
    Ok(rows.first().map(|r| r.expires_at))
}

/// Forgets the sockets of `sessions` on a conversation (none of them is open there any more).
pub async fn closed(db: &D1Database, conversation_id: &str, sessions: &[&str]) -> Result<()> {
    if sessions.is_empty() {
        return Ok(());
    }
    stmt(
        db,
        "DELETE FROM thread_sockets WHERE conversation_id = ?1 \
         AND session IN (SELECT value FROM json_each(?2))",
        &[
            text(conversation_id),
            text(&serde_json::to_string(sessions)?),
        ],
    )?
    .run()
    .await?;
    Ok(())
}

/// Whether `holder` may see conversation `conversation_id` now.
pub async fn may_see(
    db: &D1Database,
    conversation_id: &str,
    holder: &Holder<'_>,
    now: Millis,
) -> Result<bool> {
    #[derive(Deserialize)]
    struct Row {
        #[allow(dead_code)]
        ok: i64,
    }
    let row: Option<Row> = stmt(
        db,
        &format!("SELECT 1 AS ok WHERE {}", holds("?2", "?3", "?4")),
        &[
            num(now),
            text(conversation_id),
            text(holder.session),
            text(holder.agent_id),
        ],
    )?
    .first(None)
    .await?;
    Ok(row.is_some())
}

/// Of `holders` on conversation `conversation_id`, the sessions that may still see it.
pub async fn still_seeing(
    db: &D1Database,
    conversation_id: &str,
    holders: &[Holder<'_>],
    now: Millis,
) -> Result<Vec<String>> {
    #[derive(Deserialize)]
    struct Row {
        session: String,
    }
    if holders.is_empty() {
        return Ok(Vec::new());
    }
    let pairs: Vec<[&str; 2]> = holders.iter().map(|h| [h.session, h.agent_id]).collect();
    let rows: Vec<Row> = stmt(
        db,
        &format!(
            "SELECT json_extract(h.value, '$[0]') AS session FROM json_each(?3) h WHERE {}",
            holds(
                "?2",
                "json_extract(h.value, '$[0]')",
                "json_extract(h.value, '$[1]')"
            )
        ),
        &[
            num(now),
            text(conversation_id),
            text(&serde_json::to_string(&pairs)?),
        ],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows.into_iter().map(|r| r.session).collect())
}

/// Every conversation with a listed socket whose holder no longer may see it.
pub async fn revoked(db: &D1Database, now: Millis) -> Result<Vec<String>> {
    #[derive(Deserialize)]
    struct Row {
        conversation_id: String,
    }
    let rows: Vec<Row> = stmt(
        db,
        &format!(
            "SELECT DISTINCT t.conversation_id FROM thread_sockets t WHERE NOT {}",
            holds("t.conversation_id", "t.session", "t.agent_id")
        ),
        &[num(now)],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows.into_iter().map(|r| r.conversation_id).collect())
}

/// Forgets the listings on conversation `conversation_id` whose holder no longer may see it.
pub async fn forget_revoked(db: &D1Database, conversation_id: &str, now: Millis) -> Result<()> {
    stmt(
        db,
        &format!(
            "DELETE FROM thread_sockets WHERE conversation_id = ?2 AND NOT {}",
            holds(
                "thread_sockets.conversation_id",
                "thread_sockets.session",
                "thread_sockets.agent_id"
            )
        ),
        &[num(now), text(conversation_id)],
    )?
    .run()
    .await?;
    Ok(())
}
