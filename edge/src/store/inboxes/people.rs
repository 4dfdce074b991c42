//! The rules choosing people (`PeopleRule`) as D1 keeps them in each site's settings and each
//! connection's flow: whom a chat heading shows, which rules name a team, and taking a removed
//! member out of every rule.

use protocol::api::HEADING_PEOPLE_MAX;
use protocol::frame::AgentRef;
use serde::Deserialize;
use worker::{D1Database, Result};

use crate::store::{num, stmt, text};

/// The members a chat heading shows: those named and the named teams' members, once each, by
/// name, at most [`HEADING_PEOPLE_MAX`].
pub async fn heading_people(
    db: &D1Database,
    agent_ids: &[String],
    team_ids: &[String],
) -> Result<Vec<AgentRef>> {
    if agent_ids.is_empty() && team_ids.is_empty() {
        return Ok(Vec::new());
    }
    stmt(
        db,
        "SELECT id, name FROM agents WHERE id IN (SELECT value FROM json_each(?1)) \
         OR id IN (SELECT agent_id FROM team_members \
                   WHERE team_id IN (SELECT value FROM json_each(?2))) \
         ORDER BY name, id LIMIT ?3",
        &[
            text(&serde_json::to_string(agent_ids)?),
            text(&serde_json::to_string(team_ids)?),
            num(HEADING_PEOPLE_MAX as i64),
        ],
    )?
    .all()
    .await?
    .results()
}

/// Where the rules choosing people (`PeopleRule`) are kept: (table, JSON column, the rule's
/// path in it, what it is called for an admin).
const PEOPLE_RULES: [(&str, &str, &str, &str); 3] = [
    ("sites", "chat_settings", "$.routing.rule", "the routing of"),
    (
        "sites",
        "chat_settings",
        "$.heading_people",
        "the heading of",
    ),
    (
        "meta_connections",
        "flow",
        "$.routing.rule",
        "the routing of",
    ),
];

/// What names team `id` in a rule: "the routing of {site}", "the heading of {site}", "the
/// routing of {Page or number}".
pub async fn rules_naming_team(db: &D1Database, id: &str) -> Result<Vec<String>> {
    #[derive(Deserialize)]
    struct Row {
        rule: String,
    }
    let selects: Vec<String> = PEOPLE_RULES
        .iter()
        .map(|(table, column, path, called)| {
            format!(
                "SELECT '{called} ' || t.name AS rule \
                 FROM {table} t, json_each(t.{column}, '{path}.team_ids') j WHERE j.value = ?1"
            )
        })
        .collect();
    let rows: Vec<Row> = stmt(
        db,
        &format!("{} ORDER BY 1", selects.join(" UNION ")),
        &[text(id)],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows.into_iter().map(|r| r.rule).collect())
}

/// Takes a removed member out of every rule that named them: each site's routing and heading,
/// each connection's routing (a form could not untick a member it no longer lists). Only once
/// they are gone, so calling it again, or for someone still there, changes nothing.
pub async fn forget_member_in_rules(db: &D1Database, id: &str) -> Result<()> {
    let batch = PEOPLE_RULES
        .iter()
        .map(|(table, column, path, _)| {
            let ids = format!("{path}.agent_ids");
            stmt(
                db,
                &format!(
                    "UPDATE {table} SET {column} = json_set({column}, '{ids}', \
                     json((SELECT json_group_array(value) FROM json_each({column}, '{ids}') \
                      WHERE value != ?1))) \
                     WHERE EXISTS (SELECT 1 FROM json_each({column}, '{ids}') WHERE value = ?1) \
                     AND NOT EXISTS (SELECT 1 FROM agents WHERE id = ?1)"
                ),
                &[text(id)],
            )
        })
        .collect::<Result<Vec<_>>>()?;
    db.batch(batch).await?;
    Ok(())
}
