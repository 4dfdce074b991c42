//! A Messenger `message` (sent to the Page, or echoed from it) and a `reaction`, read into
//! [`EventKind`]s and [`Content`].
//!
//! Attachments come as `{type, payload: {url, …}}`; a `fallback` (a shared link, or a share
//! Meta cannot type) may put `url` and `title` beside the payload instead, or have no payload at
//! all. During Meta's sticker transition (to August 2026) a sticker arrives twice, as a
//! `sticker` attachment and as an `image` whose payload has a `sticker_id`; it is kept once.

use serde_json::Value;

use crate::meta::payload::{array, non_empty, string};
use crate::meta::{Attachment, AttachmentKind, Content, EventKind};

/// A `message` object: a [`EventKind::Message`], or an [`EventKind::Echo`] when the Page sent it.
pub(super) fn kind(message: &Value, is_echo: bool) -> EventKind {
    let Some(external_id) = string(message, &["mid"]) else {
        return unsupported("message without mid", None);
    };
    let Some(content) = content(message) else {
        // Deleted messages and shares Meta cannot describe come with neither text nor files.
        return unsupported("message without text or attachments", Some(external_id));
    };
    if is_echo {
        EventKind::Echo {
            external_id,
            content,
            app_id: string(message, &["app_id"]),
        }
    } else {
        EventKind::Message {
            external_id,
            content,
            reply_to: string(message, &["reply_to", "mid"]),
        }
    }
}

/// A `reaction` object: `react` or `unreact` on the message `mid`.
pub(super) fn reaction(reaction: &Value) -> EventKind {
    match string(reaction, &["mid"]) {
        Some(target) => EventKind::Reaction {
            target,
            emoji: non_empty(reaction, &["emoji"]),
            removed: string(reaction, &["action"]).as_deref() == Some("unreact"),
            external_id: None,
        },
        None => unsupported("reaction without mid", None),
    }
}

fn unsupported(what: &str, external_id: Option<String>) -> EventKind {
    EventKind::Unsupported {
        what: what.to_owned(),
        external_id,
    }
}

/// What a message carries; `None` when it has neither text nor attachments.
fn content(message: &Value) -> Option<Content> {
    let text = non_empty(message, &["text"]);
    if let (Some(text), Some(payload)) = (&text, string(message, &["quick_reply", "payload"])) {
        return Some(Content::QuickReply {
            text: text.clone(),
            payload,
        });
    }
    let mut attachments = attachments(message);
    // A shared link is its text plus a fallback preview of the same link: the text says it all.
    let only_fallbacks = attachments
        .iter()
        .all(|a| a.kind == AttachmentKind::Fallback);
    match text {
        Some(text) if only_fallbacks => Some(Content::Text(text)),
        text => {
            if let (Some(text), Some(first)) = (text, attachments.first_mut()) {
                first.caption.get_or_insert(text);
            }
            (!attachments.is_empty()).then_some(Content::Attachments(attachments))
        }
    }
}

fn attachments(message: &Value) -> Vec<Attachment> {
    let mut attachments: Vec<Attachment> = Vec::new();
    for value in array(message, "attachments") {
        let attachment = attachment(value);
        let repeated_sticker = attachment.kind == AttachmentKind::Sticker
            && attachments
                .iter()
                .any(|a| a.kind == AttachmentKind::Sticker);
        if !repeated_sticker {
            attachments.push(attachment);
        }
    }
    attachments
}

fn attachment(value: &Value) -> Attachment {
    let payload = value.get("payload").filter(|p| p.is_object());
    // Fallbacks may carry `url` and `title` beside the payload rather than in it.
    let field = |key: &str| {
        payload
            .and_then(|p| non_empty(p, &[key]))
            .or_else(|| non_empty(value, &[key]))
    };
    let is_sticker_image = payload.is_some_and(|p| p.get("sticker_id").is_some());
    let kind = match string(value, &["type"]).unwrap_or_default().as_str() {
        "image" if is_sticker_image => AttachmentKind::Sticker,
        "image" => AttachmentKind::Image,
        "video" => AttachmentKind::Video,
        "audio" => AttachmentKind::Audio,
        "file" => AttachmentKind::File,
        "sticker" => AttachmentKind::Sticker,
        "fallback" => AttachmentKind::Fallback,
        other => AttachmentKind::Other(other.to_owned()),
    };
    Attachment {
        kind,
        url: field("url"),
        media_id: None,
        mime_type: None,
        caption: None,
        filename: None,
        title: field("title"),
    }
}
