//! A site's chatflows (`chatflows` and `chatflow_versions`, migration 0030): each flow's draft,
//! and its published versions, never changed once written. What a valid flow is, is
//! `domain::flows`'.

use protocol::api::ChatflowEntry;
use protocol::flows::{Chatflow, FlowVersion};
use protocol::Millis;
use serde::Deserialize;
use worker::{D1Database, Result};

use super::{changes, num, stmt, text};

#[derive(Deserialize)]
struct Row {
    id: String,
    site_id: String,
    draft: String,
    published: Option<u32>,
    /// The published version's flow, as JSON.
    running: Option<String>,
    created_at: Millis,
    updated_at: Millis,
}

const SELECT: &str = "SELECT f.id, f.site_id, f.draft, f.published, v.flow AS running, \
     f.created_at, f.updated_at FROM chatflows f \
     LEFT JOIN chatflow_versions v ON v.flow_id = f.id AND v.version = f.published";

impl Row {
    fn entry(self) -> Result<ChatflowEntry> {
        let draft: Chatflow = serde_json::from_str(&self.draft)?;
        let running: Option<Chatflow> = self
            .running
            .as_deref()
            .map(serde_json::from_str)
            .transpose()?;
        Ok(ChatflowEntry {
            id: self.id,
            site_id: self.site_id,
            unpublished_changes: running.as_ref() != Some(&draft),
            draft,
            published: self.published,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// The site's flows, oldest first.
pub async fn list(db: &D1Database, site_id: &str) -> Result<Vec<ChatflowEntry>> {
    let rows: Vec<Row> = stmt(
        db,
        &format!("{SELECT} WHERE f.site_id = ?1 ORDER BY f.created_at, f.id"),
        &[text(site_id)],
    )?
    .all()
    .await?
    .results()?;
    rows.into_iter().map(Row::entry).collect()
}

/// Flow `id`.
pub async fn flow(db: &D1Database, id: &str) -> Result<Option<ChatflowEntry>> {
    let row: Option<Row> = stmt(db, &format!("{SELECT} WHERE f.id = ?1"), &[text(id)])?
        .first(None)
        .await?;
    row.map(Row::entry).transpose()
}

/// Makes flow `id` of `site_id` with `draft`, unpublished.
pub async fn create(
    db: &D1Database,
    id: &str,
    site_id: &str,
    draft: &Chatflow,
    now: Millis,
) -> Result<()> {
    stmt(
        db,
        "INSERT INTO chatflows (id, site_id, draft, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        &[text(id), text(site_id), text(&serde_json::to_string(draft)?), num(now)],
    )?
    .run()
    .await?;
    Ok(())
}

/// Saves flow `id`'s draft; false when there is no such flow.
pub async fn save_draft(db: &D1Database, id: &str, draft: &Chatflow, now: Millis) -> Result<bool> {
    let result = stmt(
        db,
        "UPDATE chatflows SET draft = ?2, updated_at = ?3 WHERE id = ?1",
        &[text(id), text(&serde_json::to_string(draft)?), num(now)],
    )?
    .run()
    .await?;
    Ok(changes(&result) == 1)
}

/// Deletes flow `id` with its versions; false when there is no such flow. (D1 counts the
/// versions the delete takes with it among its changes.)
pub async fn delete(db: &D1Database, id: &str) -> Result<bool> {
    let result = stmt(db, "DELETE FROM chatflows WHERE id = ?1", &[text(id)])?
        .run()
        .await?;
    Ok(changes(&result) >= 1)
}

/// Publishes `flow` as flow `id`'s next version, by member `by`: it runs from now on, and it is
/// the draft. The version's number is taken in the same statement that writes it, so two
/// publishes at once get two numbers.
pub async fn publish(
    db: &D1Database,
    id: &str,
    flow: &Chatflow,
    by: &str,
    now: Millis,
) -> Result<FlowVersion> {
    let json = serde_json::to_string(flow)?;
    db.batch(vec![
        stmt(
            db,
            "INSERT INTO chatflow_versions (flow_id, version, flow, published_at, published_by) \
             SELECT ?1, COALESCE(MAX(version), 0) + 1, ?2, ?3, ?4 FROM chatflow_versions \
             WHERE flow_id = ?1",
            &[text(id), text(&json), num(now), text(by)],
        )?,
        stmt(
            db,
            "UPDATE chatflows SET draft = ?2, updated_at = ?3, published = \
             (SELECT MAX(version) FROM chatflow_versions WHERE flow_id = ?1) WHERE id = ?1",
            &[text(id), text(&json), num(now)],
        )?,
    ])
    .await?;
    let newest = versions(db, id).await?.into_iter().next();
    newest.ok_or_else(|| worker::Error::RustError("the version just published is missing".into()))
}

#[derive(Deserialize)]
struct VersionRow {
    version: u32,
    flow: String,
    published_at: Millis,
    published_by: String,
}

impl VersionRow {
    fn version(self) -> Result<FlowVersion> {
        Ok(FlowVersion {
            version: self.version,
            flow: serde_json::from_str(&self.flow)?,
            published_at: self.published_at,
            published_by: self.published_by,
        })
    }
}

/// Flow `id`'s published versions, newest first.
pub async fn versions(db: &D1Database, id: &str) -> Result<Vec<FlowVersion>> {
    let rows: Vec<VersionRow> = stmt(
        db,
        "SELECT version, flow, published_at, published_by FROM chatflow_versions \
         WHERE flow_id = ?1 ORDER BY version DESC",
        &[text(id)],
    )?
    .all()
    .await?
    .results()?;
    rows.into_iter().map(VersionRow::version).collect()
}

/// The site's flows that run: each one's id and published version, oldest flow first.
pub async fn running(db: &D1Database, site_id: &str) -> Result<Vec<(String, FlowVersion)>> {
    #[derive(Deserialize)]
    struct Running {
        id: String,
        #[serde(flatten)]
        version: VersionRow,
    }
    let rows: Vec<Running> = stmt(
        db,
        "SELECT f.id, v.version, v.flow, v.published_at, v.published_by FROM chatflows f \
         JOIN chatflow_versions v ON v.flow_id = f.id AND v.version = f.published \
         WHERE f.site_id = ?1 ORDER BY f.created_at, f.id",
        &[text(site_id)],
    )?
    .all()
    .await?
    .results()?;
    rows.into_iter()
        .map(|r| Ok((r.id, r.version.version()?)))
        .collect()
}
