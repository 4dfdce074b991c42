//! Teams (migration 0018) and their members: listed, created, renamed with their members
//! replaced whole, deleted.

use protocol::api::{Team, TeamInput};
use protocol::Millis;
use serde::Deserialize;
use worker::{D1Database, Result};

use super::links::replace_links;
use super::Saved;
use crate::store::{changes, num, stmt, text};

const TEAM_NAMED: &str = "EXISTS (SELECT 1 FROM teams WHERE id = ?1 AND name = ?2)";

#[derive(Deserialize)]
struct TeamRow {
    id: String,
    name: String,
    member_ids: String,
}

impl TeamRow {
    fn team(self) -> Result<Team> {
        Ok(Team {
            id: self.id,
            name: self.name,
            member_ids: serde_json::from_str(&self.member_ids)?,
        })
    }
}

const TEAM_COLUMNS: &str = "t.id, t.name, (SELECT json_group_array(agent_id) FROM \
    (SELECT agent_id FROM team_members WHERE team_id = t.id ORDER BY agent_id)) AS member_ids";

/// Every team, by name.
pub async fn teams(db: &D1Database) -> Result<Vec<Team>> {
    let rows: Vec<TeamRow> = stmt(
        db,
        &format!("SELECT {TEAM_COLUMNS} FROM teams t ORDER BY t.name COLLATE NOCASE, t.id"),
        &[],
    )?
    .all()
    .await?
    .results()?;
    rows.into_iter().map(TeamRow::team).collect()
}

pub async fn team(db: &D1Database, id: &str) -> Result<Option<Team>> {
    let row: Option<TeamRow> = stmt(
        db,
        &format!("SELECT {TEAM_COLUMNS} FROM teams t WHERE t.id = ?1"),
        &[text(id)],
    )?
    .first(None)
    .await?;
    row.map(TeamRow::team).transpose()
}

pub async fn create_team(
    db: &D1Database,
    id: &str,
    input: &TeamInput,
    at: Millis,
) -> Result<Saved> {
    let [clear, insert] = replace_links(
        db,
        ("team_members", "team_id", "agent_id"),
        id,
        &input.name,
        TEAM_NAMED,
        &input.member_ids,
    )?;
    let results = db
        .batch(vec![
            stmt(
                db,
                "INSERT INTO teams (id, name, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                &[text(id), text(&input.name), num(at)],
            )?,
            clear,
            insert,
        ])
        .await?;
    Ok(if results.first().map(changes) == Some(1) {
        Saved::Done
    } else {
        Saved::NameTaken
    })
}

pub async fn update_team(db: &D1Database, id: &str, input: &TeamInput) -> Result<Saved> {
    let [clear, insert] = replace_links(
        db,
        ("team_members", "team_id", "agent_id"),
        id,
        &input.name,
        TEAM_NAMED,
        &input.member_ids,
    )?;
    let results = db
        .batch(vec![
            stmt(
                db,
                "UPDATE teams SET name = ?2 WHERE id = ?1 \
                 AND NOT EXISTS (SELECT 1 FROM teams WHERE name = ?2 AND id != ?1)",
                &[text(id), text(&input.name)],
            )?,
            clear,
            insert,
        ])
        .await?;
    if results.first().map(changes) == Some(1) {
        return Ok(Saved::Done);
    }
    Ok(if team(db, id).await?.is_some() {
        Saved::NameTaken
    } else {
        Saved::Unknown
    })
}

/// Deletes a team (its inbox access and memberships go with it); false when there was none.
pub async fn delete_team(db: &D1Database, id: &str) -> Result<bool> {
    let result = stmt(db, "DELETE FROM teams WHERE id = ?1", &[text(id)])?
        .run()
        .await?;
    // D1 counts the rows its foreign keys deleted with it too.
    Ok(changes(&result) > 0)
}
