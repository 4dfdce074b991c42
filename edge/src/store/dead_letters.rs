//! Queued messages that failed (`dead_letters`, migration 0027): each failure's reason noted
//! under the message's key, the message marked dead when its queue gave up, listed for admins,
//! and marked retried when an admin sends it back.

use domain::credentials::sha256_hex;
use protocol::queues::DeadLetter;
use protocol::Millis;
use serde::Deserialize;
use worker::{D1Database, Result};

use super::{changes, num, stmt, text};

/// How long the note of a failure that never died is kept.
const NOTE_KEPT_MS: Millis = 24 * 60 * 60 * 1000;

/// The key of a message: its queue and the digest of its body (a retry carries the same body).
/// Also its id in URLs, so nothing in it needs escaping.
fn key(queue: &str, body: &str) -> String {
    format!("{queue}.{}", sha256_hex(body))
}

/// Notes a failed attempt at `body` from `queue`, and why.
pub async fn note_failure(
    db: &D1Database,
    queue: &str,
    body: &str,
    reason: &str,
    now: Millis,
) -> Result<()> {
    stmt(
        db,
        "INSERT INTO dead_letters (key, queue, body, reason, failures, first_at, last_at) \
         VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5) \
         ON CONFLICT (key) DO UPDATE SET reason = excluded.reason, \
         failures = failures + 1, last_at = excluded.last_at",
        &[
            text(&key(queue, body)),
            text(queue),
            text(body),
            text(reason),
            num(now),
        ],
    )?
    .run()
    .await?;
    Ok(())
}

/// Records that `queue` gave up on `body`, with `reason` if given (else the last one noted
/// stays; none noted: the queue ran out of retries with no failure of ours, such as an
/// invocation that died).
pub async fn record(
    db: &D1Database,
    queue: &str,
    body: &str,
    reason: Option<&str>,
    now: Millis,
) -> Result<()> {
    stmt(
        db,
        "INSERT INTO dead_letters (key, queue, body, reason, failures, first_at, last_at, dead_at) \
         VALUES (?1, ?2, ?3, ?5, 0, ?4, ?4, ?4) \
         ON CONFLICT (key) DO UPDATE SET dead_at = excluded.dead_at, retried_at = NULL, \
         last_at = excluded.last_at, reason = COALESCE(excluded.reason, reason)",
        &[
            text(&key(queue, body)),
            text(queue),
            text(body),
            num(now),
            reason.map_or(wasm_bindgen::JsValue::NULL, text),
        ],
    )?
    .run()
    .await?;
    Ok(())
}

#[derive(Deserialize)]
struct Row {
    key: String,
    queue: String,
    reason: Option<String>,
    failures: i64,
    first_at: Millis,
    dead_at: Millis,
    body: String,
}

impl Row {
    fn into_dead_letter(self) -> DeadLetter {
        DeadLetter {
            id: self.key,
            queue: self.queue,
            reason: self.reason.unwrap_or_else(|| {
                "The queue ran out of retries without a reason noted (an attempt may have \
                 died mid-way)."
                    .to_owned()
            }),
            failures: u32::try_from(self.failures).unwrap_or(u32::MAX),
            first_at: self.first_at,
            dead_at: self.dead_at,
            body: self.body,
        }
    }
}

/// The dead letters not yet sent back, newest first (at most `limit`).
pub async fn dead(db: &D1Database, limit: u32) -> Result<Vec<DeadLetter>> {
    let rows: Vec<Row> = stmt(
        db,
        "SELECT key, queue, reason, failures, first_at, dead_at, body FROM dead_letters \
         WHERE dead_at IS NOT NULL AND retried_at IS NULL ORDER BY dead_at DESC LIMIT ?1",
        &[num(i64::from(limit))],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows.into_iter().map(Row::into_dead_letter).collect())
}

/// How many dead letters wait for an admin.
pub async fn count(db: &D1Database) -> Result<u32> {
    #[derive(Deserialize)]
    struct Count {
        n: i64,
    }
    let row: Option<Count> = stmt(
        db,
        "SELECT COUNT(*) AS n FROM dead_letters WHERE dead_at IS NOT NULL AND retried_at IS NULL",
        &[],
    )?
    .first(None)
    .await?;
    Ok(row.map_or(0, |r| u32::try_from(r.n).unwrap_or(u32::MAX)))
}

/// Takes dead letter `id` to send back: its queue and body; `None` when there is no such dead
/// letter waiting. Its failures start again from nothing.
pub async fn take_for_retry(
    db: &D1Database,
    id: &str,
    now: Millis,
) -> Result<Option<(String, String)>> {
    #[derive(Deserialize)]
    struct Taken {
        queue: String,
        body: String,
    }
    let taken: Option<Taken> = stmt(
        db,
        "UPDATE dead_letters SET retried_at = ?2, failures = 0, dead_at = NULL \
         WHERE key = ?1 AND dead_at IS NOT NULL AND retried_at IS NULL RETURNING queue, body",
        &[text(id), num(now)],
    )?
    .first(None)
    .await?;
    Ok(taken.map(|t| (t.queue, t.body)))
}

/// Puts a dead letter back when it could not be sent back after all.
pub async fn untake(db: &D1Database, id: &str, now: Millis) -> Result<bool> {
    let result = stmt(
        db,
        "UPDATE dead_letters SET retried_at = NULL, dead_at = ?2 WHERE key = ?1",
        &[text(id), num(now)],
    )?
    .run()
    .await?;
    Ok(changes(&result) == 1)
}

/// Forgets failures that never died and whose last was over a day ago, and dead letters sent
/// back that long ago.
pub async fn purge(db: &D1Database, now: Millis) -> Result<()> {
    stmt(
        db,
        "DELETE FROM dead_letters WHERE last_at < ?1 AND (dead_at IS NULL OR retried_at IS NOT NULL)",
        &[num(now - NOTE_KEPT_MS)],
    )?
    .run()
    .await?;
    Ok(())
}
