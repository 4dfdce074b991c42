//! What reports read: the times of conversations started or closed in a period, and who
//! replied; and what the conversation object records for them as replies are published.

use protocol::api::AgentStats;
use protocol::Millis;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement, Result};

use super::{num, stmt, text};

/// The statements recording an agent's reply in a conversation: its first response time (once),
/// and the agent's count of replies there (part of the transaction of
/// `super::conversations::publish_message`).
pub fn agent_reply(
    db: &D1Database,
    conversation_id: &str,
    agent_id: &str,
    agent_name: &str,
    at: Millis,
) -> Result<[D1PreparedStatement; 2]> {
    Ok([
        stmt(
            db,
            "UPDATE conversations SET first_response_at = ?2 \
             WHERE id = ?1 AND first_response_at IS NULL",
            &[text(conversation_id), num(at)],
        )?,
        stmt(
            db,
            "INSERT INTO conversation_agents (conversation_id, agent_id, agent_name, replies, first_reply_at) \
             VALUES (?1, ?2, ?3, 1, ?4) ON CONFLICT (conversation_id, agent_id) DO UPDATE SET \
             replies = replies + 1, agent_name = excluded.agent_name",
            &[text(conversation_id), text(agent_id), text(agent_name), num(at)],
        )?,
    ])
}

/// A conversation's times, for a report.
#[derive(Deserialize)]
pub struct Times {
    pub created_at: Millis,
    pub first_response_at: Option<Millis>,
    pub closed_at: Option<Millis>,
}

/// Conversations started in `[from, to)`.
pub async fn started(
    db: &D1Database,
    from: Millis,
    to: Millis,
    scope: &Scope<'_>,
) -> Result<Vec<Times>> {
    times(db, "created_at >= ?1 AND created_at < ?2", from, to, scope).await
}

/// Conversations closed in `[from, to)` (and still closed).
pub async fn closed(
    db: &D1Database,
    from: Millis,
    to: Millis,
    scope: &Scope<'_>,
) -> Result<Vec<Times>> {
    times(
        db,
        "status = 'closed' AND closed_at >= ?1 AND closed_at < ?2",
        from,
        to,
        scope,
    )
    .await
}

/// Which conversations a report counts: of one channel and one inbox (`''`: every one).
pub struct Scope<'a> {
    pub channel: &'a str,
    pub inbox: &'a str,
}

/// The times of the conversations `period` (SQL over `?1`, `?2`) selects, in `scope`.
async fn times(
    db: &D1Database,
    period: &str,
    from: Millis,
    to: Millis,
    scope: &Scope<'_>,
) -> Result<Vec<Times>> {
    stmt(
        db,
        &format!(
            "SELECT created_at, first_response_at, closed_at FROM conversations \
             WHERE {period} AND (?3 = '' OR channel = ?3) AND (?4 = '' OR inbox_id = ?4) \
             AND last_seq > 0 LIMIT 100000"
        ),
        &[num(from), num(to), text(scope.channel), text(scope.inbox)],
    )?
    .all()
    .await?
    .results()
}

/// Per agent, the conversations started in `[from, to)` they replied in, and their replies.
pub async fn agents(
    db: &D1Database,
    from: Millis,
    to: Millis,
    scope: &Scope<'_>,
) -> Result<Vec<AgentStats>> {
    stmt(
        db,
        "SELECT a.agent_id, MAX(a.agent_name) AS name, COUNT(*) AS conversations, \
             SUM(a.replies) AS replies FROM conversation_agents a \
             JOIN conversations c ON c.id = a.conversation_id \
             WHERE c.created_at >= ?1 AND c.created_at < ?2 AND (?3 = '' OR c.channel = ?3) \
             AND (?4 = '' OR c.inbox_id = ?4) \
             GROUP BY a.agent_id ORDER BY conversations DESC, replies DESC, name LIMIT 200",
        &[num(from), num(to), text(scope.channel), text(scope.inbox)],
    )?
    .all()
    .await?
    .results()
}
