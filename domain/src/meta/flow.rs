//! A Meta channel's flow: what happens before an agent answers (`protocol::api::ChannelFlow`).
//!
//! - **Greeting** (Messenger): the welcome-screen text, set on the Page through the Messenger
//!   Profile API ([`profile_request`]); with implicit consent, the consent text goes with it.
//! - **Instant reply**: sent by itself after the first message of each new conversation, as an
//!   automated message: only ever inside Meta's 24-hour window.
//! - **Explicit consent** (Messenger): a person's messages are held, not taken into the inbox,
//!   until they tap "I agree" ([`CONSENT_PAYLOAD`]) under the consent text, sent to them once
//!   ([`consent_request`]); then the held messages go in, in their own order ([`decide`]).
//!
//! Pure: the edge stores, sends and holds.

use protocol::api::ChannelFlow;
use protocol::reply::MESSENGER_TEXT_MAX;
use protocol::settings::{ConsentMode, RoutingRule};
use serde_json::{json, Value};

use super::{Content, EventKind, MetaChannel};
use crate::Rejection;

/// Messenger's greeting limit, in characters.
pub const GREETING_MAX_CHARS: usize = 160;

/// The payload of the "I agree" quick reply.
pub const CONSENT_PAYLOAD: &str = "PORCHLIGHT_CONSENT";

/// The label of the "I agree" quick reply (Messenger allows 20 characters).
pub const CONSENT_LABEL: &str = "I agree";

fn text_field(field: &str, value: &str, max: usize) -> Result<String, Rejection> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(Rejection::field(
            field,
            &format!("must have at most {max} characters"),
        ));
    }
    if value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Rejection::field(field, "must have no control characters"));
    }
    Ok(value.to_owned())
}

/// Checks a flow as an admin sends it for a connection on `channel`; returns it trimmed.
pub fn validate(flow: &ChannelFlow, channel: MetaChannel) -> Result<ChannelFlow, Rejection> {
    let valid = ChannelFlow {
        greeting: text_field("greeting", &flow.greeting, GREETING_MAX_CHARS)?,
        instant_reply: text_field("instant_reply", &flow.instant_reply, MESSENGER_TEXT_MAX)?,
        consent: flow.consent,
        consent_text: text_field("consent_text", &flow.consent_text, MESSENGER_TEXT_MAX)?,
        routing: flow.routing.clone(),
    };
    if channel == MetaChannel::WhatsApp {
        if !valid.greeting.is_empty() {
            return Err(Rejection::field(
                "greeting",
                "is Messenger's: WhatsApp has none",
            ));
        }
        if valid.consent != ConsentMode::Off {
            return Err(Rejection::field(
                "consent",
                "is asked on Messenger only: WhatsApp has no quick replies before a conversation",
            ));
        }
    }
    if let RoutingRule::ContactOwner { .. } = valid.routing.rule {
        return Err(Rejection::field(
            "routing.rule.kind",
            "contact_owner is for website chat: Messenger and WhatsApp contacts have no owner",
        ));
    }
    if valid.consent != ConsentMode::Off && valid.consent_text.is_empty() {
        return Err(Rejection::field(
            "consent_text",
            "is needed when consent is asked",
        ));
    }
    if let Some(text) = greeting_text(&valid) {
        if text.chars().count() > GREETING_MAX_CHARS {
            return Err(Rejection::field(
                "consent_text",
                &format!(
                    "with the greeting must have at most {GREETING_MAX_CHARS} characters (implicit consent goes with the greeting)"
                ),
            ));
        }
    }
    Ok(valid)
}

/// The Page's greeting: the greeting, and the consent text after it when consent is implicit.
/// `None` when there is nothing to greet with.
pub fn greeting_text(flow: &ChannelFlow) -> Option<String> {
    let consent = (flow.consent == ConsentMode::Implicit).then_some(flow.consent_text.as_str());
    let parts: Vec<&str> = [Some(flow.greeting.as_str()), consent]
        .into_iter()
        .flatten()
        .filter(|p| !p.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// The Messenger Profile API call (`POST /{page-id}/messenger_profile`, or `DELETE` with this
/// body when there is no greeting) that sets the Page's greeting: (method, body).
pub fn profile_request(flow: &ChannelFlow) -> (&'static str, Value) {
    match greeting_text(flow) {
        Some(text) => (
            "POST",
            json!({ "greeting": [{ "locale": "default", "text": text }] }),
        ),
        None => ("DELETE", json!({ "fields": ["greeting"] })),
    }
}

/// The message asking `contact` for consent: the consent text with an "I agree" quick reply.
/// A response to the message they just sent (within the window by definition).
pub fn consent_request(contact: &str, flow: &ChannelFlow) -> Value {
    json!({
        "recipient": { "id": contact },
        "messaging_type": "RESPONSE",
        "message": {
            "text": flow.consent_text,
            "quick_replies": [{
                "content_type": "text",
                "title": CONSENT_LABEL,
                "payload": CONSENT_PAYLOAD,
            }],
        },
    })
}

/// What to do with an event from a person, given the flow and where their consent stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Into the inbox as usual.
    Take,
    /// Kept aside until they agree; `ask` says the consent request must go (the first time).
    Hold { ask: bool },
    /// They agreed just now: record it, take the held messages in, then this one.
    Agree,
}

/// Whether this event carries something from the person (what consent holds back): messages,
/// postbacks and reactions. Deliveries, reads, statuses and echoes are never held.
fn from_person(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Message { .. } | EventKind::Postback { .. } | EventKind::Reaction { .. }
    )
}

fn is_agreement(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Message {
            content: Content::QuickReply { payload, .. },
            ..
        } if payload == CONSENT_PAYLOAD
    ) || matches!(kind, EventKind::Postback { payload, .. } if payload == CONSENT_PAYLOAD)
}

/// The step for `kind` on `channel`: `consented` and `asked` are the person's consent record.
pub fn decide(
    flow: &ChannelFlow,
    channel: MetaChannel,
    kind: &EventKind,
    consented: bool,
    asked: bool,
) -> Step {
    let gated = channel == MetaChannel::Messenger && flow.consent == ConsentMode::Explicit;
    if !gated || consented || !from_person(kind) {
        return Step::Take;
    }
    if is_agreement(kind) {
        Step::Agree
    } else {
        Step::Hold { ask: !asked }
    }
}

/// Whether an automated message (the instant reply) follows this event when it opens a
/// conversation: only after something the person sent, never on the standby channel.
pub fn answers_with_instant_reply(flow: &ChannelFlow, kind: &EventKind, standby: bool) -> bool {
    !flow.instant_reply.is_empty()
        && !standby
        && matches!(kind, EventKind::Message { .. } | EventKind::Postback { .. })
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::api::ErrorCode;

    fn flow(consent: ConsentMode) -> ChannelFlow {
        ChannelFlow {
            greeting: " Hi! We answer within the hour. ".into(),
            instant_reply: "Thanks, someone will be with you shortly.".into(),
            consent,
            consent_text: "We keep this chat to answer you. OK?".into(),
            routing: Default::default(),
        }
    }

    fn text(body: &str) -> EventKind {
        EventKind::Message {
            external_id: "m_1".into(),
            content: Content::Text(body.into()),
            reply_to: None,
        }
    }

    fn agree() -> EventKind {
        EventKind::Message {
            external_id: "m_2".into(),
            content: Content::QuickReply {
                text: CONSENT_LABEL.into(),
                payload: CONSENT_PAYLOAD.into(),
            },
            reply_to: None,
        }
    }

    #[test]
    fn a_flow_is_trimmed_and_checked_per_channel() {
        let ok = validate(&flow(ConsentMode::Explicit), MetaChannel::Messenger).unwrap();
        assert_eq!(ok.greeting, "Hi! We answer within the hour.");
        let long = ChannelFlow {
            greeting: "x".repeat(GREETING_MAX_CHARS + 1),
            ..flow(ConsentMode::Off)
        };
        let refused = validate(&long, MetaChannel::Messenger).unwrap_err();
        assert_eq!(refused.code, ErrorCode::InvalidField);
        assert!(refused.message.contains("`greeting`"), "{refused:?}");
        // Implicit consent rides on the greeting, within its limit.
        let implicit = ChannelFlow {
            greeting: "x".repeat(130),
            ..flow(ConsentMode::Implicit)
        };
        let refused = validate(&implicit, MetaChannel::Messenger).unwrap_err();
        assert!(refused.message.contains("`consent_text`"), "{refused:?}");
        let wordless = ChannelFlow {
            consent_text: " ".into(),
            ..flow(ConsentMode::Explicit)
        };
        assert!(validate(&wordless, MetaChannel::Messenger)
            .unwrap_err()
            .message
            .contains("`consent_text`"));
        // Meta contacts have no owner to route to.
        let mut by_owner = flow(ConsentMode::Off);
        by_owner.routing.rule = RoutingRule::ContactOwner {
            agent_ids: Vec::new(),
            team_ids: Vec::new(),
        };
        let refused = validate(&by_owner, MetaChannel::Messenger).unwrap_err();
        assert!(
            refused.message.contains("`routing.rule.kind`"),
            "{refused:?}"
        );
        // WhatsApp takes an instant reply, not a greeting or consent.
        let whatsapp = ChannelFlow {
            greeting: String::new(),
            ..flow(ConsentMode::Off)
        };
        assert!(validate(&whatsapp, MetaChannel::WhatsApp).is_ok());
        for bad in [
            flow(ConsentMode::Off),
            ChannelFlow {
                greeting: String::new(),
                ..flow(ConsentMode::Explicit)
            },
        ] {
            assert!(validate(&bad, MetaChannel::WhatsApp).is_err());
        }
    }

    #[test]
    fn the_greeting_carries_implicit_consent_and_goes_away_when_empty() {
        let (method, body) = profile_request(&flow(ConsentMode::Implicit));
        assert_eq!(method, "POST");
        assert_eq!(
            body["greeting"][0]["text"],
            " Hi! We answer within the hour. \n\nWe keep this chat to answer you. OK?"
        );
        let (_, body) = profile_request(&flow(ConsentMode::Explicit));
        assert_eq!(
            body["greeting"][0]["text"],
            " Hi! We answer within the hour. "
        );
        let (method, body) = profile_request(&ChannelFlow::default());
        assert_eq!(
            (method, body),
            ("DELETE", json!({ "fields": ["greeting"] }))
        );
    }

    #[test]
    fn explicit_consent_holds_messages_asks_once_and_takes_the_agreement() {
        let explicit = flow(ConsentMode::Explicit);
        let m = MetaChannel::Messenger;
        assert_eq!(
            decide(&explicit, m, &text("hi"), false, false),
            Step::Hold { ask: true }
        );
        assert_eq!(
            decide(&explicit, m, &text("hello?"), false, true),
            Step::Hold { ask: false }
        );
        assert_eq!(decide(&explicit, m, &agree(), false, true), Step::Agree);
        assert_eq!(decide(&explicit, m, &text("hi"), true, true), Step::Take);
        // Reads and deliveries are never held; other modes and WhatsApp hold nothing.
        let read = EventKind::Read {
            watermark: Some(1),
            external_id: None,
        };
        assert_eq!(decide(&explicit, m, &read, false, false), Step::Take);
        assert_eq!(
            decide(&flow(ConsentMode::Implicit), m, &text("hi"), false, false),
            Step::Take
        );
        assert_eq!(
            decide(&explicit, MetaChannel::WhatsApp, &text("hi"), false, false),
            Step::Take
        );
        let asked = consent_request("psid", &explicit);
        assert_eq!(
            asked["message"]["quick_replies"][0]["payload"],
            CONSENT_PAYLOAD
        );
        assert_eq!(asked["messaging_type"], "RESPONSE");
        assert_eq!(asked["recipient"]["id"], "psid");
    }

    #[test]
    fn an_instant_reply_follows_what_the_person_sent_and_never_on_standby() {
        let f = flow(ConsentMode::Off);
        assert!(answers_with_instant_reply(&f, &text("hi"), false));
        assert!(!answers_with_instant_reply(&f, &text("hi"), true));
        let quiet = ChannelFlow {
            instant_reply: String::new(),
            ..f.clone()
        };
        assert!(!answers_with_instant_reply(&quiet, &text("hi"), false));
    }
}
