//! Porchlight's wire types: every value that crosses a wire between the visitor's widget, the
//! agents' inbox, the host-page loader and the edge Worker is defined here, once.
//!
//! # Layout
//! - [`api`]: HTTP request and response bodies, including the one error shape.
//! - [`bot`]: a chatflow bot's script: its actions, questions, branches and handovers.
//! - [`flows`]: chatflows: what a visitor meets on a page (live chat or bot), and versions.
//! - [`frame`]: WebSocket frames on a conversation socket and on an agent's list socket.
//! - [`consent`]: GDPR consent to a website chat: the setting, the step shown, the record kept.
//! - [`i18n`]: the languages the chat speaks and the words of its interface.
//! - [`embed`]: `postMessage` messages between the host-page loader and the widget frame.
//! - [`limits`]: the limits both sides enforce (the server is the authority).
//! - [`queues`]: what admins see of the Worker's queues (messages they gave up on).
//! - [`routes`]: every route the Worker serves (method, path, the values in it), for the router
//!   and for every caller that builds a URL.
//! - [`reply`]: what became of each reply sent on Messenger and WhatsApp, and WhatsApp's
//!   templates (the reply windows are `domain::meta::window`'s).
//! - [`settings`]: per-site chat channel settings as stored and edited (availability and hours,
//!   routing, branding, texts, attachments, targeting).
//!
//! The crate does no IO and knows nothing of its callers; it compiles natively and to wasm.

pub mod api;
pub mod bot;
pub mod consent;
pub mod embed;
pub mod flows;
pub mod frame;
pub mod i18n;
pub mod limits;
pub mod queues;
pub mod reply;
pub mod routes;
pub mod settings;

use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch, UTC.
pub type Millis = i64;

/// A position in a conversation's message log. The first message has sequence 1; 0 means
/// "before the first message".
pub type Seq = u64;

/// Who wrote a message: `"visitor"`, `{"agent": {"id": …, "name": …}}` or
/// `{"bot": {"id": …, "name": …}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    /// The website visitor (or, on Meta channels, the contact).
    Visitor,
    /// A member of the team, with the name the visitor sees.
    Agent { id: String, name: String },
    /// A chatflow's bot (`id`: the flow's), with the name the visitor sees. Never a member's
    /// reply: it answers nobody's wait for the team.
    Bot { id: String, name: String },
}

/// One stored message of a conversation, as every participant sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Position in the conversation's log, assigned by the server; strictly increasing.
    pub seq: Seq,
    /// The id the sender's client chose; a resend with the same id is stored once.
    pub client_id: String,
    pub author: Author,
    /// Plain text. Clients render it as text, never as HTML. Empty when the message is only an
    /// attachment.
    pub body: String,
    /// The web links and e-mail addresses in `body`, in order, found by the edge
    /// (`domain::text`) so every client links the same text and none carries a link finder.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<TextLink>,
    /// A file sent with the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
    /// The answers a bot's question offers as buttons (the visitor may type instead); empty
    /// for every other message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// When the server stored it; never earlier than the previous message's time.
    pub sent_at: Millis,
}

/// A file in a conversation, stored by the edge (R2). Its bytes are fetched from
/// `…/conversations/{conversation}/attachments/{id}` with the participant's credentials.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: String,
    /// The file's name as its sender's device named it (no folders; at most
    /// [`limits::FILE_NAME_MAX_CHARS`] characters).
    pub name: String,
    /// What the edge found the bytes to be, whatever the name or the sender said (`image/png`,
    /// `application/pdf`, `text/plain; charset=utf-8`, …).
    pub content_type: String,
    /// In bytes.
    pub size: u64,
}

impl Attachment {
    /// Whether clients show it as a picture (the edge only ever stores PNG, JPEG, GIF and WebP
    /// under `image/`; never SVG).
    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
    }
}

/// A link in a message body: `text` as it appears there, and where it goes (`https:`, `http:`
/// or `mailto:` only). A client finds each `text` in the body after the previous one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextLink {
    pub text: String,
    pub href: String,
}

/// Whether a conversation is still being worked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    Open,
    Closed,
}

/// The channel a conversation came in on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The website widget.
    Chat,
    /// Facebook Messenger, through a connected Page.
    Messenger,
    /// WhatsApp, through a connected business number.
    #[serde(rename = "whatsapp")]
    WhatsApp,
}
