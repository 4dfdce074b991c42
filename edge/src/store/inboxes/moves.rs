//! Moving a conversation: giving it to a team that sees its inbox (or taking it from its
//! team), and moving it to another inbox, where a team that does not see the new inbox lets go
//! of it.

use protocol::api::ConversationSummary;
use protocol::Millis;
use worker::{D1Database, Result};

use crate::store::conversations::{SummaryRow, SUMMARY_COLUMNS};
use crate::store::{num, opt_text, stmt, text, Viewer};

/// SQL: team `team` sees inbox `inbox` (it is open to everyone, or given to the team).
fn team_sees(team: &str, inbox: &str) -> String {
    format!(
        "(EXISTS (SELECT 1 FROM inboxes i WHERE i.id = {inbox} AND i.everyone = 1) \
         OR EXISTS (SELECT 1 FROM inbox_teams it WHERE it.inbox_id = {inbox} \
             AND it.team_id = {team}))"
    )
}

/// What giving a conversation to a team came to.
pub enum TeamAssigned {
    /// The row as it now is.
    Done(Box<ConversationSummary>),
    /// No such team.
    UnknownTeam,
    /// The team does not see the conversation's inbox.
    Unseen,
    /// No such conversation.
    Unknown,
}

/// Gives conversation `id` to team `team` (one that sees its inbox), or takes it from its team
/// (`None`). A member it is assigned to who is not in the new team lets go of it too: the
/// team's members pick it up, or routing gives it to one of them.
pub async fn assign_team(db: &D1Database, id: &str, team: Option<&str>) -> Result<TeamAssigned> {
    let row: Option<SummaryRow> = stmt(
        db,
        &format!(
            "UPDATE conversations SET team_id = ?2, updated_at = ?3, \
             assignee_id = CASE WHEN ?2 IS NULL OR EXISTS (SELECT 1 FROM team_members tm \
                 WHERE tm.team_id = ?2 AND tm.agent_id = conversations.assignee_id) \
                 THEN assignee_id END \
             WHERE id = ?1 AND (?2 IS NULL OR {}) RETURNING {SUMMARY_COLUMNS}",
            team_sees("?2", "conversations.inbox_id")
        ),
        &[text(id), opt_text(team), num(crate::store::now())],
    )?
    .first(None)
    .await?;
    if let Some(row) = row {
        return Ok(TeamAssigned::Done(Box::new(row.into())));
    }
    Ok(match team {
        Some(team_id) if super::team(db, team_id).await?.is_none() => TeamAssigned::UnknownTeam,
        Some(_) if crate::store::conversation_site(db, id).await?.is_some() => TeamAssigned::Unseen,
        _ => TeamAssigned::Unknown,
    })
}

/// Moves a conversation to another inbox, if `viewer` sees both; the row as it now is.
pub async fn move_conversation(
    db: &D1Database,
    id: &str,
    inbox_id: &str,
    viewer: &Viewer<'_>,
    at: Millis,
) -> Result<Option<ConversationSummary>> {
    let row: Option<SummaryRow> = stmt(
        db,
        &format!(
            "UPDATE conversations SET inbox_id = ?4, updated_at = ?5, \
             team_id = CASE WHEN {} THEN team_id END \
             WHERE id = ?1 AND {} AND EXISTS (SELECT 1 FROM inboxes i WHERE i.id = ?4 AND {}) \
             RETURNING {SUMMARY_COLUMNS}",
            // A team that does not see the new inbox lets go of it.
            team_sees("conversations.team_id", "?4"),
            viewer.sees("conversations.inbox_id", 2),
            viewer.sees("i.id", 2),
        ),
        &[
            text(id),
            viewer.admin_arg(),
            text(viewer.agent_id),
            text(inbox_id),
            num(at),
        ],
    )?
    .first(None)
    .await?;
    Ok(row.map(Into::into))
}
