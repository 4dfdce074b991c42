//! Replying on Messenger and WhatsApp: which replies Meta's windows allow now, and what became of
//! each reply sent. The window rule is here, in the wire crate, because the edge enforces it and
//! the inbox's composer explains it from the same function; both pass the clock in.
//!
//! - Messenger: a standard reply (`messaging_type: RESPONSE`) within 24 hours of the person's
//!   last message; from 24 hours to 7 days only a human agent's reply, sent with the
//!   `HUMAN_AGENT` tag; after 7 days nothing.
//! - WhatsApp: free-form messages within the 24-hour customer-service window; after it only an
//!   approved template.

use serde::{Deserialize, Serialize};

use crate::{Channel, Millis, Seq};

/// Messenger's and WhatsApp's standard window: 24 hours from the person's last message.
pub const STANDARD_WINDOW_MS: Millis = 24 * 60 * 60 * 1000;
/// Messenger's human-agent window: 7 days from the person's last message.
pub const HUMAN_AGENT_WINDOW_MS: Millis = 7 * 24 * 60 * 60 * 1000;
/// The longest text one Messenger message carries; longer replies go in several, in order.
pub const MESSENGER_TEXT_MAX: usize = 2_000;
/// The longest text one WhatsApp message carries.
pub const WHATSAPP_TEXT_MAX: usize = 4_096;

/// What may be sent to the person now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReplyWindow {
    /// Any reply, until `until`.
    Open { until: Millis },
    /// Messenger only: a human agent's reply, tagged `HUMAN_AGENT`, until `until`. Never an
    /// automated message.
    HumanAgent { until: Millis },
    /// WhatsApp only: nothing but an approved template until the person writes again.
    TemplateOnly,
    /// Messenger after 7 days (or a person who never wrote): nothing until they write again.
    Closed,
}

impl ReplyWindow {
    /// Whether an agent's free-form text may go now.
    pub fn takes_text(self) -> bool {
        matches!(self, Self::Open { .. } | Self::HumanAgent { .. })
    }
}

/// The window for a reply on `channel` at `now`, given when the person last wrote (`None`: never).
/// `None` for the website chat, which has no window.
pub fn reply_window(
    channel: Channel,
    last_contact_at: Option<Millis>,
    now: Millis,
) -> Option<ReplyWindow> {
    let since = last_contact_at.map(|at| (at, now.saturating_sub(at)));
    Some(match (channel, since) {
        (Channel::Chat, _) => return None,
        (_, Some((at, age))) if age < STANDARD_WINDOW_MS => ReplyWindow::Open {
            until: at + STANDARD_WINDOW_MS,
        },
        (Channel::Messenger, Some((at, age))) if age < HUMAN_AGENT_WINDOW_MS => {
            ReplyWindow::HumanAgent {
                until: at + HUMAN_AGENT_WINDOW_MS,
            }
        }
        (Channel::Messenger, _) => ReplyWindow::Closed,
        (Channel::WhatsApp, _) => ReplyWindow::TemplateOnly,
    })
}

/// Where a reply on a Meta channel stands. Only moves forward: `queued` → `sent` → `delivered`
/// → `read`; `failed` ends it (Meta refused it, or gave up delivering it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Stored and waiting for Meta to take it.
    Queued,
    /// Meta took it.
    Sent,
    /// On the person's device.
    Delivered,
    /// The person saw it.
    Read,
    /// Not sent, or not delivered; the reason is in [`Delivery::error`].
    Failed,
}

impl DeliveryState {
    /// The name used on the wire and in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sent => "sent",
            Self::Delivered => "delivered",
            Self::Read => "read",
            Self::Failed => "failed",
        }
    }

    /// The state named `name`, if it is one.
    pub fn parse(name: &str) -> Option<Self> {
        [
            Self::Queued,
            Self::Sent,
            Self::Delivered,
            Self::Read,
            Self::Failed,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }

    /// Whether a report of `next` may replace this state: forward only, since Meta reorders
    /// and redelivers; a failure can follow anything short of delivery.
    pub fn may_become(self, next: Self) -> bool {
        match (self, next) {
            (Self::Failed, _) => false,
            (Self::Delivered | Self::Read, Self::Failed) => false,
            (current, next) => next > current,
        }
    }
}

/// What became of one reply (the message at `seq`) on its Meta channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub seq: Seq,
    pub state: DeliveryState,
    /// Why it failed, for a person (Meta's reason, explained).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// When it last changed.
    pub at: Millis,
}

/// `GET /api/agent/conversations/{id}/deliveries`: every reply's delivery, by sequence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryList {
    pub deliveries: Vec<Delivery>,
}

/// A WhatsApp message template an agent can send from the inbox: approved by Meta, and filled
/// in with text only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhatsAppTemplate {
    pub name: String,
    /// Meta's language code (`en_US`).
    pub language: String,
    /// `UTILITY`, `MARKETING` or `AUTHENTICATION`, as Meta says.
    pub category: String,
    /// The body with its parameters as `{{1}}` or `{{name}}`.
    pub body: String,
    /// The body's parameters, in order of first appearance.
    pub params: Vec<String>,
    /// Whether the parameters are named (`{{day}}`) rather than positional (`{{1}}`).
    pub named: bool,
    /// A header that needs something: a value for its one parameter, or a file. None: no
    /// header, or a fixed one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<TemplateHeader>,
    /// The buttons that need a value (a link's end, a coupon code), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<TemplateButton>,
}

/// A template's header that the agent fills in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TemplateHeader {
    /// Text with one parameter (`{{1}}` or `{{name}}`).
    Text { text: String, param: String },
    /// A picture (JPEG or PNG) the agent attaches.
    Image,
    /// A video (MP4) the agent attaches.
    Video,
    /// A document (PDF) the agent attaches.
    Document,
}

/// A template's button that needs a value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateButton {
    /// Its place among the template's buttons (Meta's `index`).
    pub index: u32,
    pub kind: TemplateButtonKind,
    /// Its label.
    pub text: String,
    /// A link button's URL, ending in its parameter (`https://shop.example/track/{{1}}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TemplateButtonKind {
    /// A link whose end the agent gives.
    Url,
    /// A coupon code the customer copies.
    CopyCode,
}

/// `GET /api/agent/conversations/{id}/templates`: the WhatsApp account's sendable templates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateList {
    pub templates: Vec<WhatsAppTemplate>,
}

/// `POST /api/agent/conversations/{id}/template`: send a template, filled in (one value per
/// parameter, in order), once per client id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendTemplate {
    pub client_id: String,
    pub name: String,
    pub language: String,
    #[serde(default)]
    pub params: Vec<String>,
    /// The value of a text header's parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_param: Option<String>,
    /// A media header's file: an upload to this conversation (`POST …/uploads`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_file_id: Option<String>,
    /// One value per button that needs one, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub button_params: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: Millis = 60 * 60 * 1000;

    #[test]
    fn messenger_windows() {
        let at = 1_000 * H;
        let w = |hours: Millis| reply_window(Channel::Messenger, Some(at), at + hours * H);
        assert_eq!(w(0), Some(ReplyWindow::Open { until: at + 24 * H }));
        assert_eq!(w(23), Some(ReplyWindow::Open { until: at + 24 * H }));
        assert_eq!(
            w(24),
            Some(ReplyWindow::HumanAgent {
                until: at + 168 * H
            })
        );
        assert_eq!(
            w(167),
            Some(ReplyWindow::HumanAgent {
                until: at + 168 * H
            })
        );
        assert_eq!(w(168), Some(ReplyWindow::Closed));
        assert_eq!(
            reply_window(Channel::Messenger, None, at),
            Some(ReplyWindow::Closed)
        );
    }

    #[test]
    fn whatsapp_windows() {
        let at = 1_000 * H;
        let w = |hours: Millis| reply_window(Channel::WhatsApp, Some(at), at + hours * H);
        assert_eq!(w(1), Some(ReplyWindow::Open { until: at + 24 * H }));
        assert_eq!(w(24), Some(ReplyWindow::TemplateOnly));
        assert_eq!(w(500), Some(ReplyWindow::TemplateOnly));
        assert!(!ReplyWindow::TemplateOnly.takes_text());
        assert!(ReplyWindow::HumanAgent { until: 0 }.takes_text());
    }

    #[test]
    fn the_website_chat_has_no_window() {
        assert_eq!(reply_window(Channel::Chat, None, 0), None);
    }

    #[test]
    fn delivery_states_only_move_forward() {
        use DeliveryState::*;
        assert!(Queued.may_become(Sent));
        assert!(Sent.may_become(Read));
        assert!(!Read.may_become(Delivered));
        assert!(!Delivered.may_become(Sent));
        assert!(Sent.may_become(Failed));
        assert!(Queued.may_become(Failed));
        assert!(!Read.may_become(Failed));
        assert!(!Failed.may_become(Read));
        assert_eq!(DeliveryState::parse("delivered"), Some(Delivered));
        assert_eq!(DeliveryState::parse("nope"), None);
    }
}
