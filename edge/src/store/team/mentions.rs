//! @mentions in internal notes: recorded once per note and member, listed while unseen (only in
//! conversations the member still sees), and marked seen.

use protocol::api::{Mention, Note};
use protocol::Millis;
use serde::Deserialize;
use worker::{D1Database, Result};

use crate::store::{num, stmt, text, Viewer};

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
pub async fn unseen_mentions(db: &D1Database, viewer: &Viewer<'_>) -> Result<Vec<Mention>> {
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
