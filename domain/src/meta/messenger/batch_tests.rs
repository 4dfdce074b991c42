//! Whole Messenger batches: several Pages and events, Meta's reordering, an unknown event kind and
//! unroutable events kept rather than failing the batch, and the bodies that are refused.

use super::*;

#[test]
fn a_mixed_batch_parses_every_event_in_time_order() {
    let events = parse(include_bytes!("../fixtures/messenger/batch.json")).unwrap();
    let summary: Vec<(i64, &str, &str, String)> = events
        .iter()
        .map(|e| {
            let what = match &e.kind {
                EventKind::Message { external_id, .. } => external_id.clone(),
                EventKind::Unsupported { what, .. } => format!("unsupported: {what}"),
                other => panic!("{other:?}"),
            };
            (e.at, e.account.as_str(), e.contact.as_str(), what)
        })
        .collect();
    let page_a = "682498302938465";
    let page_b = "777000111222333";
    assert_eq!(
        summary,
        [
            (
                1_700_000_001_000,
                page_a,
                "1254459154682919",
                "m_first".into()
            ),
            (
                1_700_000_002_000,
                page_b,
                "9988776655443322",
                "m_second_other_page".into()
            ),
            // No usable timestamp: the entry's time, after the event that really had it.
            (
                1_700_000_002_000,
                page_b,
                "9988776655443322",
                "m_no_time".into()
            ),
            (
                1_700_000_002_000,
                page_b,
                "",
                "unsupported: page change: feed".into()
            ),
            // A chat-plugin guest has a user_ref, not a PSID: nothing to route it to.
            (
                1_700_000_002_200,
                page_b,
                "",
                "unsupported: message without contact id".into()
            ),
            (
                1_700_000_002_500,
                page_a,
                "1254459154682919",
                "unsupported: pass_thread_control".into()
            ),
            (
                1_700_000_003_000,
                page_a,
                "1254459154682919",
                "m_third".into()
            ),
        ]
    );
    // The unroutable message keeps its id, so the edge can still log it once.
    assert_eq!(events[4].external_id(), Some("m_guest"));
}

#[test]
fn odd_events_degrade_alone() {
    let body = br#"{"object":"page","entry":[
        {"id":"1","time":1700000000000,"messaging":[
            {"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":1700000000001,
             "message":{"text":"no mid"}},
            {"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":1700000000002,
             "message":{"mid":"m_deleted","is_deleted":true}},
            {"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":1700000000003,
             "reaction":{"action":"react","emoji":"x"}},
            {"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":1700000000004},
            "not even an object",
            {"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":1700000000005,
             "message":{"mid":"m_ok","text":"still here"}}
        ]},
        "an entry that is a string",
        {"messaging":"not an array"}
    ]}"#;
    let events = parse(body).unwrap();
    let whats: Vec<String> = events
        .iter()
        .map(|e| match &e.kind {
            EventKind::Unsupported { what, .. } => what.clone(),
            EventKind::Message { external_id, .. } => external_id.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        whats,
        [
            // A string is no event at all; it takes the entry's time and sorts first.
            "empty messaging event",
            "message without mid",
            "message without text or attachments",
            "reaction without mid",
            "empty messaging event",
            "m_ok",
        ]
    );
    assert_eq!(events[2].dedupe_key().as_deref(), Some("m_deleted"));
}

#[test]
fn bodies_that_are_not_page_batches_are_refused() {
    assert!(matches!(parse(b"not json"), Err(ParseError::NotJson(_))));
    assert!(matches!(parse(b""), Err(ParseError::NotJson(_))));
    assert!(matches!(
        parse(include_bytes!("../fixtures/whatsapp/text.json")),
        Err(ParseError::WrongObject { expected: "page", found: Some(found) })
            if found == "whatsapp_business_account"
    ));
    assert!(matches!(
        parse(br#"{"object":"instagram","entry":[]}"#),
        Err(ParseError::WrongObject { .. })
    ));
    assert!(matches!(
        parse(br#"{"entry":[]}"#),
        Err(ParseError::WrongObject { found: None, .. })
    ));
    assert_eq!(parse(br#"{"object":"page","entry":[]}"#).unwrap(), []);
}
