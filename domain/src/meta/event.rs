//! The one inbound event both Meta channels produce, so the edge routes, stores and orders
//! Messenger and WhatsApp alike. The parsers live in [`super::messenger`] and
//! [`super::whatsapp`]; the key each event is stored under in [`super::dedupe`].

use serde::{Deserialize, Serialize};

use super::Content;

/// Which Meta product an event came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MetaChannel {
    /// Facebook Messenger, through a Page.
    #[serde(rename = "messenger")]
    Messenger,
    /// WhatsApp Cloud API, through a business phone number.
    #[serde(rename = "whatsapp")]
    WhatsApp,
}

impl MetaChannel {
    /// The product's name, for people.
    pub fn name(self) -> &'static str {
        match self {
            Self::Messenger => "Messenger",
            Self::WhatsApp => "WhatsApp",
        }
    }
}

impl From<MetaChannel> for protocol::Channel {
    fn from(channel: MetaChannel) -> Self {
        match channel {
            MetaChannel::Messenger => Self::Messenger,
            MetaChannel::WhatsApp => Self::WhatsApp,
        }
    }
}

/// One thing that happened in a Meta conversation, normalised. The conversation it belongs to is
/// (`channel`, `account`, `contact`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InboundEvent {
    /// The product the event came from.
    pub channel: MetaChannel,
    /// Our side: the Page id (Messenger) or the business phone number id (WhatsApp).
    pub account: String,
    /// The person's side: the page-scoped id, PSID (Messenger) or the `wa_id` (WhatsApp). Empty
    /// only for [`EventKind::Error`] and [`EventKind::Unsupported`], which may concern no one.
    pub contact: String,
    /// The person's profile name when Meta sent one (WhatsApp `contacts[].profile.name`).
    pub contact_name: Option<String>,
    /// When it happened, in milliseconds since the epoch, from the event's own timestamp (Meta's
    /// delivery order is not the order things happened). 0 when Meta gave no time at all.
    pub at: i64,
    /// Whether it came on Messenger's standby channel: the thread belongs to another app right
    /// now, so we may show the event but must not answer as the thread owner.
    pub standby: bool,
    /// What happened.
    pub kind: EventKind,
}

/// What happened. Closed on purpose: a new kind fails the build wherever events are handled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The person sent a message.
    Message {
        /// Meta's id of the message (`mid` or `wamid`).
        external_id: String,
        /// What it says or carries.
        content: Content,
        /// The id of the message it replies to, when it is a reply.
        reply_to: Option<String>,
    },
    /// A message the Page sent, by us or by another app or a person in Meta's own inbox. The edge
    /// recognises its own sends by `external_id` (or `app_id`) and shows the rest as agent
    /// messages. Only Messenger echoes.
    Echo {
        /// Meta's id of the sent message (`mid`).
        external_id: String,
        /// What was sent.
        content: Content,
        /// The app that sent it, when Meta says (absent for Page inbox replies).
        app_id: Option<String>,
    },
    /// The person tapped a postback button, Get Started or a persistent-menu item (Messenger).
    Postback {
        /// Meta's id of the postback message, when given.
        external_id: Option<String>,
        /// The button's label, as the person saw it.
        title: String,
        /// The payload the button was defined with; empty on the standby channel, where Meta
        /// omits it.
        payload: String,
    },
    /// Messages the Page sent were delivered (Messenger).
    Delivered {
        /// The delivered messages' ids; Meta may omit them and send only the watermark.
        external_ids: Vec<String>,
        /// Everything the Page sent before this time (ms since the epoch) was delivered.
        watermark: Option<i64>,
    },
    /// The person read the Page's messages (Messenger).
    Read {
        /// Everything the Page sent up to this time (ms since the epoch) was read.
        watermark: Option<i64>,
        /// The id of the message read, when Meta names one.
        external_id: Option<String>,
    },
    /// The person reacted to a message, or took a reaction back.
    Reaction {
        /// The id of the message reacted to.
        target: String,
        /// The emoji, as sent; `None` when the reaction was removed without one.
        emoji: Option<String>,
        /// Whether the reaction was taken back (Messenger `unreact`, WhatsApp empty emoji).
        removed: bool,
        /// The reaction's own id: WhatsApp reactions are messages with a `wamid`; Messenger
        /// reactions have none.
        external_id: Option<String>,
    },
    /// What became of a message we sent on WhatsApp.
    Status {
        /// The `wamid` of the message we sent.
        external_id: String,
        /// Its new state.
        status: DeliveryStatus,
    },
    /// WhatsApp reported a problem with the app or account, not tied to one message
    /// (`value.errors`).
    Error {
        /// Meta's error code, e.g. 130429 for a rate limit.
        code: Option<i64>,
        /// Meta's short title.
        title: String,
        /// Meta's longer explanation, when given.
        detail: Option<String>,
    },
    /// Something we do not model (a new message type, a handover, a template update, an event
    /// without the ids that route it). Kept so the edge can log it and, when it has an id, show
    /// a placeholder once; never a reason to refuse the batch.
    Unsupported {
        /// A short description for logs and the inbox placeholder, e.g. `order` or
        /// `pass_thread_control`.
        what: String,
        /// The message id, when the unsupported thing is a message that has one.
        external_id: Option<String>,
    },
}

/// The state of a message we sent on WhatsApp.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Accepted by WhatsApp and on its way.
    Sent,
    /// On the person's device.
    Delivered,
    /// Shown to the person.
    Read,
    /// Could not be sent or delivered.
    Failed {
        /// Meta's error code, e.g. 131047 when the 24-hour window has closed.
        code: Option<i64>,
        /// Meta's short title.
        title: String,
        /// Meta's `error_data.details`, when given.
        detail: Option<String>,
    },
}

impl DeliveryStatus {
    /// Meta's name for the state (`sent`, `delivered`, `read`, `failed`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Delivered => "delivered",
            Self::Read => "read",
            Self::Failed { .. } => "failed",
        }
    }
}

impl EventKind {
    /// A short, stable name for logs and for [`EventKind::Unsupported`] descriptions.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Message { .. } => "message",
            Self::Echo { .. } => "echo",
            Self::Postback { .. } => "postback",
            Self::Delivered { .. } => "delivery",
            Self::Read { .. } => "read",
            Self::Reaction { .. } => "reaction",
            Self::Status { .. } => "status",
            Self::Error { .. } => "error",
            Self::Unsupported { .. } => "unsupported",
        }
    }
}
