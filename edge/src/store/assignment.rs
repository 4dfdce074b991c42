//! Who a conversation is assigned to (`conversations.assignee_id`, migration 0008;
//! `agents.last_routed_at`, 0009): the members routing chooses among, giving an unassigned
//! conversation to the one it chose, and assigning by hand. The choice itself is
//! `domain::routing`'s; giving a conversation to a team is [`super::inboxes`]'s.

use domain::routing::Candidate;
use protocol::api::{AgentStatus, ConversationSummary};
use protocol::Millis;
use serde::Deserialize;
use worker::{D1Database, Result};

use super::conversations::{SummaryRow, SUMMARY_COLUMNS};
use super::{now, num, opt_text, stmt, text};

/// The members of inbox `inbox_id` (as `inbox_access` says: admins only when given it, since
/// seeing every inbox does not make one answer every inbox), or with `None` every member, as
/// routing and availability see them; `present` are the agents with the inbox app open (the
/// hub's to say), so `available` is their toggle and their presence together.
pub async fn routing_candidates(
    db: &D1Database,
    inbox_id: Option<&str>,
    present: &[String],
) -> Result<Vec<Candidate>> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        status: AgentStatus,
        chat_limit: Option<u32>,
        open_assigned: u32,
        last_routed_at: Option<Millis>,
        /// JSON arrays of ids.
        team_ids: String,
        inbox_ids: String,
    }
    let rows: Vec<Row> = stmt(
        db,
        "SELECT a.id, a.status, a.chat_limit, a.last_routed_at, \
         (SELECT COUNT(*) FROM conversations c WHERE c.assignee_id = a.id AND c.status = 'open') \
         AS open_assigned, \
         (SELECT json_group_array(team_id) FROM team_members t WHERE t.agent_id = a.id) AS team_ids, \
         (SELECT json_group_array(inbox_id) FROM inbox_access x WHERE x.agent_id = a.id) AS inbox_ids \
         FROM agents a \
         WHERE ?1 IS NULL OR a.id IN (SELECT agent_id FROM inbox_access WHERE inbox_id = ?1)",
        &[opt_text(inbox_id)],
    )?
    .all()
    .await?
    .results()?;
    rows.into_iter()
        .map(|r| {
            Ok(Candidate {
                available: r.status == AgentStatus::Available && present.contains(&r.id),
                id: r.id,
                open_assigned: r.open_assigned,
                chat_limit: r.chat_limit,
                last_routed_at: r.last_routed_at,
                team_ids: serde_json::from_str(&r.team_ids)?,
                inbox_ids: serde_json::from_str(&r.inbox_ids)?,
            })
        })
        .collect()
}

/// Gives a still unassigned conversation to `agent` by the routing rules, and notes when; the
/// row as it now is, or `None` if someone assigned it meanwhile (their choice stands).
pub async fn route_to(
    db: &D1Database,
    id: &str,
    agent: &str,
    now: Millis,
) -> Result<Option<ConversationSummary>> {
    let results = db
        .batch(vec![
            stmt(
                db,
                &format!(
                    "UPDATE conversations SET assignee_id = ?2, updated_at = ?3 \
                     WHERE id = ?1 AND assignee_id IS NULL RETURNING {SUMMARY_COLUMNS}"
                ),
                &[text(id), text(agent), num(now)],
            )?,
            stmt(
                db,
                "UPDATE agents SET last_routed_at = ?2 WHERE id = ?1 \
                 AND EXISTS (SELECT 1 FROM conversations WHERE id = ?3 AND assignee_id = ?1)",
                &[text(agent), num(now), text(id)],
            )?,
        ])
        .await?;
    let rows: Vec<SummaryRow> = match results.first() {
        Some(r) => r.results()?,
        None => Vec::new(),
    };
    Ok(rows.into_iter().next().map(Into::into))
}

/// Assigns a conversation to `agent` (or unassigns it with `None`); the row as it now is.
/// `Ok(None)` when the conversation or the agent does not exist, or the agent does not see the
/// conversation's inbox (nothing changed).
pub async fn assign(
    db: &D1Database,
    id: &str,
    agent: Option<&str>,
) -> Result<Option<ConversationSummary>> {
    let row: Option<SummaryRow> = stmt(
        db,
        &format!(
            "UPDATE conversations SET assignee_id = ?2, updated_at = ?3 WHERE id = ?1 \
             AND (?2 IS NULL OR EXISTS (SELECT 1 FROM agents a WHERE a.id = ?2 \
                 AND (a.role = 'admin' OR conversations.inbox_id IN \
                     (SELECT inbox_id FROM inbox_access WHERE agent_id = ?2)))) \
             RETURNING {SUMMARY_COLUMNS}"
        ),
        &[text(id), opt_text(agent), num(now())],
    )?
    .first(None)
    .await?;
    Ok(row.map(Into::into))
}
