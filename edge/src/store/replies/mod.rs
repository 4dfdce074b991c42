//! Replies on Messenger and WhatsApp (`meta_sends`, `meta_send_ids`): recorded when handed off,
//! leased one attempt at a time by the REPLIES queue's consumer, and moved forward by Meta's
//! statuses, deliveries and reads (never back: Meta reorders and redelivers).
//!
//! This module keeps the record (a reply handed off, each reply's delivery) and the WhatsApp
//! account a conversation is on; the rest is in submodules, their items re-exported here so
//! `store::replies::x` works for every caller:
//!
//! - `attempts`: one attempt at a time: leasing a reply, each part sent, the reply finished,
//!   failed or released, and the overdue ones a sweep finds.
//! - `statuses`: Meta's statuses, deliveries and reads moving parts and replies forward.

use protocol::api::TokenState;
use protocol::reply::{Delivery, DeliveryState};
use protocol::{Millis, Seq};
use serde::Deserialize;
use worker::{D1Database, Result};

use super::{num, stmt, text};

mod attempts;
mod statuses;

pub use attempts::{
    fail, finish_sent, lease, overdue, part_sent, release, touch, Lease, Leased, Overdue,
};
pub use statuses::{advance, advance_to_watermark, is_sent_by_us};

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
