//! WhatsApp statuses, account errors and whole batches: several accounts, numbers and people,
//! Meta's reordering, kinds we do not model kept in place, and the bodies that are refused.

use super::*;

fn parse_fixture(body: &str) -> Vec<InboundEvent> {
    parse(body.as_bytes()).unwrap()
}

#[test]
fn statuses_come_out_in_time_order_with_failure_details() {
    let events = parse_fixture(include_str!("../fixtures/whatsapp/statuses.json"));
    assert!(events
        .iter()
        .all(|e| e.account == "106540352242922" && e.contact == "16505551234"));
    let statuses: Vec<(i64, &EventKind)> = events.iter().map(|e| (e.at, &e.kind)).collect();
    let ours = "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA";
    let status = |status| EventKind::Status {
        external_id: ours.into(),
        status,
    };
    assert_eq!(
        statuses,
        [
            (1_749_417_001_000, &status(DeliveryStatus::Sent)),
            (1_749_417_002_000, &status(DeliveryStatus::Delivered)),
            (1_749_417_003_000, &status(DeliveryStatus::Read)),
            (
                1_749_417_010_000,
                &EventKind::Status {
                    external_id: "wamid.failed".into(),
                    status: DeliveryStatus::Failed {
                        code: Some(131_047),
                        title: "Re-engagement message".into(),
                        detail: Some(
                            "Message failed to send because more than 24 hours have passed \
                             since the customer last replied to this number."
                                .into()
                        ),
                    },
                }
            ),
            // A state we do not model yet: kept, never mistaken for `read`.
            (
                1_749_417_020_000,
                &EventKind::Unsupported {
                    what: "status played".into(),
                    external_id: Some("wamid.voice_note_we_sent".into()),
                }
            ),
        ]
    );
    let keys: Vec<_> = events.iter().filter_map(|e| e.dedupe_key()).collect();
    assert_eq!(
        keys[..3],
        [
            format!("{ours}:sent"),
            format!("{ours}:delivered"),
            format!("{ours}:read")
        ]
    );
}

#[test]
fn a_failed_status_without_errors_still_fails_visibly() {
    let body = br#"{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages",
        "value":{"metadata":{"phone_number_id":"1"},"statuses":[{"id":"wamid.x","status":"failed",
        "timestamp":"1749417010","recipient_id":"2"}]}}]}]}"#;
    assert_eq!(
        parse(body).unwrap()[0].kind,
        EventKind::Status {
            external_id: "wamid.x".into(),
            status: DeliveryStatus::Failed {
                code: None,
                title: "Unknown error".into(),
                detail: None,
            },
        }
    );
}

#[test]
fn webhook_level_errors_concern_the_account() {
    let events = parse_fixture(include_str!("../fixtures/whatsapp/errors.json"));
    assert!(events
        .iter()
        .all(|e| e.account == "106540352242922" && e.contact.is_empty() && e.at == 0));
    let kinds: Vec<&EventKind> = events.iter().map(|e| &e.kind).collect();
    assert_eq!(
        kinds,
        [
            &EventKind::Error {
                code: Some(130_429),
                title: "Rate limit hit".into(),
                detail: Some("Cloud API message throughput has been reached.".into()),
            },
            // No title: the message stands in for it, and is not repeated as the detail.
            &EventKind::Error {
                code: Some(131_000),
                title: "Something went wrong".into(),
                detail: None,
            },
        ]
    );
}

#[test]
fn a_mixed_batch_parses_every_event_in_time_order() {
    let events = parse_fixture(include_str!("../fixtures/whatsapp/batch.json"));
    let summary: Vec<(i64, &str, &str, Option<&str>, String)> = events
        .iter()
        .map(|e| {
            let what = match &e.kind {
                EventKind::Message { external_id, .. } => external_id.clone(),
                EventKind::Status { status, .. } => format!("status {}", status.as_str()),
                EventKind::Unsupported { what, .. } => format!("unsupported: {what}"),
                other => panic!("{other:?}"),
            };
            let (account, contact) = (e.account.as_str(), e.contact.as_str());
            (e.at, account, contact, e.contact_name.as_deref(), what)
        })
        .collect();
    let (one, two) = ("106540352242922", "301122334455667");
    let sheena = ("16505551234", Some("Sheena Nelson"));
    assert_eq!(
        summary,
        [
            // Another field, with no time: kept, first.
            (
                0,
                "",
                "",
                None,
                "unsupported: message_template_status_update change".into()
            ),
            (
                1_749_500_010_000,
                one,
                sheena.0,
                sheena.1,
                "wamid.sheena_first".into()
            ),
            (
                1_749_500_015_000,
                two,
                "4917600000000",
                Some("Lena"),
                "wamid.lena_second".into()
            ),
            (
                1_749_500_020_000,
                one,
                sheena.0,
                sheena.1,
                "status delivered".into()
            ),
            (
                1_749_500_025_000,
                one,
                sheena.0,
                sheena.1,
                "unsupported: poll_vote".into()
            ),
            (
                1_749_500_030_000,
                one,
                "4915112345678",
                Some("Kai Müller"),
                "wamid.kai_third".into()
            ),
        ]
    );
}

#[test]
fn events_without_routing_ids_are_kept_as_unsupported() {
    let body = br#"{"object":"whatsapp_business_account","entry":[{"changes":[
        {"field":"messages","value":{"messages":[{"from":"2","id":"wamid.no_number",
            "timestamp":"1749500000","type":"text","text":{"body":"hi"}}]}},
        {"field":"messages","value":{"metadata":{"phone_number_id":"1"},"messages":[
            {"id":"wamid.no_sender","timestamp":"1749500001","type":"text","text":{"body":"hi"}},
            {"from":"2","timestamp":"1749500002","type":"text","text":{"body":"no id"}}]}}
    ]}]}"#;
    let kinds: Vec<EventKind> = parse(body).unwrap().into_iter().map(|e| e.kind).collect();
    let unsupported = |what: &str, id: Option<&str>| EventKind::Unsupported {
        what: what.into(),
        external_id: id.map(str::to_owned),
    };
    assert_eq!(
        kinds,
        [
            unsupported("message without account id", Some("wamid.no_number")),
            unsupported("message without contact id", Some("wamid.no_sender")),
            unsupported("message without id", None),
        ]
    );
}

#[test]
fn bodies_that_are_not_whatsapp_batches_are_refused() {
    assert!(matches!(
        parse(b"{\"object\":"),
        Err(ParseError::NotJson(_))
    ));
    assert!(matches!(
        parse(include_bytes!("../fixtures/messenger/text.json")),
        Err(ParseError::WrongObject { expected: OBJECT, found: Some(found) }) if found == "page"
    ));
    assert!(matches!(
        parse(br#"{"object":null}"#),
        Err(ParseError::WrongObject { found: None, .. })
    ));
}
