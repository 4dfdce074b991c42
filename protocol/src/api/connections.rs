//! Meta connections (admin, `/api/admin/sites/{site}/connections`): connecting a Messenger Page
//! or a WhatsApp number, its token, and its flow (what happens before an agent answers).

use serde::{Deserialize, Serialize};

use super::default_inbox;
use crate::{Channel, Millis};

/// `POST /api/admin/sites/{site}/connections`: connect a Messenger Page or a WhatsApp number to
/// the site's inbox. The token is sealed at rest and never returned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewConnection {
    /// `messenger` or `whatsapp`.
    pub channel: Channel,
    /// The Page id, or the WhatsApp phone number id.
    pub account_id: String,
    /// The WhatsApp Business Account id (required for WhatsApp: templates are listed by it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_account_id: Option<String>,
    /// How agents see the connection ("Bakery Page", "+46 8 123 45").
    pub name: String,
    /// A Page access token, or a WhatsApp system-user token.
    pub access_token: String,
    /// The inbox its conversations go to; the site's chat inbox when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inbox_id: Option<String>,
}

/// A connection as the admin API shows it: everything but the token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    pub id: String,
    pub site_id: String,
    pub channel: Channel,
    pub account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_account_id: Option<String>,
    pub name: String,
    /// `expired` once Meta refused the token (error 190): the admin must reconnect.
    pub token_state: TokenState,
    pub created_at: Millis,
    #[serde(default = "default_inbox")]
    pub inbox_id: String,
    /// What happens before an agent answers.
    #[serde(default)]
    pub flow: ChannelFlow,
}

/// `PUT /api/admin/sites/{site}/connections/{id}/token`: a new token for a connection (after
/// Meta refused the old one); it is valid again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    pub access_token: String,
}

/// `PUT /api/admin/sites/{site}/connections/{id}/flow` (answered with the `Connection`): what
/// happens on a Messenger Page or WhatsApp number before an agent answers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelFlow {
    /// Messenger's greeting, on the welcome screen before the person first writes (at most
    /// 160 characters with an implicit consent text; Messenger only).
    #[serde(default)]
    pub greeting: String,
    /// Sent by itself after the first message of each new conversation; empty for none. Never
    /// sent outside Meta's 24-hour window.
    #[serde(default)]
    pub instant_reply: String,
    /// GDPR (Messenger only): `off`; `implicit` (the consent text goes with the greeting);
    /// `explicit` (a person's messages are held, not taken into the inbox, until they tap
    /// "I agree" under the consent text, which is sent to them once).
    #[serde(default)]
    pub consent: crate::settings::ConsentMode,
    #[serde(default)]
    pub consent_text: String,
    /// Who the channel's new conversations are assigned to, as for chat (off by default: the
    /// team picks them up).
    #[serde(default)]
    pub routing: crate::settings::RoutingSettings,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenState {
    Valid,
    Expired,
}

/// `GET /api/admin/sites/{site}/connections`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionList {
    pub connections: Vec<Connection>,
}
