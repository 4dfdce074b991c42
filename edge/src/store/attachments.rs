//! Files sent in conversations (`attachments`, migration 0005): an upload recorded when its bytes
//! are in R2, claimed by the message that sends it, and, never claimed in time, expired and
//! deleted by housekeeping.

use protocol::{Attachment, Millis};
use serde::Deserialize;
use worker::{D1Database, Result};

use super::{now, num, opt_text, stmt, text};

/// A file's row, with the site its bytes are kept under.
#[derive(Deserialize)]
struct AttachmentRow {
    site_id: String,
    id: String,
    name: String,
    content_type: String,
    size: i64,
}

impl From<AttachmentRow> for Attachment {
    fn from(r: AttachmentRow) -> Self {
        Self {
            id: r.id,
            name: r.name,
            content_type: r.content_type,
            size: u64::try_from(r.size).unwrap_or(0),
        }
    }
}

/// Where a file's bytes are kept in R2.
pub fn attachment_key(site_id: &str, id: &str) -> String {
    format!("sites/{site_id}/files/{id}")
}

/// Records a file whose bytes are already in R2: an upload, in no conversation until a message
/// claims it (`conversation_id` none); or a file that came into a conversation from outside (a
/// visitor's e-mail answer), its at once. Recording an id again (a redelivery of that e-mail,
/// under the same id) changes nothing.
pub async fn insert_attachment(
    db: &D1Database,
    site_id: &str,
    uploaded_by: &str,
    conversation_id: Option<&str>,
    file: &Attachment,
) -> Result<()> {
    stmt(
        db,
        "INSERT INTO attachments (id, site_id, uploaded_by, conversation_id, name, content_type, \
         size, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (id) DO NOTHING",
        &[
            text(&file.id),
            text(site_id),
            text(uploaded_by),
            opt_text(conversation_id),
            text(&file.name),
            text(&file.content_type),
            num(i64::try_from(file.size).unwrap_or(i64::MAX)),
            num(now()),
        ],
    )?
    .run()
    .await?;
    Ok(())
}

/// Claims file `id` for a message of `conversation_id` sent by `uploader`: it must be of the
/// conversation's site, uploaded by the sender (or by a visitor before they had a token, when the
/// sender is a visitor), and in no other conversation. Claiming again for the same conversation
/// succeeds (a resent message). `None` when the file cannot be claimed.
pub async fn claim_attachment(
    db: &D1Database,
    id: &str,
    site_id: &str,
    conversation_id: &str,
    uploader: &str,
    may_claim_anonymous: bool,
) -> Result<Option<Attachment>> {
    let row: Option<AttachmentRow> = stmt(
        db,
        "UPDATE attachments SET conversation_id = ?3 \
         WHERE id = ?1 AND site_id = ?2 AND (conversation_id IS NULL OR conversation_id = ?3) \
         AND (uploaded_by = ?4 OR (?5 AND uploaded_by = '')) \
         RETURNING site_id, id, name, content_type, size",
        &[
            text(id),
            text(site_id),
            text(conversation_id),
            text(uploader),
            num(i64::from(may_claim_anonymous)),
        ],
    )?
    .first(None)
    .await?;
    Ok(row.map(Into::into))
}

/// A file of a conversation with the site it is kept under, or `None`.
pub async fn conversation_attachment(
    db: &D1Database,
    conversation_id: &str,
    id: &str,
) -> Result<Option<(String, Attachment)>> {
    let row: Option<AttachmentRow> = stmt(
        db,
        "SELECT site_id, id, name, content_type, size FROM attachments \
         WHERE id = ?1 AND conversation_id = ?2",
        &[text(id), text(conversation_id)],
    )?
    .first(None)
    .await?;
    Ok(row.map(|r| (r.site_id.clone(), r.into())))
}

/// `uploaded_by` of an upload whose time ran out: no one can claim it any more, and the next
/// sweep retries deleting its bytes should this one fail between R2 and D1.
const EXPIRED_UPLOADER: &str = "#expired";

/// Marks at most `limit` uploads made before `before` and never claimed as expired (they can
/// no longer be claimed), and returns every expired upload, up to `limit`, as (site, id).
pub async fn expire_unclaimed(
    db: &D1Database,
    before: Millis,
    limit: u32,
) -> Result<Vec<(String, String)>> {
    #[derive(Deserialize)]
    struct Row {
        site_id: String,
        id: String,
    }
    let results = db
        .batch(vec![
            stmt(
                db,
                "UPDATE attachments SET uploaded_by = ?1 WHERE id IN (\
                 SELECT id FROM attachments WHERE conversation_id IS NULL AND created_at < ?2 \
                 ORDER BY created_at LIMIT ?3)",
                &[text(EXPIRED_UPLOADER), num(before), num(i64::from(limit))],
            )?,
            stmt(
                db,
                "SELECT site_id, id FROM attachments \
                 WHERE conversation_id IS NULL AND uploaded_by = ?1 LIMIT ?2",
                &[text(EXPIRED_UPLOADER), num(i64::from(limit))],
            )?,
        ])
        .await?;
    let rows: Vec<Row> = match results.get(1) {
        Some(r) => r.results()?,
        None => Vec::new(),
    };
    Ok(rows.into_iter().map(|r| (r.site_id, r.id)).collect())
}

/// Deletes the rows of expired uploads (their bytes are already gone from R2).
pub async fn delete_expired(db: &D1Database, ids: &[String]) -> Result<()> {
    let statements = ids
        .iter()
        .map(|id| {
            stmt(
                db,
                "DELETE FROM attachments WHERE id = ?1 AND uploaded_by = ?2 \
                 AND conversation_id IS NULL",
                &[text(id), text(EXPIRED_UPLOADER)],
            )
        })
        .collect::<Result<Vec<_>>>()?;
    if !statements.is_empty() {
        db.batch(statements).await?;
    }
    Ok(())
}
