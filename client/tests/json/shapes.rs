//! Shapes that are not the protocol's.

use super::*;

#[wasm_bindgen_test]
fn missing_optional_fields_are_none_or_their_default() {
    reads(
        r#"{"error":{"code":"internal","message":"oops"}}"#,
        ServerFrame::Error {
            code: ErrorCode::Internal,
            message: "oops".into(),
            client_id: None,
        },
    );
    reads(
        r#"{"delivery":{"seq":1,"state":"queued","at":5}}"#,
        ToAgent::Delivery(Delivery {
            seq: 1,
            state: DeliveryState::Queued,
            error: None,
            at: 5,
        }),
    );
    // A row from before inboxes is in the default one.
    reads(
        r#"{"conversation":{"id":"c2","site_id":"s1","channel":"chat","status":"closed","created_at":1,"last_message_at":2,"last_message_preview":"","last_seq":0}}"#,
        list_frames()[1].1.clone(),
    );
    reads(
        r#"{"conversation":{"id":"r","status":"open","last_seq":2}}"#,
        CurrentConversation {
            conversation: Some(ConversationRef {
                id: "r".into(),
                status: ConversationStatus::Open,
                last_seq: 2,
            }),
            owner: None,
        },
    );
    // Even an `Option` without `#[serde(default)]` may be missing: serde reads it as none.
    reads(
        r#"{}"#,
        CurrentConversation {
            conversation: None,
            owner: None,
        },
    );
}

#[wasm_bindgen_test]
fn null_for_an_optional_value_is_none() {
    reads(
        r#"{"error":{"code":"internal","message":"oops","client_id":null}}"#,
        ServerFrame::Error {
            code: ErrorCode::Internal,
            message: "oops".into(),
            client_id: None,
        },
    );
    reads(
        r#"{"conversation":null,"owner":null}"#,
        CurrentConversation {
            conversation: None,
            owner: None,
        },
    );
    let mut plain = message();
    plain.attachment = None;
    let text = MESSAGE.replace(ATTACHMENT, "null");
    reads(&text, ServerFrame::Message(plain));
}

#[wasm_bindgen_test]
fn a_missing_required_field_refuses_the_frame() {
    for field in ["client_id", "seq", "duplicate"] {
        let text = ack_with(field, "DROP").replace(&format!(r#","{field}":DROP"#), "");
        let text = text.replace(&format!(r#""{field}":DROP,"#), "");
        assert!(!text.contains(field), "{text}");
        refused::<ServerFrame>(&text);
        refused::<ToAgent>(&text);
    }
    refused::<ServerFrame>(r#"{"synced":{}}"#);
    refused::<ServerFrame>(r#"{"error":{"code":"internal"}}"#);
    refused::<ServerFrame>(r#"{"agents":{}}"#);
    refused::<ServerFrame>(
        r#"{"message":{"seq":4,"client_id":"v","author":"visitor","body":"hi"}}"#,
    );
    refused::<ServerFrame>(
        r#"{"message":{"seq":4,"client_id":"v","author":{"agent":{"id":"ag"}},"body":"hi","sent_at":1}}"#,
    );
    refused::<ListFrame>(r#"{"conversation":{"id":"c2"}}"#);
    refused::<WidgetConfig>(&MINIMAL_CONFIG.replace(r#","strings":{}"#, ""));
    refused::<WidgetConfig>(&MINIMAL_CONFIG.replace(r#""launcher_visible":false,"#, ""));
}

#[wasm_bindgen_test]
fn unknown_fields_are_ignored_wherever_they_are() {
    reads(
        r#"{"synced":{"last_seq":3,"newer":{"a":[1,2,{"b":null}]},"flag":true}}"#,
        ServerFrame::Synced { last_seq: 3 },
    );
    reads(
        r#"{"typing":{"author":{"agent":{"id":"ag","name":"Ada","avatar":"a.png"}},"active":false,"since":9007199254740993}}"#,
        ServerFrame::Typing {
            author: agent(),
            active: false,
        },
    );
    let text = MESSAGE.replace(r#""size":68"#, r#""size":68,"sha":"abc","w":1.5"#);
    reads(&text, ServerFrame::Message(message()));
    let text = MINIMAL_CONFIG.replace(r#""site_id""#, r#""theme":{"dark":true},"site_id""#);
    reads(&text, minimal_config());
}

#[wasm_bindgen_test]
fn a_value_of_the_wrong_type_refuses_the_frame() {
    let wrong = [
        // A string for a number, a number for a string, a number for a boolean.
        ("seq", r#""3""#),
        ("client_id", "3"),
        ("duplicate", "1"),
        ("duplicate", r#""true""#),
        // An array or an object for a scalar.
        ("seq", "[3]"),
        ("client_id", r#"["c"]"#),
        ("seq", r#"{"n":3}"#),
        // null where a value is required.
        ("seq", "null"),
        ("client_id", "null"),
        ("duplicate", "null"),
    ];
    for (field, value) in wrong {
        let text = ack_with(field, value);
        refused::<ServerFrame>(&text);
        refused::<ToAgent>(&text);
    }
    // An array for an object, an object for an array, a string for an enum's object.
    refused::<ServerFrame>(r#"{"synced":[3]}"#);
    refused::<ServerFrame>(r#"{"agents":{"present":{"id":"ag","name":"Ada"}}}"#);
    refused::<ServerFrame>(r#"{"agents":{"present":"Ada"}}"#);
    refused::<ServerFrame>(r#"{"agents":{"present":[null]}}"#);
    refused::<ServerFrame>(&MESSAGE.replace(r#""links":[{"#, r#""links":null,"x":[{"#));
    refused::<ServerFrame>(&MESSAGE.replace(ATTACHMENT, &format!("[{ATTACHMENT}]")));
    refused::<ServerFrame>(r#"{"read":{"by":["agent"],"seq":2}}"#);
    refused::<ServerFrame>(r#"{"read":{"by":{"agent":"Ada"},"seq":2}}"#);
    refused::<ServerFrame>(r#"{"status":{"status":true}}"#);
    refused::<ListFrame>(r#"{"gone":5}"#);
    refused::<ListFrame>(r#"{"gone":null}"#);
    refused::<ListFrame>(r#"{"gone":["c1"]}"#);
    refused::<ListFrame>(r#"{"signed_out":true}"#);
    refused::<ListFrame>(r#"{"signed_out":{"removed":1}}"#);
    refused::<WidgetConfig>(&MINIMAL_CONFIG.replace(r#""language":"en""#, r#""language":"xx""#));
    refused::<WidgetConfig>(&MINIMAL_CONFIG.replace(r#""strings":{}"#, r#""strings":[]"#));
    refused::<WidgetConfig>(
        &MINIMAL_CONFIG.replace(r#""launcher_visible":false"#, r#""launcher_visible":0"#),
    );
    // The whole frame of another kind of value.
    for text in [
        "null",
        "3",
        "true",
        r#""synced""#,
        "[]",
        r#"[{"synced":{"last_seq":3}}]"#,
    ] {
        refused::<ServerFrame>(text);
        refused::<ListFrame>(text);
    }
}

#[wasm_bindgen_test]
fn text_that_is_not_json_is_refused() {
    for text in [
        "",
        " ",
        "{",
        r#"{"synced":{"last_seq":3}"#,
        r#"{"synced":{"last_seq":3}}}"#,
        r#"{'synced':{'last_seq':3}}"#,
        r#"{"synced":{"last_seq":03}}"#,
        r#"{"synced":{"last_seq":NaN}}"#,
        r#"{"synced":{"last_seq":3,}}"#,
        "undefined",
        "\u{feff}{}",
    ] {
        refused::<ServerFrame>(text);
    }
}

#[wasm_bindgen_test]
fn integers_are_whole_numbers_that_javascript_holds_exactly() {
    let synced = |n: &str| format!(r#"{{"synced":{{"last_seq":{n}}}}}"#);
    let last_seq = |last_seq| ServerFrame::Synced { last_seq };
    reads(&synced("0"), last_seq(0));
    reads(&synced("-0"), last_seq(0));
    reads(&synced("9007199254740991"), last_seq(9_007_199_254_740_991));
    // What JSON.parse makes of these is a whole number; it cannot tell `3.0` from `3`.
    reads(&synced("3.0"), last_seq(3));
    reads(&synced("1e2"), last_seq(100));
    // Past 2^53 - 1 a JavaScript number is not exact: refused, not rounded.
    refused::<ServerFrame>(&synced("9007199254740992"));
    refused::<ServerFrame>(&synced("9007199254740993"));
    refused::<ServerFrame>(&synced("18446744073709551615"));
    refused::<ServerFrame>(&synced("1e300"));
    refused::<ServerFrame>(&synced("1e400"));
    // Not whole, or negative for an unsigned field.
    refused::<ServerFrame>(&synced("3.5"));
    refused::<ServerFrame>(&synced("0.1"));
    refused::<ServerFrame>(&synced("-1"));
    refused::<ServerFrame>(&synced("-1e-7"));
    // Signed fields take negative numbers, within the same bounds.
    let delivered = |at: &str| format!(r#"{{"delivery":{{"seq":1,"state":"sent","at":{at}}}}}"#);
    let at = |at| {
        ToAgent::Delivery(Delivery {
            seq: 1,
            state: DeliveryState::Sent,
            error: None,
            at,
        })
    };
    reads(&delivered("-1700000000000"), at(-1_700_000_000_000));
    reads(&delivered("-9007199254740991"), at(-9_007_199_254_740_991));
    refused::<ToAgent>(&delivered("-9007199254740992"));
    refused::<ToAgent>(&delivered("1.5"));
    // Narrower fields: within their own range.
    let consent =
        |version: &str| format!(r#"{{"mode":"implicit","text":"t","version":{version}}}"#);
    let public = |version| PublicConsent {
        mode: ConsentMode::Implicit,
        text: "t".into(),
        version,
    };
    reads(&consent("4294967295"), public(u32::MAX));
    refused::<PublicConsent>(&consent("4294967296"));
    refused::<PublicConsent>(&consent("-1"));
    refused::<PublicConsent>(&consent("2.5"));
    let range = |start: &str| format!(r#"{{"start":{start},"end":1440}}"#);
    reads(
        &range("65535"),
        TimeRange {
            start: 65535,
            end: 1440,
        },
    );
    refused::<TimeRange>(&range("65536"));
}

#[wasm_bindgen_test]
fn strings_keep_every_character_and_escape() {
    let body = |escaped: &str| {
        format!(
            r#"{{"message":{{"seq":1,"client_id":"c","author":"visitor","body":"{escaped}","sent_at":1}}}}"#
        )
    };
    let with_body = |body: &str| {
        ServerFrame::Message(Message {
            seq: 1,
            client_id: "c".into(),
            author: Author::Visitor,
            body: body.into(),
            links: Vec::new(),
            attachment: None,
            choices: Vec::new(),
            sent_at: 1,
        })
    };
    let cases = [
        (r#"plain"#, "plain"),
        (r#""#, ""),
        (
            r#"Åsa, Zoë, Łódź, 東京, مرحبا"#,
            "Åsa, Zoë, Łódź, 東京, مرحبا",
        ),
        (r#"\u00c5sa \u6771\u4eac"#, "Åsa 東京"),
        (r#"👋🏽 👨‍👩‍👧"#, "👋🏽 👨‍👩‍👧"),
        (r#"\ud83d\udc4b"#, "👋"),
        (r#"a\"b\\c\/d"#, "a\"b\\c/d"),
        (r#"line\nnext\r\ttab\b\f"#, "line\nnext\r\ttab\u{8}\u{c}"),
        (r#"nul\u0000byte"#, "nul\0byte"),
        (r#"<script>alert(1)</script>"#, "<script>alert(1)</script>"),
        ("\u{2028}\u{2029}", "\u{2028}\u{2029}"),
    ];
    for (escaped, text) in cases {
        reads(&body(escaped), with_body(text));
        round_trips(&with_body(text));
    }
    // A lone surrogate is not Unicode: JSON.parse keeps it, and it arrives replaced.
    reads(&body(r#"\ud800!"#), with_body("\u{fffd}!"));
    // A raw control character is not JSON.
    refused::<ServerFrame>(&body("a\nb"));
    // Names are matched exactly.
    refused::<ServerFrame>(r#"{"Synced":{"last_seq":3}}"#);
    refused::<ServerFrame>(r#"{"synced":{"Last_seq":3}}"#);
    refused::<ServerFrame>(r#"{"synced ":{"last_seq":3}}"#);
}

#[wasm_bindgen_test]
fn options_nest() {
    /// Not a protocol type: nothing there nests options this deep, but the reader must.
    #[derive(Debug, PartialEq, Deserialize)]
    struct Nested {
        #[serde(default)]
        twice: Option<Option<u32>>,
        #[serde(default)]
        items: Option<Vec<Option<String>>>,
        inner: Option<Inner>,
    }
    #[derive(Debug, PartialEq, Deserialize)]
    struct Inner {
        value: Option<u32>,
    }
    let nested = |twice, items, inner| Nested {
        twice,
        items,
        inner,
    };
    reads(r#"{}"#, nested(None, None, None));
    reads(
        r#"{"twice":null,"items":null,"inner":null}"#,
        nested(None, None, None),
    );
    reads(
        r#"{"twice":5,"items":[null,"a"],"inner":{}}"#,
        nested(
            Some(Some(5)),
            Some(vec![None, Some("a".into())]),
            Some(Inner { value: None }),
        ),
    );
    reads(
        r#"{"items":[],"inner":{"value":7}}"#,
        nested(None, Some(Vec::new()), Some(Inner { value: Some(7) })),
    );
    refused::<Nested>(r#"{"twice":"5"}"#);
    refused::<Nested>(r#"{"items":[1]}"#);
    refused::<Nested>(r#"{"inner":{"value":-1}}"#);
    // The protocol's: an option in an enum's struct in a config.
    let offline = MINIMAL_CONFIG.replace(
        r#"{"offline":{}}"#,
        r#"{"offline":{"next_opening":1700000000000,"message":null}}"#,
    );
    reads(
        &offline,
        WidgetConfig {
            availability: PublicAvailability::Offline {
                next_opening: Some(1_700_000_000_000),
                message: None,
            },
            ..minimal_config()
        },
    );
}

#[wasm_bindgen_test]
fn externally_tagged_enums_take_one_variant() {
    // A unit variant by its name (or, as serde_json also takes it, as an object of null).
    reads(r#""visitor""#, Author::Visitor);
    reads(r#"{"visitor":null}"#, Author::Visitor);
    reads(r#""access_changed""#, ListFrame::AccessChanged);
    reads(r#"{"access_changed":null}"#, ListFrame::AccessChanged);
    // …but not with content, which it has none of.
    refused::<Author>(r#"{"visitor":{}}"#);
    refused::<Author>(r#"{"visitor":"x"}"#);
    refused::<ListFrame>(r#"{"access_changed":true}"#);
    // Other variants only as `{"name": content}`.
    refused::<Author>(r#""agent""#);
    refused::<ServerFrame>(r#""synced""#);
    refused::<ListFrame>(r#""gone""#);
    refused::<ListFrame>(r#""signed_out""#);
    // Exactly one variant.
    refused::<ServerFrame>(r#"{}"#);
    refused::<ServerFrame>(r#"{"synced":{"last_seq":3},"status":{"status":"open"}}"#);
    refused::<ServerFrame>(r#"{"launch_missiles":{}}"#);
    refused::<ServerFrame>(r#"{"type":"synced","last_seq":3}"#);
    refused::<ConversationStatus>(r#""archived""#);
    refused::<ConversationStatus>(r#""Open""#);
    reads(r#""whatsapp""#, Channel::WhatsApp);
    refused::<Channel>(r#""whats_app""#);
    refused::<SignedOut>(r#"0"#);
    refused::<SignedOut>(r#"["removed"]"#);
    // A struct variant's fields only as an object, like a struct's (serde_json would also
    // take them in order, as an array: no writer of ours does).
    refused::<ServerFrame>(r#"{"synced":[3]}"#);
    refused::<ServerFrame>(r#"{"ack":["c",3,false]}"#);
}

#[wasm_bindgen_test]
fn internally_and_adjacently_tagged_enums_read_through_their_tag() {
    // The frame's messages to the loader: `{"type": …}` with the fields beside it.
    reads(r#"{"type":"porchlight.ready"}"#, FrameToHost::Ready);
    reads(
        r#"{"count":3,"type":"porchlight.unread","x":[1]}"#,
        FrameToHost::Unread { count: 3 },
    );
    round_trips(&FrameToHost::Unread { count: 3 });
    round_trips(&FrameToHost::Close);
    refused::<FrameToHost>(r#"{"type":"porchlight.unread"}"#);
    refused::<FrameToHost>(r#"{"type":"porchlight.unread","count":"3"}"#);
    refused::<FrameToHost>(r#"{"type":"porchlight.unread","count":3.5}"#);
    refused::<FrameToHost>(r#"{"type":"porchlight.unread","count":-1}"#);
    refused::<FrameToHost>(r#"{"type":"porchlight.unread","count":4294967296}"#);
    refused::<FrameToHost>(r#"{"type":"porchlight.unread","count":9007199254740993}"#);
    refused::<FrameToHost>(r#"{"type":"porchlight.unread","count":null}"#);
    refused::<FrameToHost>(r#"{"type":"porchlight.launch"}"#);
    refused::<FrameToHost>(r#"{"type":3}"#);
    refused::<FrameToHost>(r#"{"count":3}"#);
    refused::<FrameToHost>(r#""porchlight.ready""#);
    // A WhatsApp template's header (the inbox): `{"kind": …}`.
    reads(
        r#"{"kind":"text","text":"Hi {{1}}","param":"1"}"#,
        TemplateHeader::Text {
            text: "Hi {{1}}".into(),
            param: "1".into(),
        },
    );
    reads(r#"{"kind":"image"}"#, TemplateHeader::Image);
    refused::<TemplateHeader>(r#"{"kind":"text","text":"Hi"}"#);
    // A newtype variant of a struct, with a set of dates and ranges of `u16`.
    let hours = r#"{"kind":"business_hours","time_zone":"Europe/Stockholm","weekly":{"monday":[{"start":540,"end":1050}]},"holidays":["2026-12-24","2026-12-25"]}"#;
    let Some(AvailabilityMode::BusinessHours(read)) = json::parse::<AvailabilityMode>(hours) else {
        panic!("business hours not read");
    };
    assert_eq!(read.time_zone, "Europe/Stockholm");
    assert_eq!(
        read.weekly.monday,
        vec![TimeRange {
            start: 540,
            end: 1050
        }]
    );
    assert_eq!(read.holidays.len(), 2);
    round_trips(&AvailabilityMode::BusinessHours(read));
    reads(r#"{"kind":"always_on"}"#, AvailabilityMode::AlwaysOn);
    refused::<AvailabilityMode>(&hours.replace("540", "70000"));
    refused::<AvailabilityMode>(&hours.replace("2026-12-24", "2026-13-24"));
    // The SDK's events: `{"name": …, "data": {…}}`.
    let started = SdkEvent::ConversationStarted {
        conversation: protocol::embed::ConversationRef { id: "c1".into() },
    };
    reads(
        r#"{"name":"conversationStarted","data":{"conversation":{"id":"c1"}}}"#,
        started.clone(),
    );
    round_trips(&started);
    round_trips(&SdkEvent::UserInteractedWithWidget {});
    refused::<SdkEvent>(r#"{"name":"conversationStarted","data":{}}"#);
}

#[wasm_bindgen_test]
fn maps_keyed_by_an_enum_read_their_keys_as_names() {
    reads(
        r#"{"default":"en","translations":{"sv":{"welcome_message":"Hej"},"de":{}}}"#,
        LanguageSettings {
            fixed: None,
            default: Language::En,
            translations: BTreeMap::from([
                (
                    Language::Sv,
                    Translation {
                        welcome_message: Some("Hej".into()),
                        ..Translation::default()
                    },
                ),
                (Language::De, Translation::default()),
            ]),
        },
    );
    refused::<LanguageSettings>(r#"{"translations":{"xx":{}}}"#);
    refused::<LanguageSettings>(r#"{"translations":[{}]}"#);
}
