//! Messenger Platform webhooks (`object: "page"`) into [`InboundEvent`]s.
//!
//! A batch has entries, one per Page; each entry has a `messaging` array (we own the thread) or a
//! `standby` array (another app does; same event shapes, `standby: true`). Each event is one
//! object with `sender`, `recipient`, `timestamp` and one key naming what happened: `message`
//! (an echo when `message.is_echo`), `postback`, `delivery`, `read` or `reaction`. Anything else
//! (handovers, opt-ins, referrals, edits, `changes` for other Page fields) is kept as
//! [`EventKind::Unsupported`].
//!
//! In an echo the Page is the sender and the person the recipient, so the contact is taken from
//! whichever side is not the Page. Events are returned sorted by `at`; dropping redeliveries
//! ([`InboundEvent::dedupe_key`]) is the caller's job.

mod message;

#[cfg(test)]
mod batch_tests;
#[cfg(test)]
mod tests;

use serde_json::Value;

use super::payload::{self, array, epoch_ms, string, ParseError};
use super::{EventKind, InboundEvent, MetaChannel};

/// The `object` of a Messenger webhook body.
pub const OBJECT: &str = "page";

/// Every event of a Messenger webhook body, in time order. Fails only when the body is not JSON
/// or not a `page` batch; an event we cannot read becomes [`EventKind::Unsupported`].
pub fn parse(raw_body: &[u8]) -> Result<Vec<InboundEvent>, ParseError> {
    let mut events = Vec::new();
    for entry in payload::entries(raw_body, OBJECT)? {
        let page = string(&entry, &["id"]);
        // Delivery events carry no timestamp of their own; the entry's time is the next best.
        let entry_time = epoch_ms(entry.get("time"));
        for (key, standby) in [("messaging", false), ("standby", true)] {
            for event in array(&entry, key) {
                events.push(messaging_event(event, page.as_deref(), entry_time, standby));
            }
        }
        // A Page subscribed to other fields (feed, mentions) gets them in the same envelope.
        for change in array(&entry, "changes") {
            let field = string(change, &["field"]).unwrap_or_default();
            events.push(InboundEvent {
                channel: MetaChannel::Messenger,
                account: page.clone().unwrap_or_default(),
                contact: String::new(),
                contact_name: None,
                at: entry_time.unwrap_or(0),
                standby: false,
                kind: EventKind::Unsupported {
                    what: format!("page change: {field}"),
                    external_id: None,
                },
            });
        }
    }
    Ok(payload::finish(events))
}

/// One entry of `messaging` or `standby`.
fn messaging_event(
    event: &Value,
    page: Option<&str>,
    entry_time: Option<i64>,
    standby: bool,
) -> InboundEvent {
    let sender = string(event, &["sender", "id"]);
    let recipient = string(event, &["recipient", "id"]);
    let is_echo =
        payload::at(event, &["message", "is_echo"]).and_then(Value::as_bool) == Some(true);
    // An echo is the Page's own message: the Page sent it and the person received it.
    let (page_side, person) = if is_echo {
        (sender, recipient)
    } else {
        (recipient, sender)
    };
    InboundEvent {
        channel: MetaChannel::Messenger,
        // The entry names the Page for every event in it; the event's own Page id is a fallback.
        account: page.map(str::to_owned).or(page_side).unwrap_or_default(),
        contact: person.unwrap_or_default(),
        contact_name: None,
        at: epoch_ms(event.get("timestamp")).or(entry_time).unwrap_or(0),
        standby,
        kind: kind(event, is_echo),
    }
}

/// What one messaging event is.
fn kind(event: &Value, is_echo: bool) -> EventKind {
    if let Some(message) = event.get("message") {
        return message::kind(message, is_echo);
    }
    if let Some(postback) = event.get("postback") {
        return EventKind::Postback {
            external_id: string(postback, &["mid"]),
            title: string(postback, &["title"]).unwrap_or_default(),
            payload: string(postback, &["payload"]).unwrap_or_default(),
        };
    }
    if let Some(delivery) = event.get("delivery") {
        return EventKind::Delivered {
            external_ids: array(delivery, "mids")
                .iter()
                .filter_map(|mid| mid.as_str().map(str::to_owned))
                .collect(),
            watermark: epoch_ms(delivery.get("watermark")),
        };
    }
    if let Some(read) = event.get("read") {
        return EventKind::Read {
            watermark: epoch_ms(read.get("watermark")),
            external_id: string(read, &["mid"]),
        };
    }
    if let Some(reaction) = event.get("reaction") {
        return message::reaction(reaction);
    }
    // Name the unknown event by its one key that is not part of every event.
    let what = event
        .as_object()
        .and_then(|fields| {
            fields
                .keys()
                .find(|k| !matches!(k.as_str(), "sender" | "recipient" | "timestamp"))
        })
        .map_or_else(|| "empty messaging event".to_owned(), Clone::clone);
    EventKind::Unsupported {
        what,
        external_id: None,
    }
}
