//! Meta's statuses, deliveries and reads: each moves the part it names forward, then its reply
//! to where its parts together stand; a watermark moves every reply it covers. Never back: Meta
//! reorders and redelivers.

use domain::meta::send::whole_reply;
use domain::meta::window;
use protocol::reply::{Delivery, DeliveryState};
use protocol::Millis;
use serde::Deserialize;
use worker::{D1Database, Result};

use super::{DeliveryRow, DELIVERY_COLUMNS};
use crate::store::{num, opt_text, stmt, text};

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
            num(crate::store::now()),
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
            num(crate::store::now()),
        ],
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
