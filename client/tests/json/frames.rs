//! Every frame kind, both ways.

use super::*;

/// Each frame's kind, by a `match` without a wildcard: a new variant fails to compile here
/// until it has a kind, and the tests below until it has a frame in the lists above.
fn server_kind(frame: &ServerFrame) -> &'static str {
    match frame {
        ServerFrame::Message(_) => "message",
        ServerFrame::Ack { .. } => "ack",
        ServerFrame::Synced { .. } => "synced",
        ServerFrame::Status { .. } => "status",
        ServerFrame::Typing { .. } => "typing",
        ServerFrame::Read { .. } => "read",
        ServerFrame::Agents { .. } => "agents",
        ServerFrame::Error { .. } => "error",
    }
}

/// See [`server_kind`].
fn agent_kind(frame: &ToAgent) -> &'static str {
    match frame {
        ToAgent::Message(_) => "message",
        ToAgent::Ack { .. } => "ack",
        ToAgent::Synced { .. } => "synced",
        ToAgent::Status { .. } => "status",
        ToAgent::Typing { .. } => "typing",
        ToAgent::Read { .. } => "read",
        ToAgent::Agents { .. } => "agents",
        ToAgent::Error { .. } => "error",
        ToAgent::Note(_) => "note",
        ToAgent::Delivery(_) => "delivery",
        ToAgent::Reach { .. } => "reach",
        ToAgent::VisitorChanged {} => "visitor_changed",
    }
}

/// See [`server_kind`].
fn list_kind(frame: &ListFrame) -> &'static str {
    match frame {
        ListFrame::Conversation(_) => "conversation",
        ListFrame::SignedOut(_) => "signed_out",
        ListFrame::Mention(_) => "mention",
        ListFrame::AccessChanged => "access_changed",
        ListFrame::Gone(_) => "gone",
    }
}

#[wasm_bindgen_test]
fn every_server_frame_reads_as_the_worker_writes_it() {
    let mut kinds = BTreeSet::new();
    for (text, frame) in server_frames() {
        assert_eq!(serde_json::to_string(&frame).unwrap(), text);
        reads(text, frame.clone());
        round_trips(&frame);
        kinds.insert(server_kind(&frame));
    }
    assert_eq!(kinds.len(), 8, "{kinds:?}");
}

#[wasm_bindgen_test]
fn every_frame_to_an_agent_reads_as_the_worker_writes_it() {
    let frames = server_frames()
        .into_iter()
        .map(|(text, frame)| (text, ToAgent::from(frame)))
        .chain(agent_frames());
    let mut kinds = BTreeSet::new();
    for (text, frame) in frames {
        assert_eq!(serde_json::to_string(&frame).unwrap(), text);
        reads(text, frame.clone());
        round_trips(&frame);
        kinds.insert(agent_kind(&frame));
    }
    assert_eq!(kinds.len(), 12, "{kinds:?}");
}

#[wasm_bindgen_test]
fn the_widget_does_not_read_an_agents_frame() {
    for (text, _) in agent_frames() {
        refused::<ServerFrame>(text);
    }
}

#[wasm_bindgen_test]
fn every_list_frame_reads_as_the_worker_writes_it() {
    let mut kinds = BTreeSet::new();
    for (text, frame) in list_frames() {
        assert_eq!(serde_json::to_string(&frame).unwrap(), text);
        reads(&text, frame.clone());
        round_trips(&frame);
        kinds.insert(list_kind(&frame));
    }
    assert_eq!(kinds.len(), 5, "{kinds:?}");
}

#[wasm_bindgen_test]
fn every_client_frame_is_written_as_serde_json_writes_it() {
    let frames = [
        ClientFrame::Send(protocol::api::SendMessage {
            client_id: "a-1".into(),
            body: "hello \"you\" 👋".into(),
            attachment: None,
        }),
        ClientFrame::Send(protocol::api::SendMessage {
            client_id: "a-2".into(),
            body: String::new(),
            attachment: Some("f_1".into()),
        }),
        ClientFrame::Typing { active: true },
        ClientFrame::Read { seq: 9 },
    ];
    for frame in frames {
        round_trips(&frame);
    }
    assert_eq!(
        json::stringify(&ClientFrame::Typing { active: false }).as_deref(),
        Some(r#"{"typing":{"active":false}}"#)
    );
}

#[wasm_bindgen_test]
fn the_widget_config_reads_whole_and_with_every_optional_field_missing() {
    reads(CONFIG, config());
    reads(MINIMAL_CONFIG, minimal_config());
    round_trips(&minimal_config());
    // `UiStrings` is written whole (every word), and read back whole.
    let whole = serde_json::to_string(&config()).unwrap();
    reads(&whole, config());
    // `off_page` is the loader's: never read back.
    let off_page = MINIMAL_CONFIG.replace(r#""site_id""#, r#""off_page":true,"site_id""#);
    reads(&off_page, minimal_config());
    for availability in [
        PublicAvailability::Available {
            typical_reply: None,
        },
        PublicAvailability::Away {
            message: "Back soon".into(),
            away_mode: true,
        },
        PublicAvailability::Offline {
            next_opening: Some(1_700_000_000_000),
            message: Some("Closed".into()),
        },
        PublicAvailability::AtCapacity {
            message: "Busy".into(),
        },
    ] {
        round_trips(&WidgetConfig {
            availability,
            ..config()
        });
    }
}

#[wasm_bindgen_test]
fn the_words_are_read_leniently_but_only_as_strings() {
    reads(
        r#"{"chat":"Chatt","send":"Skicka","typing_one":"{} skriver…"}"#,
        strings(),
    );
    reads(r#"{}"#, UiStrings::default());
    // A name the core has no field for is a part's word (`protocol::i18n::part`): kept, by
    // name, for the part that shows it.
    let with_part = UiStrings {
        more: PartWords(vec![("your_data".into(), "Dina uppgifter".into())]),
        ..strings()
    };
    reads(
        r#"{"chat":"Chatt","send":"Skicka","typing_one":"{} skriver…","your_data":"Dina uppgifter"}"#,
        with_part.clone(),
    );
    assert_eq!(with_part.part("your_data"), "Dina uppgifter");
    assert_eq!(with_part.part("not_sent_by_this_server"), "");
    reads(r#"{"from_a_newer_server":null}"#, UiStrings::default());
    refused::<UiStrings>(r#"{"from_a_newer_server":1}"#);
    refused::<UiStrings>(r#"{"chat":1}"#);
    refused::<UiStrings>(r#"{"chat":null}"#);
    refused::<UiStrings>(r#"["Chatt"]"#);
    refused::<UiStrings>(r#""Chatt""#);
}

#[wasm_bindgen_test]
fn host_messages_read_by_their_type_from_text_or_an_object() {
    reads(r#"{"type":"porchlight.open"}"#, HostToFrame::Open);
    reads(r#"{"type":"porchlight.hidden"}"#, HostToFrame::Hidden);
    reads(
        r#"{"count":3,"type":"porchlight.open","extra":{"deep":[1,null]}}"#,
        HostToFrame::Open,
    );
    refused::<HostToFrame>(r#"{"type":"porchlight.nope"}"#);
    refused::<HostToFrame>(r#"{"kind":"porchlight.open"}"#);
    refused::<HostToFrame>(r#"{"type":null}"#);
    refused::<HostToFrame>(r#"{"type":["porchlight.open"]}"#);
    refused::<HostToFrame>(r#""porchlight.open""#);
    refused::<HostToFrame>(r#"["porchlight.open"]"#);
    // Posted as an object (what the loader does), not as text.
    let open = object(&[("type", "porchlight.open".into())]);
    assert_eq!(json::from_js::<HostToFrame>(open), Some(HostToFrame::Open));
    let odd = object(&[("type", JsValue::from_f64(1.0))]);
    assert_eq!(json::from_js::<HostToFrame>(odd), None);
    assert_eq!(json::from_js::<HostToFrame>(JsValue::UNDEFINED), None);
    assert_eq!(json::from_js::<HostToFrame>(JsValue::NULL), None);
    assert_eq!(json::from_js::<HostToFrame>("porchlight.open".into()), None);
}

#[wasm_bindgen_test]
fn posted_objects_read_like_parsed_ones() {
    // `postMessage` can carry `undefined`, which JSON cannot: an absent optional value.
    let frame = object(&[(
        "error",
        object(&[
            ("code", "rate_limited".into()),
            ("message", "slow down".into()),
            ("client_id", JsValue::UNDEFINED),
        ]),
    )]);
    assert_eq!(
        json::from_js::<ServerFrame>(frame),
        Some(ServerFrame::Error {
            code: ErrorCode::RateLimited,
            message: "slow down".into(),
            client_id: None,
        })
    );
    let undefined_required = object(&[("synced", object(&[("last_seq", JsValue::UNDEFINED)]))]);
    assert_eq!(json::from_js::<ServerFrame>(undefined_required), None);
    // Array objects are not objects of fields.
    let items = Array::of2(&"synced".into(), &JsValue::from_f64(1.0));
    assert_eq!(json::from_js::<ServerFrame>(items.into()), None);
}
