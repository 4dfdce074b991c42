//! WhatsApp message fixtures shaped like Meta's webhook reference, one file per message family.

use super::*;
use crate::meta::{Attachment, AttachmentKind, Content, SharedContact};

const NUMBER: &str = "106540352242922";
const WA_ID: &str = "16505551234";

fn fixture(name: &str) -> Vec<InboundEvent> {
    let body = match name {
        "text" => include_str!("../fixtures/whatsapp/text.json"),
        "media" => include_str!("../fixtures/whatsapp/media.json"),
        "location_contacts" => include_str!("../fixtures/whatsapp/location_contacts.json"),
        "interactive" => include_str!("../fixtures/whatsapp/interactive.json"),
        "reaction" => include_str!("../fixtures/whatsapp/reaction.json"),
        "unsupported" => include_str!("../fixtures/whatsapp/unsupported.json"),
        _ => unreachable!("no fixture {name}"),
    };
    let events = parse(body.as_bytes()).unwrap();
    for event in &events {
        assert_eq!(event.channel, MetaChannel::WhatsApp);
        assert_eq!(
            (event.account.as_str(), event.contact.as_str()),
            (NUMBER, WA_ID)
        );
        assert_eq!(event.contact_name.as_deref(), Some("Sheena Nelson"));
        assert!(!event.standby);
    }
    events
}

/// The content and reply target of each message event.
fn messages(events: &[InboundEvent]) -> Vec<(Content, Option<String>)> {
    events
        .iter()
        .map(|e| match &e.kind {
            EventKind::Message {
                content, reply_to, ..
            } => (content.clone(), reply_to.clone()),
            other => panic!("{other:?}"),
        })
        .collect()
}

#[test]
fn text_with_seconds_as_text_becomes_milliseconds() {
    let events = fixture("text");
    assert_eq!(events[0].at, 1_749_416_383_000);
    assert_eq!(
        events[0].external_id(),
        Some("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=")
    );
    assert_eq!(
        messages(&events),
        [
            (
                Content::Text("Does it come in another color? *bold* <script>".into()),
                None
            ),
            (
                Content::Text("Yes, that one".into()),
                Some("wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA".into())
            ),
        ]
    );
}

#[test]
fn media_of_every_kind_and_voice_notes_apart_from_audio() {
    let attachments: Vec<Attachment> = messages(&fixture("media"))
        .into_iter()
        .map(|(content, _)| match content {
            Content::Attachments(mut a) if a.len() == 1 => a.remove(0),
            other => panic!("{other:?}"),
        })
        .collect();
    let kinds: Vec<&AttachmentKind> = attachments.iter().map(|a| &a.kind).collect();
    assert_eq!(
        kinds,
        [
            &AttachmentKind::Image,
            &AttachmentKind::Audio,
            &AttachmentKind::Voice,
            &AttachmentKind::Video,
            &AttachmentKind::File,
            &AttachmentKind::Sticker,
        ]
    );
    assert_eq!(
        attachments[0],
        Attachment {
            kind: AttachmentKind::Image,
            url: Some(
                "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1003383421387256"
                    .into()
            ),
            media_id: Some("1003383421387256".into()),
            mime_type: Some("image/jpeg".into()),
            caption: Some("Broken on arrival".into()),
            filename: None,
            title: None,
        }
    );
    assert_eq!(
        attachments[2].mime_type.as_deref(),
        Some("audio/ogg; codecs=opus")
    );
    let document = &attachments[4];
    assert_eq!(
        document.filename.as_deref(),
        Some("lucky-shrub-invoice.pdf")
    );
    assert_eq!(document.caption.as_deref(), Some("Invoice"));
    assert_eq!(document.media_id.as_deref(), Some("1003383421387260"));
}

#[test]
fn locations_and_contact_cards() {
    assert_eq!(
        messages(&fixture("location_contacts")),
        [
            (
                Content::Location {
                    latitude: 37.442_162_518_686_83,
                    longitude: -122.161_535_820_493_94,
                    name: Some("Philz Coffee".into()),
                    address: Some("101 Forest Ave, Palo Alto, CA 94301".into()),
                },
                None
            ),
            (
                Content::Contacts(vec![
                    SharedContact {
                        name: "Barbara J. Johnson".into(),
                        phones: vec!["+1 (650) 555-1234".into(), "16505559999".into()],
                        emails: vec!["bjohnson@luckyshrub.com".into()],
                    },
                    SharedContact {
                        name: "Ana".into(),
                        phones: vec![],
                        emails: vec![],
                    },
                ]),
                None
            ),
        ]
    );
}

#[test]
fn interactive_and_template_button_replies() {
    let events = fixture("interactive");
    assert_eq!(
        messages(&events[..3]),
        [
            (
                Content::InteractiveReply {
                    id: "change-date".into(),
                    title: "Change".into(),
                },
                Some("wamid.our_buttons".into())
            ),
            (
                Content::InteractiveReply {
                    id: "priority_express".into(),
                    title: "Express".into(),
                },
                Some("wamid.our_list".into())
            ),
            (
                Content::ButtonReply {
                    text: "Stop promotions".into(),
                    payload: "STOP_PROMOS".into(),
                },
                Some("wamid.our_template".into())
            ),
        ]
    );
    // A flow reply is not modelled: kept, with its id, as unsupported.
    assert_eq!(
        events[3].kind,
        EventKind::Unsupported {
            what: "interactive".into(),
            external_id: Some("wamid.flow_reply".into()),
        }
    );
}

#[test]
fn reactions_and_an_empty_emoji_that_removes_one() {
    let kinds: Vec<EventKind> = fixture("reaction").into_iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::Reaction {
                target: "wamid.our_reply".into(),
                emoji: Some("\u{1f44d}".into()),
                removed: false,
                external_id: Some("wamid.reaction".into()),
            },
            EventKind::Reaction {
                target: "wamid.our_reply".into(),
                emoji: None,
                removed: true,
                external_id: Some("wamid.unreaction".into()),
            },
        ]
    );
}

#[test]
fn unsupported_and_unknown_types_are_kept_with_their_ids() {
    let kinds: Vec<EventKind> = fixture("unsupported").into_iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::Unsupported {
                what: "unsupported (Message type unknown)".into(),
                external_id: Some("wamid.unsupported".into()),
            },
            EventKind::Unsupported {
                what: "order".into(),
                external_id: Some("wamid.order".into()),
            },
        ]
    );
}
