//! One attempt at a reply at a time: the REPLIES queue's consumer leases it, records each part
//! Meta took, and finishes, fails or releases it; a sweep finds the replies nobody is working on
//! any more.

use protocol::api::TokenState;
use protocol::reply::Delivery;
use protocol::{Channel, Millis};
use serde::Deserialize;
use worker::{D1Database, Result};

use super::{DeliveryRow, DELIVERY_COLUMNS};
use crate::store::{changes, num, stmt, text};

/// How long one attempt holds a reply: longer than a Send API call may take, so a redelivered
/// job waits rather than sending a part twice.
const LEASE_MS: Millis = 60_000;

/// A reply leased for one attempt, with where it goes.
#[derive(Deserialize)]
pub struct Leased {
    pub conversation_id: String,
    pub requests: String,
    pub parts_sent: i64,
    pub attempts: i64,
    pub channel: Channel,
    pub connection_id: Option<String>,
    pub account_id: Option<String>,
    pub connection_name: Option<String>,
    pub token_sealed: Option<String>,
    pub token_state: Option<TokenState>,
}

/// What [`lease`] found.
pub enum Lease {
    /// Leased for this attempt until [`LEASE_MS`] from now.
    Taken(Leased),
    /// Another attempt holds it until then: try again after that, never drop it (that
    /// attempt may die before it finishes).
    Held { until: Millis },
    /// Nothing left to do: every part went, or it failed for good (or there is no such reply).
    Done,
}

/// Leases a reply that still has parts to send and is not failed nor held by another attempt.
pub async fn lease(db: &D1Database, id: &str) -> Result<Lease> {
    #[derive(Deserialize)]
    struct Holding {
        leased_until: Option<Millis>,
        pending: i64,
    }
    let at = crate::store::now();
    let taken = stmt(
        db,
        "UPDATE meta_sends SET attempts = attempts + 1, leased_until = ?2, updated_at = ?3 \
         WHERE id = ?1 AND state != 'failed' AND parts_sent < parts \
         AND (leased_until IS NULL OR leased_until < ?3)",
        &[text(id), num(at + LEASE_MS), num(at)],
    )?
    .run()
    .await?;
    if changes(&taken) != 1 {
        let holding: Option<Holding> = stmt(
            db,
            "SELECT leased_until, (state != 'failed' AND parts_sent < parts) AS pending \
             FROM meta_sends WHERE id = ?1",
            &[text(id)],
        )?
        .first(None)
        .await?;
        return Ok(match holding {
            Some(Holding {
                leased_until: Some(until),
                pending: 1,
            }) if until >= at => Lease::Held { until },
            // Released between the two statements: the next attempt takes it.
            Some(Holding { pending: 1, .. }) => Lease::Held { until: at },
            _ => Lease::Done,
        });
    }
    let leased = stmt(
        db,
        "SELECT s.conversation_id, s.requests, s.parts_sent, s.attempts, c.channel, \
         m.id AS connection_id, m.account_id, m.name AS connection_name, m.token_sealed, \
         m.token_state \
         FROM meta_sends s JOIN conversations c ON c.id = s.conversation_id \
         LEFT JOIN meta_connections m ON m.channel = c.channel AND m.account_id = c.meta_account_id \
         WHERE s.id = ?1",
        &[text(id)],
    )?
    .first(None)
    .await?;
    Ok(leased.map_or(Lease::Done, Lease::Taken))
}

/// A reply nobody is working on any more: still to send, not leased, and untouched since
/// `before` (its queue job was lost, or ran out of the queue's retries).
#[derive(Deserialize)]
pub struct Overdue {
    pub id: String,
    pub conversation_id: String,
    pub attempts: i64,
}

/// Up to `limit` overdue replies, oldest first.
pub async fn overdue(db: &D1Database, before: Millis, limit: u32) -> Result<Vec<Overdue>> {
    stmt(
        db,
        "SELECT id, conversation_id, attempts FROM meta_sends \
         WHERE state = 'queued' AND parts_sent < parts AND updated_at < ?1 \
         AND (leased_until IS NULL OR leased_until < ?2) \
         ORDER BY updated_at LIMIT ?3",
        &[num(before), num(crate::store::now()), num(i64::from(limit))],
    )?
    .all()
    .await?
    .results()
}

/// Marks an overdue reply as looked at now, so one sweep's re-enqueue is not repeated by the
/// next before its job has had time to run.
pub async fn touch(db: &D1Database, id: &str) -> Result<()> {
    stmt(
        db,
        "UPDATE meta_sends SET updated_at = ?2 WHERE id = ?1",
        &[text(id), num(crate::store::now())],
    )?
    .run()
    .await?;
    Ok(())
}

/// Records part `index` as taken by Meta under `external_id` (empty: Meta gave none).
pub async fn part_sent(db: &D1Database, id: &str, index: i64, external_id: &str) -> Result<()> {
    let mut statements = vec![stmt(
        db,
        "UPDATE meta_sends SET parts_sent = ?2 + 1, updated_at = ?3 \
         WHERE id = ?1 AND parts_sent = ?2",
        &[text(id), num(index), num(crate::store::now())],
    )?];
    if !external_id.is_empty() {
        statements.push(stmt(
            db,
            "INSERT OR IGNORE INTO meta_send_ids (external_id, send_id) VALUES (?1, ?2)",
            &[text(external_id), text(id)],
        )?);
    }
    db.batch(statements).await?;
    Ok(())
}

/// Every part went: the reply is sent (unless a status already moved it further).
pub async fn finish_sent(db: &D1Database, id: &str) -> Result<Option<Delivery>> {
    let at = crate::store::now();
    let row: Option<DeliveryRow> = stmt(
        db,
        &format!(
            "UPDATE meta_sends SET state = CASE WHEN state = 'queued' THEN 'sent' ELSE state END, \
             error = NULL, leased_until = NULL, sent_at = ?2, updated_at = ?2 \
             WHERE id = ?1 RETURNING {DELIVERY_COLUMNS}"
        ),
        &[text(id), num(at)],
    )?
    .first(None)
    .await?;
    Ok(row.map(DeliveryRow::into_delivery))
}

/// The reply cannot go: failed for good, with the reason.
pub async fn fail(db: &D1Database, id: &str, reason: &str) -> Result<Option<Delivery>> {
    let row: Option<DeliveryRow> = stmt(
        db,
        &format!(
            "UPDATE meta_sends SET state = 'failed', error = ?2, leased_until = NULL, \
             updated_at = ?3 WHERE id = ?1 AND state != 'failed' RETURNING {DELIVERY_COLUMNS}"
        ),
        &[text(id), text(reason), num(crate::store::now())],
    )?
    .first(None)
    .await?;
    Ok(row.map(DeliveryRow::into_delivery))
}

/// This attempt did not get through; the next may. The reason stays visible meanwhile.
pub async fn release(db: &D1Database, id: &str, reason: &str) -> Result<Option<Delivery>> {
    let row: Option<DeliveryRow> = stmt(
        db,
        &format!(
            "UPDATE meta_sends SET leased_until = NULL, error = ?2, updated_at = ?3 \
             WHERE id = ?1 AND state != 'failed' RETURNING {DELIVERY_COLUMNS}"
        ),
        &[text(id), text(reason), num(crate::store::now())],
    )?
    .first(None)
    .await?;
    Ok(row.map(DeliveryRow::into_delivery))
}
