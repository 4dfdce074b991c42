//! The id lists inboxes and teams keep (`inbox_members`, `inbox_teams`, `team_members`):
//! checking that the ids a form names exist, replacing a list whole in the batch that writes its
//! owner's name, and giving a member who accepts an invitation the inboxes and teams it names.

use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement, Result};

use crate::store::{stmt, text};

/// The first of `ids` that names no row of `table` (`agents`, `inboxes` or `teams`).
pub async fn first_unknown(db: &D1Database, table: Table, ids: &[String]) -> Result<Option<usize>> {
    if ids.is_empty() {
        return Ok(None);
    }
    #[derive(Deserialize)]
    struct Row {
        id: String,
    }
    let known: Vec<Row> = stmt(
        db,
        &format!(
            "SELECT id FROM {} WHERE id IN (SELECT value FROM json_each(?1))",
            table.name()
        ),
        &[text(&serde_json::to_string(ids)?)],
    )?
    .all()
    .await?
    .results()?;
    Ok(ids.iter().position(|id| !known.iter().any(|k| k.id == *id)))
}

/// The tables whose ids inboxes, teams and invitations name.
#[derive(Clone, Copy)]
pub enum Table {
    Agents,
    Inboxes,
    Teams,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Self::Agents => "agents",
            Self::Inboxes => "inboxes",
            Self::Teams => "teams",
        }
    }
}

/// Replaces the rows of `link` (`inbox_members`, `inbox_teams` or `team_members`) that belong
/// to `owner` with `ids`, only if `guard` (an SQL condition on `?1`, the owner, and `?2`, the
/// name just written) holds, i.e. only if the name was written.
pub(super) fn replace_links(
    db: &D1Database,
    link: (&str, &str, &str),
    owner: &str,
    name: &str,
    guard: &str,
    ids: &[String],
) -> Result<[D1PreparedStatement; 2]> {
    let (table, owner_column, id_column) = link;
    let ids = serde_json::to_string(ids)?;
    Ok([
        stmt(
            db,
            &format!("DELETE FROM {table} WHERE {owner_column} = ?1 AND {guard}"),
            &[text(owner), text(name)],
        )?,
        stmt(
            db,
            &format!(
                "INSERT INTO {table} ({owner_column}, {id_column}) \
                 SELECT ?1, value FROM json_each(?3) WHERE {guard}"
            ),
            &[text(owner), text(name), text(&ids)],
        )?,
    ])
}

/// Gives the member just made from the invitation with `token_hash` the inboxes and teams it
/// named (those that still exist); for the batch that creates them, before the invitation is
/// deleted.
pub fn join(db: &D1Database, token_hash: &str, agent_id: &str) -> Result<[D1PreparedStatement; 2]> {
    let give = |table: &str, column: &str, listed: &str, from: &str| {
        stmt(
            db,
            &format!(
                "INSERT OR IGNORE INTO {table} ({column}, agent_id) \
                 SELECT j.value, ?2 FROM invitations i, json_each(i.{listed}) j \
                 WHERE i.token_hash = ?1 AND j.value IN (SELECT id FROM {from}) \
                 AND EXISTS (SELECT 1 FROM agents WHERE id = ?2)"
            ),
            &[text(token_hash), text(agent_id)],
        )
    };
    Ok([
        give("inbox_members", "inbox_id", "inbox_ids", "inboxes")?,
        give("team_members", "team_id", "team_ids", "teams")?,
    ])
}
