//! One entry of a WhatsApp `messages` array, by its `type`: text, media (image, audio or voice
//! note, video, document, sticker), location, contacts, interactive replies, template button
//! replies and reactions. Anything else, including Meta's own `unsupported` type, becomes
//! [`EventKind::Unsupported`] with the message id kept, so the edge can show a placeholder once.

use serde_json::Value;

use crate::meta::payload::{array, at, float, non_empty, string};
use crate::meta::{Attachment, AttachmentKind, Content, EventKind, SharedContact};

/// What one `messages` entry is.
pub(super) fn kind(m: &Value) -> EventKind {
    let Some(external_id) = string(m, &["id"]) else {
        return unsupported("message without id".to_owned(), None);
    };
    let kind = string(m, &["type"]).unwrap_or_default();
    let content = match kind.as_str() {
        "text" => string(m, &["text", "body"]).map(Content::Text),
        "image" | "audio" | "video" | "document" | "sticker" => media(m, &kind),
        "location" => location(m),
        "contacts" => contacts(m),
        "interactive" => interactive(m),
        "button" => string(m, &["button", "text"]).map(|text| Content::ButtonReply {
            text,
            payload: string(m, &["button", "payload"]).unwrap_or_default(),
        }),
        "reaction" => return reaction(m, external_id),
        _ => None,
    };
    match content {
        Some(content) => EventKind::Message {
            external_id,
            content,
            reply_to: string(m, &["context", "id"]),
        },
        None => unsupported(describe(m, &kind), Some(external_id)),
    }
}

fn unsupported(what: String, external_id: Option<String>) -> EventKind {
    EventKind::Unsupported { what, external_id }
}

/// A name for a message we could not read: its type, and Meta's reason when it gives one
/// (`unsupported (Message type unknown)`).
fn describe(m: &Value, kind: &str) -> String {
    let kind = if kind.is_empty() {
        "untyped message"
    } else {
        kind
    };
    match array(m, "errors").first().map(super::error) {
        Some((_, title, _)) => format!("{kind} ({title})"),
        None => kind.to_owned(),
    }
}

/// `image`, `audio`, `video`, `document` or `sticker`: `{id, mime_type, sha256, caption?,
/// filename?, voice?, url?}` under the key named by the type. The file itself is fetched later
/// by media id, through the Graph API.
fn media(m: &Value, kind: &str) -> Option<Content> {
    let media = m.get(kind).filter(|v| v.is_object())?;
    let attachment = Attachment {
        kind: match kind {
            "image" => AttachmentKind::Image,
            // A voice note recorded in WhatsApp, rather than an audio file someone sent.
            "audio" if media.get("voice").and_then(Value::as_bool) == Some(true) => {
                AttachmentKind::Voice
            }
            "audio" => AttachmentKind::Audio,
            "video" => AttachmentKind::Video,
            "sticker" => AttachmentKind::Sticker,
            _ => AttachmentKind::File,
        },
        url: non_empty(media, &["url"]),
        media_id: non_empty(media, &["id"]),
        mime_type: non_empty(media, &["mime_type"]),
        caption: non_empty(media, &["caption"]),
        filename: non_empty(media, &["filename"]),
        title: None,
    };
    // Without an id or a URL there is nothing to fetch: not a file we can show.
    (attachment.media_id.is_some() || attachment.url.is_some())
        .then(|| Content::Attachments(vec![attachment]))
}

/// `location`: coordinates (numbers, or text in some payloads) and an optional name and address.
fn location(m: &Value) -> Option<Content> {
    let location = m.get("location")?;
    Some(Content::Location {
        latitude: float(location.get("latitude"))?,
        longitude: float(location.get("longitude"))?,
        name: non_empty(location, &["name"]),
        address: non_empty(location, &["address"]),
    })
}

/// `contacts`: cards with a name, phones and e-mails; other card fields are not kept.
fn contacts(m: &Value) -> Option<Content> {
    let cards: Vec<SharedContact> = array(m, "contacts").iter().map(card).collect();
    (!cards.is_empty()).then_some(Content::Contacts(cards))
}

/// One card. The person may withhold any field, so every one is optional; a card without a
/// formatted name is named from its first and last names.
fn card(card: &Value) -> SharedContact {
    let name = non_empty(card, &["name", "formatted_name"]).unwrap_or_else(|| {
        ["first_name", "last_name"]
            .iter()
            .filter_map(|part| non_empty(card, &["name", part]))
            .collect::<Vec<_>>()
            .join(" ")
    });
    SharedContact {
        name,
        phones: array(card, "phones")
            .iter()
            .filter_map(|p| non_empty(p, &["phone"]).or_else(|| non_empty(p, &["wa_id"])))
            .collect(),
        emails: array(card, "emails")
            .iter()
            .filter_map(|e| non_empty(e, &["email"]))
            .collect(),
    }
}

/// `interactive`: the button or list row the person picked from one we sent.
fn interactive(m: &Value) -> Option<Content> {
    let reply = match string(m, &["interactive", "type"])?.as_str() {
        "button_reply" => at(m, &["interactive", "button_reply"])?,
        "list_reply" => at(m, &["interactive", "list_reply"])?,
        // Flows (`nfm_reply`) and anything newer are not modelled.
        _ => return None,
    };
    Some(Content::InteractiveReply {
        id: string(reply, &["id"])?,
        title: string(reply, &["title"]).unwrap_or_default(),
    })
}

/// `reaction`: an emoji on `message_id`; an empty or absent emoji takes the reaction back.
fn reaction(m: &Value, external_id: String) -> EventKind {
    let Some(target) = string(m, &["reaction", "message_id"]) else {
        return unsupported("reaction without message_id".to_owned(), Some(external_id));
    };
    let emoji = non_empty(m, &["reaction", "emoji"]);
    EventKind::Reaction {
        target,
        removed: emoji.is_none(),
        emoji,
        external_id: Some(external_id),
    }
}
