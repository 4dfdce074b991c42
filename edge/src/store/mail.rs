//! The visitor's details agents fill in, and the record of e-mails sent from conversations.

use protocol::api::{EmailKind, EmailRecord, EmailStatus, VisitorDetails};
use protocol::Millis;
use serde::Deserialize;
use worker::{D1Database, Result};

use super::{changes, num, opt_text, stmt, text};

/// The chat's visitor as the team knows them, with where the chat started; `None` when the
/// conversation is not a website chat (or does not exist).
pub async fn visitor_details(
    db: &D1Database,
    conversation_id: &str,
) -> Result<Option<VisitorDetails>> {
    stmt(
        db,
        "SELECT v.name, v.email, v.identity AS verified_email, c.page_url, c.referrer, c.locale \
         FROM conversations c \
         JOIN visitors v ON v.id = c.visitor_id WHERE c.id = ?1",
        &[text(conversation_id)],
    )?
    .first(None)
    .await
}

/// Sets the chat visitor's name and e-mail (`None` clears); false when there is no such chat.
pub async fn set_visitor_details(
    db: &D1Database,
    conversation_id: &str,
    name: Option<&str>,
    email: Option<&str>,
) -> Result<bool> {
    let result = stmt(
        db,
        "UPDATE visitors SET name = ?2, email = ?3 \
         WHERE id = (SELECT visitor_id FROM conversations WHERE id = ?1)",
        &[text(conversation_id), opt_text(name), opt_text(email)],
    )?
    .run()
    .await?;
    Ok(changes(&result) == 1)
}

/// What a transcript needs of its conversation.
#[derive(Deserialize)]
pub struct TranscriptSource {
    pub site_id: String,
    pub page_url: Option<String>,
    pub created_at: Millis,
    pub visitor_email: Option<String>,
}

pub async fn transcript_source(
    db: &D1Database,
    conversation_id: &str,
) -> Result<Option<TranscriptSource>> {
    stmt(
        db,
        "SELECT c.site_id, c.page_url, c.created_at, v.email AS visitor_email \
         FROM conversations c LEFT JOIN visitors v ON v.id = c.visitor_id WHERE c.id = ?1",
        &[text(conversation_id)],
    )?
    .first(None)
    .await
}

const EMAIL_COLUMNS: &str =
    "id, kind, to_address, subject, status, error, requested_by, created_at, sent_at";

#[derive(Deserialize)]
struct EmailRow {
    id: String,
    kind: EmailKind,
    to_address: String,
    subject: String,
    status: EmailStatus,
    error: Option<String>,
    requested_by: Option<String>,
    created_at: Millis,
    sent_at: Option<Millis>,
}

impl From<EmailRow> for EmailRecord {
    fn from(r: EmailRow) -> Self {
        Self {
            id: r.id,
            kind: r.kind,
            to: r.to_address,
            subject: r.subject,
            status: r.status,
            error: r.error,
            requested_by: r.requested_by,
            created_at: r.created_at,
            sent_at: r.sent_at,
        }
    }
}

/// Records a queued e-mail (before it is put on the queue, so the record exists first).
pub async fn insert_email(
    db: &D1Database,
    conversation_id: &str,
    record: &EmailRecord,
) -> Result<()> {
    stmt(
        db,
        "INSERT INTO emails (id, conversation_id, kind, to_address, subject, status, requested_by, created_at) \
         VALUES (?1, ?2, 'transcript', ?3, ?4, 'queued', ?5, ?6)",
        &[
            text(&record.id),
            text(conversation_id),
            text(&record.to),
            text(&record.subject),
            opt_text(record.requested_by.as_deref()),
            num(record.created_at),
        ],
    )?
    .run()
    .await?;
    Ok(())
}

/// A conversation's e-mails, newest first.
pub async fn emails(db: &D1Database, conversation_id: &str) -> Result<Vec<EmailRecord>> {
    let rows: Vec<EmailRow> = stmt(
        db,
        &format!(
            "SELECT {EMAIL_COLUMNS} FROM emails WHERE conversation_id = ?1 \
             ORDER BY created_at DESC, id"
        ),
        &[text(conversation_id)],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// A queued e-mail being attempted.
#[derive(Deserialize)]
pub struct Attempt {
    pub conversation_id: String,
    pub to_address: String,
    pub subject: String,
    /// Attempts so far, this one included.
    pub attempts: u32,
}

/// Counts an attempt at a queued e-mail; `None` when it is no longer queued (sent or failed
/// already: a redelivery has nothing to do).
pub async fn attempt_email(db: &D1Database, id: &str) -> Result<Option<Attempt>> {
    stmt(
        db,
        "UPDATE emails SET attempts = attempts + 1 WHERE id = ?1 AND status = 'queued' \
         RETURNING conversation_id, to_address, subject, attempts",
        &[text(id)],
    )?
    .first(None)
    .await
}

/// Marks an e-mail sent (with the provider's id) or failed (with the reason).
pub async fn finish_email(
    db: &D1Database,
    id: &str,
    outcome: std::result::Result<&str, &str>,
    now: Millis,
) -> Result<()> {
    let (status, provider_id, error) = match outcome {
        Ok(provider_id) => ("sent", Some(provider_id), None),
        Err(reason) => ("failed", None, Some(reason)),
    };
    stmt(
        db,
        "UPDATE emails SET status = ?2, provider_id = ?3, error = ?4, \
         sent_at = CASE WHEN ?2 = 'sent' THEN ?5 ELSE NULL END WHERE id = ?1",
        &[
            text(id),
            text(status),
            opt_text(provider_id),
            opt_text(error),
            num(now),
        ],
    )?
    .run()
    .await?;
    Ok(())
}

/// Notes why the last attempt failed, while the e-mail waits for its retry.
pub async fn note_email_error(db: &D1Database, id: &str, error: &str) -> Result<()> {
    stmt(
        db,
        "UPDATE emails SET error = ?2 WHERE id = ?1 AND status = 'queued'",
        &[text(id), text(error)],
    )?
    .run()
    .await?;
    Ok(())
}
