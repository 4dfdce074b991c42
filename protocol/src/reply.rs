//! Replying on Messenger and WhatsApp, as it crosses the wire: what became of each reply sent
//! ([`Delivery`]), and WhatsApp's templates. Which replies Meta's windows allow, and how a
//! delivery may move on, are domain rules: `domain::meta::window`.

use serde::{Deserialize, Serialize};

use crate::{Millis, Seq};

/// The longest text one Messenger message carries; longer replies go in several, in order.
pub const MESSENGER_TEXT_MAX: usize = 2_000;
/// The longest text one WhatsApp message carries.
pub const WHATSAPP_TEXT_MAX: usize = 4_096;

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

    #[test]
    fn delivery_states_parse() {
        use DeliveryState::*;
        assert_eq!(DeliveryState::parse("delivered"), Some(Delivered));
        assert_eq!(DeliveryState::parse("nope"), None);
    }
}
