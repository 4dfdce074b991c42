//! Replies on Messenger and WhatsApp (`meta_sends`, `meta_send_ids`): recorded when handed off,
//! leased one attempt at a time by the REPLIES queue's consumer, and moved forward by Meta's
//! statuses, deliveries and reads (never back: Meta reorders and redelivers).

use domain::meta::send::whole_reply;
use domain::meta::window;
use protocol::api::TokenState;
use protocol::reply::{Delivery, DeliveryState};
use protocol::{Channel, Millis, Seq};
use serde::Deserialize;
use worker::{D1Database, Result};

use super::{changes, num, opt_text, stmt, text};

/// How long one attempt holds a reply: longer than a Send API call may take, so a redelivered
/// job waits rather than sending a part twice.
const LEASE_MS: Millis = 60_000;

/// Records a reply handed off by its conversation (once: the id is `{conversation}:{seq}`).
pub async fn insert_send(
    db: &D1Database,
    id: &str,
    conversation_id: &str,
    seq: Seq,
    requests: &str,
    parts: usize,
) -> Result<()> {
    let at = super::now();
    stmt(
        db,
        "INSERT OR IGNORE INTO meta_sends \
         (id, conversation_id, seq, requests, parts, state, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, 'queued', ?6, ?6)",
        &[
            text(id),
            text(conversation_id),
            num(seq as i64),
            text(requests),
            num(parts as i64),
            num(at),
        ],
    )?
    .run()
    .await?;
    Ok(())
}

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
    let at = super::now();
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
        &[num(before), num(super::now()), num(i64::from(limit))],
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
        &[text(id), num(super::now())],
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
        &[text(id), num(index), num(super::now())],
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

#[derive(Deserialize)]
struct DeliveryRow {
    seq: i64,
    state: String,
    error: Option<String>,
    updated_at: Millis,
}

impl DeliveryRow {
    fn into_delivery(self) -> Delivery {
        Delivery {
            seq: u64::try_from(self.seq).unwrap_or(0),
            state: DeliveryState::parse(&self.state).unwrap_or(DeliveryState::Queued),
            error: self.error,
            at: self.updated_at,
        }
    }
}

const DELIVERY_COLUMNS: &str = "seq, state, error, updated_at";

/// Every part went: the reply is sent (unless a status already moved it further).
pub async fn finish_sent(db: &D1Database, id: &str) -> Result<Option<Delivery>> {
    let at = super::now();
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
        &[text(id), text(reason), num(super::now())],
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
        &[text(id), text(reason), num(super::now())],
    )?
    .first(None)
    .await?;
    Ok(row.map(DeliveryRow::into_delivery))
}

/// Moves the part Meta knows as `external_id` to `next` if that is forward, then its reply to
/// where its parts together stand (`domain::meta::send::whole_reply`: a split reply is
/// delivered once every part is); the conversation and the reply's new delivery when it moved.
pub async fn advance(
    db: &D1Database,
    external_id: &str,
    next: DeliveryState,
    error: Option<&str>,
) -> Result<Option<(String, Delivery)>> {
    #[derive(Deserialize)]
    struct Part {
        send_id: String,
        state: String,
    }
    let part: Option<Part> = stmt(
        db,
        "SELECT send_id, state FROM meta_send_ids WHERE external_id = ?1",
        &[text(external_id)],
    )?
    .first(None)
    .await?;
    let Some(part) = part else {
        return Ok(None);
    };
    let part_state = DeliveryState::parse(&part.state).unwrap_or(DeliveryState::Sent);
    if !window::may_become(part_state, next) {
        return Ok(None);
    }
    // Conditional on the state read, so a concurrent report cannot move a part backwards.
    stmt(
        db,
        "UPDATE meta_send_ids SET state = ?3 WHERE external_id = ?1 AND state = ?2",
        &[text(external_id), text(&part.state), text(next.as_str())],
    )?
    .run()
    .await?;
    #[derive(Deserialize)]
    struct Whole {
        conversation_id: String,
        state: String,
        parts: i64,
        /// A JSON array of the sent parts' states.
        part_states: String,
    }
    let whole: Option<Whole> = stmt(
        db,
        "SELECT s.conversation_id, s.state, s.parts, \
         (SELECT json_group_array(i.state) FROM meta_send_ids i WHERE i.send_id = s.id) AS part_states \
         FROM meta_sends s WHERE s.id = ?1",
        &[text(&part.send_id)],
    )?
    .first(None)
    .await?;
    let Some(whole) = whole else {
        return Ok(None);
    };
    let states: Vec<DeliveryState> = serde_json::from_str::<Vec<String>>(&whole.part_states)?
        .iter()
        .filter_map(|s| DeliveryState::parse(s))
        .collect();
    // Until every part went, only a failure moves the reply (the sender finishes it).
    let all_sent = i64::try_from(states.len()).unwrap_or(i64::MAX) >= whole.parts;
    let Some(target) = whole_reply(&states).filter(|t| all_sent || *t == DeliveryState::Failed)
    else {
        return Ok(None);
    };
    let current = DeliveryState::parse(&whole.state).unwrap_or(DeliveryState::Queued);
    if !window::may_become(current, target) {
        return Ok(None);
    }
    let row: Option<DeliveryRow> = stmt(
        db,
        &format!(
            "UPDATE meta_sends SET state = ?3, error = ?4, updated_at = ?5 \
             WHERE id = ?1 AND state = ?2 RETURNING {DELIVERY_COLUMNS}"
        ),
        &[
            text(&part.send_id),
            text(&whole.state),
            text(target.as_str()),
            opt_text(error),
            num(super::now()),
        ],
    )?
    .first(None)
    .await?;
    Ok(row.map(|r| (whole.conversation_id, r.into_delivery())))
}

/// Moves every reply of `conversation_id` that Meta took by `watermark` (ms, Meta's clock,
/// allowing `slack` for ours being later) to `next`, when that is forward.
pub async fn advance_to_watermark(
    db: &D1Database,
    conversation_id: &str,
    watermark: Millis,
    slack: Millis,
    next: DeliveryState,
) -> Result<Vec<Delivery>> {
    let before: &[&str] = match next {
        DeliveryState::Delivered => &["sent"],
        DeliveryState::Read => &["sent", "delivered"],
        _ => return Ok(Vec::new()),
    };
    let states = before
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let rows: Vec<DeliveryRow> = stmt(
        db,
        &format!(
            "UPDATE meta_sends SET state = ?3, updated_at = ?4 \
             WHERE conversation_id = ?1 AND sent_at <= ?2 AND state IN ({states}) \
             RETURNING {DELIVERY_COLUMNS}"
        ),
        &[
            text(conversation_id),
            num(watermark + slack),
            text(next.as_str()),
            num(super::now()),
        ],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows.into_iter().map(DeliveryRow::into_delivery).collect())
}

/// Every reply's delivery in a conversation, by sequence.
pub async fn deliveries(db: &D1Database, conversation_id: &str) -> Result<Vec<Delivery>> {
    let rows: Vec<DeliveryRow> = stmt(
        db,
        &format!(
            "SELECT {DELIVERY_COLUMNS} FROM meta_sends WHERE conversation_id = ?1 ORDER BY seq"
        ),
        &[text(conversation_id)],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows.into_iter().map(DeliveryRow::into_delivery).collect())
}

#[derive(Deserialize)]
struct Found {
    found: i64,
}

/// Whether `external_id` is a part of one of our replies.
pub async fn is_sent_by_us(db: &D1Database, external_id: &str) -> Result<bool> {
    let row: Option<Found> = stmt(
        db,
        "SELECT COUNT(*) AS found FROM meta_send_ids WHERE external_id = ?1",
        &[text(external_id)],
    )?
    .first(None)
    .await?;
    Ok(row.is_some_and(|r| r.found > 0))
}

/// The WhatsApp account a conversation is on, with what asking Meta for it takes.
#[derive(Deserialize)]
pub struct WhatsAppAccount {
    pub connection_id: String,
    pub business_account_id: String,
    pub token_sealed: String,
    pub token_state: TokenState,
}

/// `None` when the conversation is not on a connected WhatsApp number.
pub async fn whatsapp_account(
    db: &D1Database,
    conversation_id: &str,
) -> Result<Option<WhatsAppAccount>> {
    stmt(
        db,
        "SELECT m.id AS connection_id, m.business_account_id, m.token_sealed, m.token_state \
         FROM conversations c JOIN meta_connections m \
         ON m.channel = c.channel AND m.account_id = c.meta_account_id \
         WHERE c.id = ?1 AND c.channel = 'whatsapp' AND m.business_account_id IS NOT NULL",
        &[text(conversation_id)],
    )?
    .first(None)
    .await
}

/// Meta refused a connection's token: flagged for the admin to reconnect.
pub async fn flag_token_expired(db: &D1Database, connection_id: &str) -> Result<()> {
    stmt(
        db,
        "UPDATE meta_connections SET token_state = 'expired' WHERE id = ?1",
        &[text(connection_id)],
    )?
    .run()
    .await?;
    Ok(())
}
