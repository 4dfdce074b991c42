//! Inboxes and teams (migration 0018): who sees which inbox, which channels deliver where, and
//! moving conversations between inboxes. Every change that must hold a rule (a name used once,
//! a member list replaced whole, nothing left pointing at a deleted inbox) is one statement or
//! one batch, so D1 applies it atomically.
//!
//! This module keeps the inboxes themselves (listing, creating, renaming, deleting) and who
//! sees which; the rest is in submodules, their items re-exported here so `store::inboxes::x`
//! works for every caller:
//!
//! - `links`: the id lists inboxes and teams keep (members, teams), checking that named ids
//!   exist, replacing a list whole, and what an accepted invitation gives its new member.
//! - `teams`: teams and their members.
//! - `people`: the rules choosing people (routing, chat headings): whom a heading shows, what
//!   names a team, forgetting a removed member.
//! - `moves`: giving a conversation to a team, moving it to another inbox.
//! - `channels`: which inbox each site's chat and each Messenger Page or WhatsApp number
//!   delivers to.

use protocol::api::{Inbox, InboxChannel, InboxInput};
use protocol::Millis;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement, Result};

use super::{changes, num, opt_text, stmt, text, Viewer};

mod channels;
mod links;
mod moves;
mod people;
mod teams;

pub use channels::{set_connection_inbox, set_site_inbox, site_inbox, site_inboxes};
pub use links::{first_unknown, join, Table};
pub use moves::{assign_team, move_conversation, TeamAssigned};
pub use people::{forget_member_in_rules, heading_people, rules_naming_team};
pub use teams::{create_team, delete_team, team, teams, update_team};

use links::replace_links;

#[derive(Deserialize)]
struct InboxRow {
    id: String,
    name: String,
    everyone: i64,
    /// JSON arrays, from `json_group_array`.
    member_ids: String,
    team_ids: String,
    channels: String,
}

impl InboxRow {
    fn inbox(self) -> Result<Inbox> {
        Ok(Inbox {
            id: self.id,
            name: self.name,
            everyone: self.everyone == 1,
            member_ids: serde_json::from_str(&self.member_ids)?,
            team_ids: serde_json::from_str(&self.team_ids)?,
            channels: serde_json::from_str::<Vec<InboxChannel>>(&self.channels)?,
        })
    }
}

const INBOX_COLUMNS: &str = "i.id, i.name, i.everyone, \
    (SELECT json_group_array(agent_id) FROM \
        (SELECT agent_id FROM inbox_members WHERE inbox_id = i.id ORDER BY agent_id)) AS member_ids, \
    (SELECT json_group_array(team_id) FROM \
        (SELECT team_id FROM inbox_teams WHERE inbox_id = i.id ORDER BY team_id)) AS team_ids, \
    (SELECT json_group_array(json(c)) FROM ( \
        SELECT json_object('channel', 'chat', 'id', s.id, 'name', s.name, 'site_id', s.id) AS c, \
            s.name AS n \
            FROM sites s WHERE s.inbox_id = i.id \
        UNION ALL \
        SELECT json_object('channel', m.channel, 'id', m.id, 'name', m.name, 'site_id', m.site_id), \
            m.name \
            FROM meta_connections m WHERE m.inbox_id = i.id \
        ORDER BY n)) AS channels";

/// The inboxes `viewer` sees, by name.
pub async fn list(db: &D1Database, viewer: &Viewer<'_>) -> Result<Vec<Inbox>> {
    let rows: Vec<InboxRow> = stmt(
        db,
        &format!(
            "SELECT {INBOX_COLUMNS} FROM inboxes i WHERE {} ORDER BY i.name COLLATE NOCASE, i.id",
            viewer.sees("i.id", 1)
        ),
        &[viewer.admin_arg(), text(viewer.agent_id)],
    )?
    .all()
    .await?
    .results()?;
    rows.into_iter().map(InboxRow::inbox).collect()
}

pub async fn get(db: &D1Database, id: &str) -> Result<Option<Inbox>> {
    let row: Option<InboxRow> = stmt(
        db,
        &format!("SELECT {INBOX_COLUMNS} FROM inboxes i WHERE i.id = ?1"),
        &[text(id)],
    )?
    .first(None)
    .await?;
    row.map(InboxRow::inbox).transpose()
}

/// What saving an inbox or a team did.
pub enum Saved {
    Done,
    /// Another inbox (or team) has that name, case aside; nothing changed.
    NameTaken,
    /// No inbox (or team) has that id.
    Unknown,
}

const INBOX_NAMED: &str = "EXISTS (SELECT 1 FROM inboxes WHERE id = ?1 AND name = ?2)";

/// Creates an inbox (ids already checked to exist).
pub async fn create(db: &D1Database, id: &str, input: &InboxInput, at: Millis) -> Result<Saved> {
    let mut batch = vec![stmt(
        db,
        "INSERT INTO inboxes (id, name, everyone, created_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT DO NOTHING",
        &[
            text(id),
            text(&input.name),
            num(i64::from(input.everyone)),
            num(at),
        ],
    )?];
    batch.extend(inbox_links(db, id, input)?);
    let results = db.batch(batch).await?;
    Ok(if results.first().map(changes) == Some(1) {
        Saved::Done
    } else {
        Saved::NameTaken
    })
}

fn inbox_links(db: &D1Database, id: &str, input: &InboxInput) -> Result<Vec<D1PreparedStatement>> {
    let members = replace_links(
        db,
        ("inbox_members", "inbox_id", "agent_id"),
        id,
        &input.name,
        INBOX_NAMED,
        &input.member_ids,
    )?;
    let teams = replace_links(
        db,
        ("inbox_teams", "inbox_id", "team_id"),
        id,
        &input.name,
        INBOX_NAMED,
        &input.team_ids,
    )?;
    Ok(members.into_iter().chain(teams).collect())
}

/// Renames an inbox and replaces who is given it, in one transaction.
pub async fn update(db: &D1Database, id: &str, input: &InboxInput) -> Result<Saved> {
    let mut batch = vec![stmt(
        db,
        "UPDATE inboxes SET name = ?2, everyone = ?3 WHERE id = ?1 \
         AND NOT EXISTS (SELECT 1 FROM inboxes WHERE name = ?2 AND id != ?1)",
        &[text(id), text(&input.name), num(i64::from(input.everyone))],
    )?];
    batch.extend(inbox_links(db, id, input)?);
    let results = db.batch(batch).await?;
    if results.first().map(changes) == Some(1) {
        return Ok(Saved::Done);
    }
    Ok(if get(db, id).await?.is_some() {
        Saved::NameTaken
    } else {
        Saved::Unknown
    })
}

/// What deleting an inbox did.
pub enum Deleted {
    Done,
    Unknown,
    /// Conversations or channels are in it, and no other inbox was named to take them.
    InUse {
        conversations: u32,
        channels: u32,
    },
    /// It is the only inbox: channels need somewhere to deliver.
    Last,
}

/// Deletes an inbox, first moving its conversations and channels to `move_to` (an existing,
/// other inbox, checked by the caller), all in one transaction.
pub async fn delete(db: &D1Database, id: &str, move_to: Option<&str>) -> Result<Deleted> {
    #[derive(Deserialize)]
    struct Counts {
        found: u32,
        inboxes: u32,
        conversations: u32,
        channels: u32,
    }
    let counts: Option<Counts> = stmt(
        db,
        "SELECT (SELECT COUNT(*) FROM inboxes WHERE id = ?1) AS found, \
         (SELECT COUNT(*) FROM inboxes) AS inboxes, \
         (SELECT COUNT(*) FROM conversations WHERE inbox_id = ?1) AS conversations, \
         (SELECT COUNT(*) FROM sites WHERE inbox_id = ?1) + \
         (SELECT COUNT(*) FROM meta_connections WHERE inbox_id = ?1) AS channels",
        &[text(id)],
    )?
    .first(None)
    .await?;
    let Some(counts) = counts.filter(|c| c.found == 1) else {
        return Ok(Deleted::Unknown);
    };
    if counts.inboxes <= 1 {
        return Ok(Deleted::Last);
    }
    let Some(target) = move_to else {
        if counts.conversations + counts.channels > 0 {
            return Ok(Deleted::InUse {
                conversations: counts.conversations,
                channels: counts.channels,
            });
        }
        stmt(db, "DELETE FROM inboxes WHERE id = ?1", &[text(id)])?
            .run()
            .await?;
        return Ok(Deleted::Done);
    };
    let moves = ["conversations", "sites", "meta_connections"]
        .into_iter()
        .map(|table| {
            stmt(
                db,
                &format!("UPDATE {table} SET inbox_id = ?2 WHERE inbox_id = ?1"),
                &[text(id), text(target)],
            )
        });
    let mut batch = moves.collect::<Result<Vec<_>>>()?;
    batch.push(stmt(db, "DELETE FROM inboxes WHERE id = ?1", &[text(id)])?);
    db.batch(batch).await?;
    Ok(Deleted::Done)
}

/// The inboxes each agent sees (admins: every one), or with `only` just that agent's, for the
/// hub's sockets.
pub async fn access(db: &D1Database, only: Option<&str>) -> Result<Vec<(String, Vec<String>)>> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        inbox_ids: String,
    }
    let rows: Vec<Row> = stmt(
        db,
        "SELECT a.id, CASE WHEN a.role = 'admin' \
            THEN (SELECT json_group_array(id) FROM inboxes) \
            ELSE (SELECT json_group_array(inbox_id) FROM inbox_access WHERE agent_id = a.id) \
         END AS inbox_ids FROM agents a WHERE ?1 IS NULL OR a.id = ?1",
        &[opt_text(only)],
    )?
    .all()
    .await?
    .results()?;
    rows.into_iter()
        .map(|r| Ok((r.id, serde_json::from_str(&r.inbox_ids)?)))
        .collect()
}
