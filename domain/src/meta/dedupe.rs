//! Which events are the same event: Meta redelivers a batch until it gets a 200, and sends
//! several statuses for one message, so the edge stores each event under a key at most once.
//! Deciding that key is a domain rule; keeping the set of seen keys is the edge's.

use std::borrow::Cow;

use super::{EventKind, InboundEvent};

impl InboundEvent {
    /// The Meta id this event carries: the message's own id for messages, echoes, postbacks,
    /// WhatsApp reactions and unsupported messages; the sent message's `wamid` for a status.
    /// `None` for watermarks, Messenger reactions and account errors, which have no id.
    pub fn external_id(&self) -> Option<&str> {
        match &self.kind {
            EventKind::Message { external_id, .. }
            | EventKind::Echo { external_id, .. }
            | EventKind::Status { external_id, .. } => Some(external_id),
            EventKind::Postback { external_id, .. }
            | EventKind::Reaction { external_id, .. }
            | EventKind::Unsupported { external_id, .. } => external_id.as_deref(),
            EventKind::Delivered { .. } | EventKind::Read { .. } | EventKind::Error { .. } => None,
        }
    }

    /// The key under which the edge stores this event at most once, since Meta redelivers.
    ///
    /// It is the [`external_id`](Self::external_id), except for a status: one `wamid` has a
    /// `sent`, a `delivered` and a `read` event, so a status is keyed `"{wamid}:{status}"`
    /// (`wamid.X:delivered`). `None` means the event has no identity and is safe to apply
    /// twice: watermarks only move forwards, a Messenger reaction sets (or clears) the person's
    /// one reaction on a message, and an account error is only logged.
    pub fn dedupe_key(&self) -> Option<Cow<'_, str>> {
        match &self.kind {
            EventKind::Status {
                external_id,
                status,
            } => Some(Cow::Owned(format!("{external_id}:{}", status.as_str()))),
            _ => self.external_id().map(Cow::Borrowed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::{Content, DeliveryStatus, MetaChannel};

    fn event(kind: EventKind) -> InboundEvent {
        InboundEvent {
            channel: MetaChannel::WhatsApp,
            account: "106540352242922".into(),
            contact: "16505551234".into(),
            contact_name: None,
            at: 1_749_416_383_000,
            standby: false,
            kind,
        }
    }

    fn status(id: &str, status: DeliveryStatus) -> InboundEvent {
        event(EventKind::Status {
            external_id: id.into(),
            status,
        })
    }

    #[test]
    fn each_status_of_one_message_has_its_own_key() {
        let keys: Vec<String> = [
            DeliveryStatus::Sent,
            DeliveryStatus::Delivered,
            DeliveryStatus::Read,
            DeliveryStatus::Failed {
                code: Some(131_047),
                title: "Re-engagement message".into(),
                detail: None,
            },
        ]
        .into_iter()
        .map(|s| status("wamid.A", s).dedupe_key().unwrap().into_owned())
        .collect();
        assert_eq!(
            keys,
            [
                "wamid.A:sent",
                "wamid.A:delivered",
                "wamid.A:read",
                "wamid.A:failed"
            ]
        );
        assert_eq!(
            status("wamid.A", DeliveryStatus::Read).external_id(),
            Some("wamid.A")
        );
    }

    #[test]
    fn a_redelivered_message_has_the_same_key() {
        let message = || {
            event(EventKind::Message {
                external_id: "wamid.B".into(),
                content: Content::Text("hi".into()),
                reply_to: None,
            })
        };
        assert_eq!(message().dedupe_key(), message().dedupe_key());
        assert_eq!(message().dedupe_key().as_deref(), Some("wamid.B"));
    }

    #[test]
    fn watermarks_and_account_errors_have_no_key() {
        for kind in [
            EventKind::Delivered {
                external_ids: vec!["m_1".into()],
                watermark: Some(1),
            },
            EventKind::Read {
                watermark: Some(1),
                external_id: None,
            },
            EventKind::Error {
                code: Some(130_429),
                title: "Rate limit hit".into(),
                detail: None,
            },
        ] {
            assert_eq!(event(kind).dedupe_key(), None);
        }
    }

    #[test]
    fn events_round_trip_through_json_for_the_queue() {
        let e = event(EventKind::Message {
            external_id: "wamid.C".into(),
            content: Content::Location {
                latitude: 37.44,
                longitude: -122.16,
                name: Some("Philz Coffee".into()),
                address: None,
            },
            reply_to: Some("wamid.D".into()),
        });
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains(r#""channel":"whatsapp""#), "{json}");
        assert_eq!(serde_json::from_str::<InboundEvent>(&json).unwrap(), e);
    }
}
