//! Inboxes and teams (migration 0018): who sees which inbox, which channels deliver where, and
//! moving conversations between inboxes. Every change that must hold a rule (a name used once,
//! a member list replaced whole, nothing left pointing at a deleted inbox) is one statement or
//! one batch, so D1 applies it atomically.

use protocol::api::{
    ConversationSummary, Inbox, InboxChannel, InboxInput, Team, TeamInput, HEADING_PEOPLE_MAX,
};
use protocol::frame::AgentRef;
use protocol::Millis;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement, Result};

use super::conversations::{SummaryRow, SUMMARY_COLUMNS};
use super::{changes, num, opt_text, stmt, text, Viewer};

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
fn replace_links(
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

const INBOX_NAMED: &str = "EXISTS (SELECT 1 FROM inboxes WHERE id = ?1 AND name = ?2)";
const TEAM_NAMED: &str = "EXISTS (SELECT 1 FROM teams WHERE id = ?1 AND name = ?2)";

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
        &[text(id), opt_text(team), num(super::now())],
    )?
    .first(None)
    .await?;
    if let Some(row) = row {
        return Ok(TeamAssigned::Done(Box::new(row.into())));
    }
    Ok(match team {
        Some(team_id) if self::team(db, team_id).await?.is_none() => TeamAssigned::UnknownTeam,
        Some(_) if super::conversation_site(db, id).await?.is_some() => TeamAssigned::Unseen,
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

/// Where a site's chat delivers from now on; false when there is no such site.
pub async fn set_site_inbox(db: &D1Database, site_id: &str, inbox_id: &str) -> Result<bool> {
    let result = stmt(
        db,
        "UPDATE sites SET inbox_id = ?2 WHERE id = ?1",
        &[text(site_id), text(inbox_id)],
    )?
    .run()
    .await?;
    Ok(changes(&result) == 1)
}

/// The inbox a site's chat delivers to.
pub async fn site_inbox(db: &D1Database, site_id: &str) -> Result<Option<String>> {
    #[derive(Deserialize)]
    struct Row {
        inbox_id: String,
    }
    let row: Option<Row> = stmt(
        db,
        "SELECT inbox_id FROM sites WHERE id = ?1",
        &[text(site_id)],
    )?
    .first(None)
    .await?;
    Ok(row.map(|r| r.inbox_id))
}

/// The inbox of every site's chat, as (site id, inbox id).
pub async fn site_inboxes(db: &D1Database) -> Result<Vec<(String, String)>> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        inbox_id: String,
    }
    let rows: Vec<Row> = stmt(db, "SELECT id, inbox_id FROM sites", &[])?
        .all()
        .await?
        .results()?;
    Ok(rows.into_iter().map(|r| (r.id, r.inbox_id)).collect())
}

/// Where a site's Messenger Page or WhatsApp number delivers from now on; false when the site
/// has no such connection.
pub async fn set_connection_inbox(
    db: &D1Database,
    site_id: &str,
    id: &str,
    inbox_id: &str,
) -> Result<bool> {
    let result = stmt(
        db,
        "UPDATE meta_connections SET inbox_id = ?3 WHERE id = ?1 AND site_id = ?2",
        &[text(id), text(site_id), text(inbox_id)],
    )?
    .run()
    .await?;
    Ok(changes(&result) == 1)
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

// ---- teams ----

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

/// Deletes a team (its inbox access and memberships go with it); false when there was none.
pub async fn delete_team(db: &D1Database, id: &str) -> Result<bool> {
    let result = stmt(db, "DELETE FROM teams WHERE id = ?1", &[text(id)])?
        .run()
        .await?;
    // D1 counts the rows its foreign keys deleted with it too.
    Ok(changes(&result) > 0)
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
