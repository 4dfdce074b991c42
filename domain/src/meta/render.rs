//! What an agent reads for an inbound event while the inbox has no native views for files, places
//! and contact cards: the event as plain text (the inbox renders text as text, links made
//! clickable). `None` for events that are not a message in the thread (deliveries, reads,
//! statuses, errors) — those change state instead.

use super::{Attachment, AttachmentKind, Content, EventKind};

/// The text an event adds to its conversation, if it adds any.
pub fn as_text(kind: &EventKind) -> Option<String> {
    match kind {
        EventKind::Message { content, .. } | EventKind::Echo { content, .. } => {
            Some(content_text(content))
        }
        EventKind::Postback { title, .. } => Some(title.clone()),
        EventKind::Reaction { emoji, removed, .. } => Some(match (removed, emoji) {
            (true, _) => "Removed a reaction".to_owned(),
            (false, Some(e)) => format!("Reacted {e}"),
            (false, None) => "Reacted to a message".to_owned(),
        }),
        EventKind::Unsupported {
            what,
            external_id: Some(_),
        } => Some(format!(
            "[A {what} message, which Porchlight cannot show yet]"
        )),
        EventKind::Unsupported {
            external_id: None, ..
        }
        | EventKind::Delivered { .. }
        | EventKind::Read { .. }
        | EventKind::Status { .. }
        | EventKind::Error { .. } => None,
    }
}

fn content_text(content: &Content) -> String {
    match content {
        Content::Text(text) => text.clone(),
        Content::QuickReply { text, .. } | Content::ButtonReply { text, .. } => text.clone(),
        Content::InteractiveReply { title, .. } => title.clone(),
        Content::Attachments(files) => files
            .iter()
            .map(attachment_text)
            .collect::<Vec<_>>()
            .join("\n"),
        Content::Location {
            latitude,
            longitude,
            name,
            address,
        } => {
            let place = [name.as_deref(), address.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
            let map = format!("https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}");
            if place.is_empty() {
                format!("Location: {map}")
            } else {
                format!("Location: {place} {map}")
            }
        }
        Content::Contacts(cards) => cards
            .iter()
            .map(|c| {
                let reach: Vec<&str> = c
                    .phones
                    .iter()
                    .chain(&c.emails)
                    .map(String::as_str)
                    .collect();
                format!("Contact: {} {}", c.name, reach.join(", "))
                    .trim_end()
                    .to_owned()
            })
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn attachment_text(a: &Attachment) -> String {
    let kind = match &a.kind {
        AttachmentKind::Image => "Image",
        AttachmentKind::Video => "Video",
        AttachmentKind::Audio => "Audio",
        AttachmentKind::Voice => "Voice message",
        AttachmentKind::File => "File",
        AttachmentKind::Sticker => "Sticker",
        AttachmentKind::Fallback => "Link",
        AttachmentKind::Other(other) => other.as_str(),
    };
    let parts: Vec<&str> = [
        a.caption.as_deref(),
        a.title.as_deref(),
        a.filename.as_deref(),
        a.url.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        format!("[{kind}]")
    } else {
        format!("[{kind}] {}", parts.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::{DeliveryStatus, SharedContact};

    fn message(content: Content) -> EventKind {
        EventKind::Message {
            external_id: "m1".into(),
            content,
            reply_to: None,
        }
    }

    #[test]
    fn messages_read_as_text() {
        assert_eq!(
            as_text(&message(Content::Text("hi".into()))).as_deref(),
            Some("hi")
        );
        let image = Attachment {
            kind: AttachmentKind::Image,
            url: Some("https://cdn.example/a.jpg".into()),
            media_id: None,
            mime_type: None,
            caption: Some("our cake".into()),
            filename: None,
            title: None,
        };
        assert_eq!(
            as_text(&message(Content::Attachments(vec![image]))).as_deref(),
            Some("[Image] our cake https://cdn.example/a.jpg")
        );
        let place = Content::Location {
            latitude: 59.3,
            longitude: 18.1,
            name: Some("Bakery".into()),
            address: None,
        };
        assert!(as_text(&message(place))
            .unwrap()
            .starts_with("Location: Bakery https://"));
        let card = Content::Contacts(vec![SharedContact {
            name: "Ada".into(),
            phones: vec!["+46 1".into()],
            emails: vec![],
        }]);
        assert_eq!(
            as_text(&message(card)).as_deref(),
            Some("Contact: Ada +46 1")
        );
    }

    #[test]
    fn state_changes_add_no_text() {
        let status = EventKind::Status {
            external_id: "w".into(),
            status: DeliveryStatus::Read,
        };
        assert_eq!(as_text(&status), None);
        let page_change = EventKind::Unsupported {
            what: "feed".into(),
            external_id: None,
        };
        assert_eq!(as_text(&page_change), None);
        let odd = EventKind::Unsupported {
            what: "order".into(),
            external_id: Some("w1".into()),
        };
        assert!(as_text(&odd).unwrap().contains("order"));
    }
}
