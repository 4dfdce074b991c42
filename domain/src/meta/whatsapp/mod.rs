//! WhatsApp Cloud API webhooks (`object: "whatsapp_business_account"`) into [`InboundEvent`]s.
//!
//! A batch has entries (one per business account), each with `changes`; a change with
//! `field: "messages"` has a `value` naming our number (`metadata.phone_number_id`) and any of:
//! - `messages`: what people sent, one [`EventKind::Message`] (or reaction) each, read in
//!   `message.rs`; the sender's profile name comes from the `contacts` entry with the same `wa_id`;
//! - `statuses`: what became of messages we sent, one [`EventKind::Status`] each;
//! - `errors`: problems with the app or account, one [`EventKind::Error`] each.
//!
//! Changes for other fields (template reviews, account updates, …) are kept as
//! [`EventKind::Unsupported`]. WhatsApp timestamps are seconds, as text; events come out in
//! milliseconds, sorted by time. Dropping redeliveries ([`InboundEvent::dedupe_key`]) is the
//! caller's job.

mod message;

#[cfg(test)]
mod batch_tests;
#[cfg(test)]
mod tests;

use serde_json::Value;

use super::payload::{self, array, epoch_ms, integer, non_empty, string, ParseError};
use super::{DeliveryStatus, EventKind, InboundEvent, MetaChannel};

/// The `object` of a WhatsApp webhook body.
pub const OBJECT: &str = "whatsapp_business_account";

/// The title of an error WhatsApp reported without one.
const UNKNOWN_ERROR: &str = "Unknown error";

/// Every event of a WhatsApp webhook body, in time order. Fails only when the body is not JSON or
/// not a WhatsApp Business Account batch; anything we cannot read becomes
/// [`EventKind::Unsupported`].
pub fn parse(raw_body: &[u8]) -> Result<Vec<InboundEvent>, ParseError> {
    let mut events = Vec::new();
    for entry in payload::entries(raw_body, OBJECT)? {
        for change in array(&entry, "changes") {
            change_events(change, &mut events);
        }
    }
    Ok(payload::finish(events))
}

/// The events of one change.
fn change_events(change: &Value, events: &mut Vec<InboundEvent>) {
    let value = change.get("value").unwrap_or(&Value::Null);
    let account = string(value, &["metadata", "phone_number_id"]).unwrap_or_default();
    let event = |contact: Option<String>, at: Option<i64>, kind: EventKind| InboundEvent {
        channel: MetaChannel::WhatsApp,
        account: account.clone(),
        contact_name: contact.as_deref().and_then(|c| profile_name(value, c)),
        contact: contact.unwrap_or_default(),
        at: at.unwrap_or(0),
        standby: false,
        kind,
    };
    let field = string(change, &["field"]).unwrap_or_default();
    if field != "messages" {
        events.push(event(
            None,
            None,
            EventKind::Unsupported {
                what: format!("{field} change"),
                external_id: None,
            },
        ));
        return;
    }
    for m in array(value, "messages") {
        let at = epoch_ms(m.get("timestamp"));
        events.push(event(string(m, &["from"]), at, message::kind(m)));
    }
    for s in array(value, "statuses") {
        let at = epoch_ms(s.get("timestamp"));
        events.push(event(string(s, &["recipient_id"]), at, status(s)));
    }
    // Account-level errors carry no time and concern no one; they sort first.
    for e in array(value, "errors") {
        let (code, title, detail) = error(e);
        events.push(event(
            None,
            None,
            EventKind::Error {
                code,
                title,
                detail,
            },
        ));
    }
}

/// The profile name of the `contacts` entry for `wa_id`.
fn profile_name(value: &Value, wa_id: &str) -> Option<String> {
    array(value, "contacts")
        .iter()
        .find(|c| c.get("wa_id").and_then(Value::as_str) == Some(wa_id))
        .and_then(|c| non_empty(c, &["profile", "name"]))
}

/// One `statuses` entry.
fn status(s: &Value) -> EventKind {
    let Some(external_id) = string(s, &["id"]) else {
        return EventKind::Unsupported {
            what: "status without id".to_owned(),
            external_id: None,
        };
    };
    let status = match string(s, &["status"]).unwrap_or_default().as_str() {
        "sent" => DeliveryStatus::Sent,
        "delivered" => DeliveryStatus::Delivered,
        "read" => DeliveryStatus::Read,
        "failed" => {
            // Meta always explains a failure in `errors[0]`; without it the title says so.
            let (code, title, detail) = array(s, "errors")
                .first()
                .map_or((None, UNKNOWN_ERROR.to_owned(), None), error);
            DeliveryStatus::Failed {
                code,
                title,
                detail,
            }
        }
        // `played` (a voice note was heard), `deleted`, and states yet to come.
        other => {
            return EventKind::Unsupported {
                what: format!("status {other}"),
                external_id: Some(external_id),
            }
        }
    };
    EventKind::Status {
        external_id,
        status,
    }
}

/// Code, title and detail of a WhatsApp error object: `{code, title, message, error_data:
/// {details}}`. The title falls back to the message; the detail is `error_data.details`, or the
/// message when it says more than the title.
pub(super) fn error(e: &Value) -> (Option<i64>, String, Option<String>) {
    let message = non_empty(e, &["message"]);
    let title = non_empty(e, &["title"])
        .or_else(|| message.clone())
        .unwrap_or_else(|| UNKNOWN_ERROR.to_owned());
    let detail = non_empty(e, &["error_data", "details"]).or(message.filter(|m| *m != title));
    (integer(e.get("code")), title, detail)
}
