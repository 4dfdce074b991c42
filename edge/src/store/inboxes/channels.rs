//! Where each channel delivers: the inbox of each site's chat and of each connected Messenger
//! Page or WhatsApp number.

use serde::Deserialize;
use worker::{D1Database, Result};

use crate::store::{changes, stmt, text};

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
