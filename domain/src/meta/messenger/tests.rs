//! Messenger fixtures shaped like Meta's reference examples, one file per event family, and a
//! batch that mixes Pages, order, an unknown event and unroutable ones.

use super::*;
use crate::meta::{Attachment, AttachmentKind, Content};

const PAGE: &str = "682498302938465";
const PSID: &str = "1254459154682919";

fn fixture(name: &str) -> Vec<InboundEvent> {
    let body = match name {
        "text" => include_str!("../fixtures/messenger/text.json"),
        "attachments" => include_str!("../fixtures/messenger/attachments.json"),
        "echo" => include_str!("../fixtures/messenger/echo.json"),
        "postback" => include_str!("../fixtures/messenger/postback.json"),
        "receipts" => include_str!("../fixtures/messenger/receipts.json"),
        "reaction" => include_str!("../fixtures/messenger/reaction.json"),
        "standby" => include_str!("../fixtures/messenger/standby.json"),
        "batch" => include_str!("../fixtures/messenger/batch.json"),
        _ => unreachable!("no fixture {name}"),
    };
    let events = parse(body.as_bytes()).unwrap();
    for event in &events {
        assert_eq!(event.channel, MetaChannel::Messenger);
        assert_eq!(event.contact_name, None);
    }
    events
}

fn kinds(events: &[InboundEvent]) -> Vec<&EventKind> {
    events.iter().map(|e| &e.kind).collect()
}

fn attachment(kind: AttachmentKind, url: &str) -> Attachment {
    Attachment {
        kind,
        url: Some(url.into()),
        media_id: None,
        mime_type: None,
        caption: None,
        filename: None,
        title: None,
    }
}

#[test]
fn text_quick_replies_and_replies_stay_plain_text() {
    let events = fixture("text");
    assert!(events
        .iter()
        .all(|e| e.account == PAGE && e.contact == PSID && !e.standby));
    assert_eq!(events[0].at, 1_458_692_752_478);
    assert_eq!(
        kinds(&events),
        [
            &EventKind::Message {
                external_id: "m_1457764197618:41d102a3e1ae206a38".into(),
                content: Content::Text("Hello, do you ship to Oslo? <b>not bold</b>".into()),
                reply_to: None,
            },
            &EventKind::Message {
                external_id: "m_1457764197618:41d102a3e1ae206a39".into(),
                content: Content::QuickReply {
                    text: "I agree".into(),
                    payload: "CONSENT_YES".into(),
                },
                reply_to: None,
            },
            &EventKind::Message {
                external_id: "m_1457764197618:41d102a3e1ae206a40".into(),
                content: Content::Text("The blue one, please".into()),
                reply_to: Some("m_1fTq8oLumEyIp3Q2MR-aY7IfLZDamVrALniheU".into()),
            },
        ]
    );
}

#[test]
fn attachments_of_every_kind() {
    let events = fixture("attachments");
    let content = |i: usize| match &events[i].kind {
        EventKind::Message { content, .. } => content.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        content(0),
        Content::Attachments(vec![
            attachment(
                AttachmentKind::Image,
                "https://scontent.xx.fbcdn.net/v/photo.jpg"
            ),
            attachment(
                AttachmentKind::Video,
                "https://video.xx.fbcdn.net/v/clip.mp4"
            ),
            attachment(
                AttachmentKind::Audio,
                "https://cdn.fbsbx.com/v/audioclip.mp4"
            ),
            attachment(AttachmentKind::File, "https://cdn.fbsbx.com/v/invoice.pdf"),
            attachment(
                AttachmentKind::Other("reel".into()),
                "https://www.facebook.com/reel/123"
            ),
        ])
    );
    // A shared link is its text; the fallback preview adds nothing to store.
    assert_eq!(
        content(1),
        Content::Text("https://example.com/spring-sale".into())
    );
    // A fallback with no payload at all is still a message, with nothing but its kind.
    let Content::Attachments(bare) = content(2) else {
        panic!()
    };
    assert_eq!(bare.len(), 1);
    assert_eq!(bare[0].kind, AttachmentKind::Fallback);
    assert_eq!((bare[0].url.as_ref(), bare[0].title.as_ref()), (None, None));
    // During the sticker transition the image copy of a sticker is dropped.
    assert_eq!(
        content(3),
        Content::Attachments(vec![attachment(
            AttachmentKind::Sticker,
            "https://scontent.xx.fbcdn.net/v/sticker.png"
        )])
    );
    // Text sent with a photo becomes its caption rather than being lost.
    let Content::Attachments(photo) = content(4) else {
        panic!()
    };
    assert_eq!(photo[0].caption.as_deref(), Some("Is this one in stock?"));
}

#[test]
fn a_fallback_title_and_url_beside_the_payload_are_read() {
    let body = br#"{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"2"},
        "recipient":{"id":"1"},"timestamp":1700000000000,"message":{"mid":"m_1",
        "attachments":[{"type":"fallback","title":"Spring sale",
        "url":"https://example.com/s","payload":null}]}}]}]}"#;
    let events = parse(body).unwrap();
    let EventKind::Message {
        content: Content::Attachments(a),
        ..
    } = &events[0].kind
    else {
        panic!("{events:?}")
    };
    assert_eq!(a[0].kind, AttachmentKind::Fallback);
    assert_eq!(a[0].title.as_deref(), Some("Spring sale"));
    assert_eq!(a[0].url.as_deref(), Some("https://example.com/s"));
}

#[test]
fn echoes_take_the_contact_from_the_recipient() {
    let events = fixture("echo");
    assert!(events
        .iter()
        .all(|e| e.account == PAGE && e.contact == PSID));
    assert_eq!(
        events[0].kind,
        EventKind::Echo {
            external_id: "m_echo_ours".into(),
            content: Content::Text("Yes, we ship to Oslo in 2-3 days.".into()),
            app_id: Some("1517776481860111".into()),
        }
    );
    // Sent from the Page inbox: no app, shown as an agent message by the edge.
    assert!(matches!(
        &events[1].kind,
        EventKind::Echo { app_id: None, external_id, .. } if external_id == "m_echo_page_inbox"
    ));
}

#[test]
fn postbacks_keep_title_and_payload() {
    assert_eq!(
        kinds(&fixture("postback")),
        [&EventKind::Postback {
            external_id: Some("m_postback_1".into()),
            title: "Talk to a person".into(),
            payload: "HANDOFF_HUMAN".into(),
        }]
    );
}

#[test]
fn deliveries_and_reads_carry_watermarks() {
    let events = fixture("receipts");
    assert!(events.iter().all(|e| e.contact == PSID));
    // The first delivery has no timestamp of its own: it takes the entry's time and sorts last.
    assert_eq!(
        events.iter().map(|e| e.at).collect::<Vec<_>>(),
        [1_458_668_856_463, 1_458_668_856_500, 1_458_668_856_900]
    );
    assert_eq!(
        kinds(&events),
        [
            &EventKind::Read {
                watermark: Some(1_458_668_856_253),
                external_id: None,
            },
            &EventKind::Delivered {
                external_ids: vec![],
                watermark: Some(1_458_668_856_400),
            },
            &EventKind::Delivered {
                external_ids: vec!["mid.1458668856218:ed81099e15d3f4f233".into()],
                watermark: Some(1_458_668_856_253),
            },
        ]
    );
}

#[test]
fn reactions_and_their_removal() {
    assert_eq!(
        kinds(&fixture("reaction")),
        [
            &EventKind::Reaction {
                target: "m_echo_ours".into(),
                emoji: Some("\u{2764}\u{fe0f}".into()),
                removed: false,
                external_id: None,
            },
            &EventKind::Reaction {
                target: "m_echo_ours".into(),
                emoji: None,
                removed: true,
                external_id: None,
            },
        ]
    );
}

#[test]
fn standby_events_are_marked_and_parsed_alike() {
    let events = fixture("standby");
    assert!(events
        .iter()
        .all(|e| e.standby && e.account == PAGE && e.contact == PSID));
    assert!(
        matches!(&events[0].kind, EventKind::Message { content: Content::Text(t), .. } if t == "Is anyone there?")
    );
    let EventKind::Echo {
        content: Content::Attachments(a),
        app_id,
        ..
    } = &events[1].kind
    else {
        panic!("{:?}", events[1])
    };
    assert_eq!(a[0].kind, AttachmentKind::Other("template".into()));
    assert_eq!(app_id.as_deref(), Some("263902037430900"));
    // Standby postbacks come without a payload.
    assert_eq!(
        events[2].kind,
        EventKind::Postback {
            external_id: None,
            title: "Get Started".into(),
            payload: String::new(),
        }
    );
}
