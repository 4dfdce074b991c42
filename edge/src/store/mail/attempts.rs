//! A queued e-mail's attempts: each counted before it is tried, the outcome recorded (sent with
//! the provider's id, or failed with the reason), and the e-mails nobody is working on any more,
//! for the sweep.

use protocol::api::EmailKind;
use protocol::Millis;
use serde::Deserialize;
use worker::{D1Database, Result};

use crate::store::{num, opt_text, stmt, text};

/// A queued e-mail being attempted.
#[derive(Deserialize)]
pub struct Attempt {
    pub conversation_id: Option<String>,
    pub invitation_id: Option<String>,
    pub kind: EmailKind,
    pub requested_by: Option<String>,
    pub link: Option<String>,
    pub to_address: String,
    pub subject: String,
    /// Attempts so far, this one included.
    pub attempts: u32,
    /// A reply's message.
    pub message_seq: Option<protocol::Seq>,
}

/// Counts an attempt at a queued e-mail; `None` when it is no longer queued (sent or failed
/// already: a redelivery has nothing to do).
pub async fn attempt_email(db: &D1Database, id: &str) -> Result<Option<Attempt>> {
    stmt(
        db,
        "UPDATE emails SET attempts = attempts + 1, attempted_at = ?2 \
         WHERE id = ?1 AND status = 'queued' \
         RETURNING conversation_id, invitation_id, kind, requested_by, link, to_address, subject, \
         attempts, message_seq",
        &[text(id), num(crate::store::now())],
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

/// An e-mail nobody is working on any more: queued, and not attempted since `before` (its
/// queue job was lost, or ran out of the queue's retries).
#[derive(Deserialize)]
pub struct Overdue {
    pub id: String,
    pub attempts: u32,
}

/// Up to `limit` overdue e-mails, oldest first.
pub async fn overdue_emails(db: &D1Database, before: Millis, limit: u32) -> Result<Vec<Overdue>> {
    stmt(
        db,
        "SELECT id, attempts FROM emails WHERE status = 'queued' \
         AND COALESCE(attempted_at, created_at) < ?1 \
         ORDER BY COALESCE(attempted_at, created_at) LIMIT ?2",
        &[num(before), num(i64::from(limit))],
    )?
    .all()
    .await?
    .results()
}

/// Marks an overdue e-mail as looked at now, so the next sweep waits for its new job.
pub async fn touch_email(db: &D1Database, id: &str) -> Result<()> {
    stmt(
        db,
        "UPDATE emails SET attempted_at = ?2 WHERE id = ?1 AND status = 'queued'",
        &[text(id), num(crate::store::now())],
    )?
    .run()
    .await?;
    Ok(())
}
