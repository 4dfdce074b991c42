//! What makes a retry find what the first attempt did (migration 0028): a widget conversation's
//! creation, by its first message's client id, and every Meta event taken into a
//! conversation, by Meta's id. Kept only as long as a retry may come
//! ([`purge`]).

use protocol::Millis;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement, Result};

use super::{now, num, stmt, text};

/// A widget conversation's creation, remembered by its first message's client id (migration
/// 0028) so that a retry finds it.
#[derive(Clone, Debug, Deserialize)]
pub struct Creation {
    pub site_id: String,
    pub client_id: String,
    pub visitor_id: String,
    pub conversation_id: String,
    pub requester: String,
    pub created_at: Millis,
}

pub fn insert_creation(db: &D1Database, c: &Creation) -> Result<D1PreparedStatement> {
    stmt(
        db,
        "INSERT INTO conversation_creations \
         (site_id, client_id, visitor_id, conversation_id, requester, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &[
            text(&c.site_id),
            text(&c.client_id),
            text(&c.visitor_id),
            text(&c.conversation_id),
            text(&c.requester),
            num(c.created_at),
        ],
    )
}

/// The creation a first message's client id made on a site, if any.
pub async fn creation(db: &D1Database, site_id: &str, client_id: &str) -> Result<Option<Creation>> {
    stmt(
        db,
        "SELECT site_id, client_id, visitor_id, conversation_id, requester, created_at \
         FROM conversation_creations WHERE site_id = ?1 AND client_id = ?2",
        &[text(site_id), text(client_id)],
    )?
    .first(None)
    .await
}

/// Forgets what only idempotency needed: creations older than a day, and Meta events taken
/// more than a week ago.
pub async fn purge(db: &D1Database, now: Millis) -> Result<()> {
    const DAY: Millis = 24 * 60 * 60 * 1000;
    db.batch(vec![
        stmt(
            db,
            "DELETE FROM conversation_creations WHERE created_at < ?1",
            &[num(now - DAY)],
        )?,
        stmt(
            db,
            "DELETE FROM meta_events_taken WHERE at < ?1",
            &[num(now - 7 * DAY)],
        )?,
    ])
    .await?;
    Ok(())
}

/// The conversation a Meta event (by its key) was taken into, if it was taken before.
pub async fn event_taken(db: &D1Database, key: &str) -> Result<Option<String>> {
    #[derive(Deserialize)]
    struct Row {
        conversation_id: String,
    }
    let row: Option<Row> = stmt(
        db,
        "SELECT conversation_id FROM meta_events_taken WHERE key = ?1",
        &[text(key)],
    )?
    .first(None)
    .await?;
    Ok(row.map(|r| r.conversation_id))
}

/// Records that a Meta event was taken into a conversation (once).
pub async fn take_event(db: &D1Database, key: &str, conversation_id: &str) -> Result<()> {
    stmt(
        db,
        "INSERT OR IGNORE INTO meta_events_taken (key, conversation_id, at) VALUES (?1, ?2, ?3)",
        &[text(key), text(conversation_id), num(now())],
    )?
    .run()
    .await?;
    Ok(())
}
