//! What a Meta message carries: text, files, a place, contact cards, or the tap on a button we
//! sent. Both channels' parsers build these; nothing here knows where they came from.

use serde::{Deserialize, Serialize};

/// What a message says or carries. Text stays exactly as the person typed it: rendering (and
/// escaping) is the client's job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Content {
    /// Plain text.
    Text(String),
    /// A tap on a quick reply the Page offered (Messenger): the label shown and its payload.
    QuickReply {
        /// The quick reply's label, as sent.
        text: String,
        /// The payload the quick reply was defined with.
        payload: String,
    },
    /// One or more files or shares.
    Attachments(Vec<Attachment>),
    /// A shared location.
    Location {
        /// Degrees north.
        latitude: f64,
        /// Degrees east.
        longitude: f64,
        /// The place's name, when shared.
        name: Option<String>,
        /// The place's address, when shared.
        address: Option<String>,
    },
    /// Shared contact cards (WhatsApp).
    Contacts(Vec<SharedContact>),
    /// A tap on an interactive reply button or list row we sent (WhatsApp `button_reply` /
    /// `list_reply`).
    InteractiveReply {
        /// The id we gave the button or row.
        id: String,
        /// Its label, as shown.
        title: String,
    },
    /// A tap on a template's quick-reply button (WhatsApp `type: "button"`).
    ButtonReply {
        /// The button's label, as shown.
        text: String,
        /// The payload the template button was defined with.
        payload: String,
    },
}

/// One file or share in a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// What sort of file it is.
    pub kind: AttachmentKind,
    /// Where to fetch it: a CDN link (Messenger) or, when Meta includes one, the media URL
    /// (WhatsApp, which needs the access token).
    pub url: Option<String>,
    /// WhatsApp's media id, to look the file up through the Graph API.
    pub media_id: Option<String>,
    /// The MIME type, when given.
    pub mime_type: Option<String>,
    /// The caption the person wrote, kept as plain text.
    pub caption: Option<String>,
    /// The file name, for documents.
    pub filename: Option<String>,
    /// A title Meta gives shares and fallbacks (a link's page title).
    pub title: Option<String>,
}

/// What sort of file an attachment is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// A picture.
    Image,
    /// A video.
    Video,
    /// An audio file.
    Audio,
    /// A voice note recorded in the app (WhatsApp `voice: true`).
    Voice,
    /// Any other file (Messenger `file`, WhatsApp `document`).
    File,
    /// A sticker.
    Sticker,
    /// A share Meta could not type, such as a link; may have only a URL and title, or nothing.
    Fallback,
    /// A kind we do not model, by Meta's name (`reel`, `template`, `ig_post`, …).
    Other(String),
}

/// One contact card someone shared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedContact {
    /// The name as formatted on the card.
    pub name: String,
    /// Its phone numbers, as written.
    pub phones: Vec<String>,
    /// Its e-mail addresses.
    pub emails: Vec<String>,
}
