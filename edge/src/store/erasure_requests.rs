//! Visitors' requests to be erased (`erasure_requests`, migration 0029), waiting for an admin.
//! A request holds no personal data of its own: it points at the contact, and goes with them.

use protocol::api::ErasureRequest;
use protocol::Millis;
use worker::{D1Database, Result};

use super::{changes, num, stmt, text};

/// Records a request for the contact of conversation `conversation_id` (one waiting request
/// per contact: asking again changes nothing); false when there is no such conversation.
pub async fn insert(db: &D1Database, id: &str, conversation_id: &str, at: Millis) -> Result<bool> {
    let result = stmt(
        db,
        "INSERT INTO erasure_requests (id, site_id, contact_id, conversation_id, requested_at) \
         SELECT ?1, c.site_id, c.contact_id, c.id, ?3 FROM conversations c \
         WHERE c.id = ?2 AND c.contact_id IS NOT NULL \
         ON CONFLICT DO NOTHING",
        &[text(id), text(conversation_id), num(at)],
    )?
    .run()
    .await?;
    Ok(changes(&result) == 1 || exists(db, conversation_id).await?)
}

/// Whether the contact of `conversation_id` has a request waiting.
async fn exists(db: &D1Database, conversation_id: &str) -> Result<bool> {
    #[derive(serde::Deserialize)]
    struct Row {
        #[allow(dead_code)] // only its presence matters
        id: String,
    }
    let row: Option<Row> = stmt(
        db,
        "SELECT r.id FROM erasure_requests r JOIN conversations c ON c.contact_id = r.contact_id \
         WHERE c.id = ?1 AND r.declined_at IS NULL",
        &[text(conversation_id)],
    )?
    .first(None)
    .await?;
    Ok(row.is_some())
}

const COLUMNS: &str = "r.id, r.site_id, r.contact_id, r.conversation_id, r.requested_at, \
     COALESCE(ct.name, ct.email, ct.phone) AS contact_name";

/// The requests waiting, oldest first.
pub async fn waiting(db: &D1Database) -> Result<Vec<ErasureRequest>> {
    stmt(
        db,
        &format!(
            "SELECT {COLUMNS} FROM erasure_requests r JOIN contacts ct ON ct.id = r.contact_id \
             WHERE r.declined_at IS NULL ORDER BY r.requested_at LIMIT 200"
        ),
        &[],
    )?
    .all()
    .await?
    .results()
}

/// Request `id` if it is waiting.
pub async fn request(db: &D1Database, id: &str) -> Result<Option<ErasureRequest>> {
    stmt(
        db,
        &format!(
            "SELECT {COLUMNS} FROM erasure_requests r JOIN contacts ct ON ct.id = r.contact_id \
             WHERE r.id = ?1 AND r.declined_at IS NULL"
        ),
        &[text(id)],
    )?
    .first(None)
    .await
}

/// Declines request `id` for admin `by`; false when it was not waiting.
pub async fn decline(db: &D1Database, id: &str, by: &str, at: Millis) -> Result<bool> {
    let result = stmt(
        db,
        "UPDATE erasure_requests SET declined_at = ?2, declined_by = ?3 \
         WHERE id = ?1 AND declined_at IS NULL",
        &[text(id), num(at), text(by)],
    )?
    .run()
    .await?;
    Ok(changes(&result) == 1)
}
