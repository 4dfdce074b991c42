//! `client::json` in a real JavaScript engine (Node, through `wasm-bindgen-test-runner`): every
//! frame and body the apps read goes through the browser's `JSON.parse` and our own serde
//! reader over its objects (`client/src/json/reader.rs`), so this is where the reader is held to
//! the protocol's JSON. The JSON is written by hand as the Worker's `serde_json` writes it (the
//! same texts as `protocol`'s own tests), and every value also goes through `serde_json` and
//! back, so a new field or variant is covered without a new test.
//!
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!  cargo test -p porchlight-client --target wasm32-unknown-unknown --no-default-features`
//! (what `cargo xtask test` runs; without `--no-default-features` it also builds Leptos, for
//! nothing here).

#![cfg(target_arch = "wasm32")]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;

use js_sys::{Array, Function, Object, Reflect};
use porchlight_client::json;
use porchlight_client::Undecoded;
use protocol::api::{
    ConsentRecord, ConversationRef, ConversationSummary, CurrentConversation, ErrorCode,
    LastAuthor, Mention, Note, PublicAttachments, PublicAvailability, PublicConsent, ReplyChannel,
    WidgetConfig,
};
use protocol::embed::{FrameToHost, HostToFrame, SdkEvent};
use protocol::frame::{AgentRef, ClientFrame, ListFrame, ServerFrame, SignedOut, ToAgent};
use protocol::i18n::{Language, UiStrings};
use protocol::reply::{Delivery, DeliveryState, TemplateHeader};
use protocol::settings::availability::{AvailabilityMode, TimeRange};
use protocol::settings::texts::{LanguageSettings, Translation};
use protocol::settings::{ConsentMode, Font, LauncherPosition, TypicalReplyTime};
use protocol::{Attachment, Author, Channel, ConversationStatus, Message, TextLink};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

// ---------------------------------------------------------------------------------------------
// Helpers

/// `value` as the Worker writes it (`serde_json`) reads back as itself; our own encoding
/// (`json::stringify`, what the apps send) writes the same text, which reads back too.
fn round_trips<T>(value: &T)
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let text = serde_json::to_string(value).unwrap();
    assert_eq!(json::parse::<T>(&text).as_ref(), Some(value), "{text}");
    let ours = json::stringify(value).expect("stringify");
    assert_eq!(ours, text, "json::stringify writes what serde_json writes");
    assert_eq!(json::parse::<T>(&ours).as_ref(), Some(value), "{ours}");
}

/// `text` reads as `expected`.
#[track_caller]
fn reads<T: DeserializeOwned + PartialEq + Debug>(text: &str, expected: T) {
    assert_eq!(json::parse::<T>(text), Some(expected), "{text}");
}

/// `text` does not read as `T`.
#[track_caller]
fn refused<T: DeserializeOwned + Debug>(text: &str) {
    let read = json::parse::<T>(text);
    assert!(read.is_none(), "{text} was read as {read:?}");
}

fn ada() -> AgentRef {
    AgentRef {
        id: "ag".into(),
        name: "Ada".into(),
    }
}

fn agent() -> Author {
    Author::Agent {
        id: "ag".into(),
        name: "Ada".into(),
    }
}

fn message() -> Message {
    Message {
        seq: 3,
        client_id: "c".into(),
        author: agent(),
        body: "see https://x.org".into(),
        links: vec![TextLink {
            text: "https://x.org".into(),
            href: "https://x.org".into(),
        }],
        attachment: Some(Attachment {
            id: "f_1".into(),
            name: "cat.png".into(),
            content_type: "image/png".into(),
            size: 68,
        }),
        sent_at: 1_700_000_000_000,
    }
}

const ATTACHMENT: &str = r#"{"id":"f_1","name":"cat.png","content_type":"image/png","size":68}"#;

const MESSAGE: &str = r#"{"message":{"seq":3,"client_id":"c","author":{"agent":{"id":"ag","name":"Ada"}},"body":"see https://x.org","links":[{"text":"https://x.org","href":"https://x.org"}],"attachment":{"id":"f_1","name":"cat.png","content_type":"image/png","size":68},"sent_at":1700000000000}}"#;

fn note() -> Note {
    Note {
        id: 1,
        client_id: "n".into(),
        author: ada(),
        body: "@Ada look".into(),
        links: Vec::new(),
        mentions: vec![ada()],
        after_seq: 3,
        at: 1_700_000_000_002,
    }
}

fn summary() -> ConversationSummary {
    ConversationSummary {
        id: "c1".into(),
        site_id: "s1".into(),
        channel: Channel::WhatsApp,
        status: ConversationStatus::Open,
        created_at: 1_700_000_000_000,
        last_message_at: 1_700_000_000_500,
        last_message_preview: "Hej då".into(),
        last_seq: 4,
        page_url: Some("https://shop.example/".into()),
        consent: Some(ConsentRecord {
            mode: ConsentMode::Explicit,
            version: 2,
            at: 1_700_000_000_000,
        }),
        contact_name: Some("Åsa".into()),
        assignee_id: Some("ag".into()),
        last_author: Some(LastAuthor::Visitor),
        inbox_id: "support".into(),
        team_id: Some("t1".into()),
    }
}

/// Every frame a conversation socket carries down, as the Worker writes it, beside its value.
fn server_frames() -> Vec<(&'static str, ServerFrame)> {
    vec![
        (MESSAGE, ServerFrame::Message(message())),
        (
            r#"{"message":{"seq":4,"client_id":"v","author":"visitor","body":"hi","sent_at":1700000000001}}"#,
            ServerFrame::Message(Message {
                seq: 4,
                client_id: "v".into(),
                author: Author::Visitor,
                body: "hi".into(),
                links: Vec::new(),
                attachment: None,
                sent_at: 1_700_000_000_001,
            }),
        ),
        (
            r#"{"ack":{"client_id":"c","seq":3,"duplicate":true}}"#,
            ServerFrame::Ack {
                client_id: "c".into(),
                seq: 3,
                duplicate: true,
            },
        ),
        (
            r#"{"synced":{"last_seq":3}}"#,
            ServerFrame::Synced { last_seq: 3 },
        ),
        (
            r#"{"status":{"status":"closed"}}"#,
            ServerFrame::Status {
                status: ConversationStatus::Closed,
            },
        ),
        (
            r#"{"typing":{"author":"visitor","active":true}}"#,
            ServerFrame::Typing {
                author: Author::Visitor,
                active: true,
            },
        ),
        (
            r#"{"read":{"by":{"agent":{"id":"ag","name":"Ada"}},"seq":2}}"#,
            ServerFrame::Read {
                by: agent(),
                seq: 2,
            },
        ),
        (
            r#"{"agents":{"present":[{"id":"ag","name":"Ada"}]}}"#,
            ServerFrame::Agents {
                present: vec![ada()],
            },
        ),
        (
            r#"{"agents":{"present":[]}}"#,
            ServerFrame::Agents {
                present: Vec::new(),
            },
        ),
        (
            r#"{"error":{"code":"empty_message","message":"empty","client_id":"c"}}"#,
            ServerFrame::Error {
                code: ErrorCode::EmptyMessage,
                message: "empty".into(),
                client_id: Some("c".into()),
            },
        ),
        (
            r#"{"error":{"code":"conversation_closed","message":"closed"}}"#,
            ServerFrame::Error {
                code: ErrorCode::ConversationClosed,
                message: "closed".into(),
                client_id: None,
            },
        ),
    ]
}

/// The frames only agents' conversation sockets carry.
fn agent_frames() -> Vec<(&'static str, ToAgent)> {
    vec![
        (
            r#"{"note":{"id":1,"client_id":"n","author":{"id":"ag","name":"Ada"},"body":"@Ada look","mentions":[{"id":"ag","name":"Ada"}],"after_seq":3,"at":1700000000002}}"#,
            ToAgent::Note(note()),
        ),
        (
            r#"{"delivery":{"seq":3,"state":"failed","error":"Outside the 24-hour window.","at":1700000000003}}"#,
            ToAgent::Delivery(Delivery {
                seq: 3,
                state: DeliveryState::Failed,
                error: Some("Outside the 24-hour window.".into()),
                at: 1_700_000_000_003,
            }),
        ),
        (
            r#"{"delivery":{"seq":3,"state":"read","at":1700000000004}}"#,
            ToAgent::Delivery(Delivery {
                seq: 3,
                state: DeliveryState::Read,
                error: None,
                at: 1_700_000_000_004,
            }),
        ),
        (
            r#"{"reach":{"visitor_present":false,"reply_by":"email"}}"#,
            ToAgent::Reach {
                visitor_present: false,
                reply_by: ReplyChannel::Email,
            },
        ),
    ]
}

/// Every frame of an agent's list socket, as the Worker writes it.
fn list_frames() -> Vec<(String, ListFrame)> {
    let minimal = ConversationSummary {
        id: "c2".into(),
        site_id: "s1".into(),
        channel: Channel::Chat,
        status: ConversationStatus::Closed,
        created_at: 1,
        last_message_at: 2,
        last_message_preview: String::new(),
        last_seq: 0,
        page_url: None,
        consent: None,
        contact_name: None,
        assignee_id: None,
        last_author: None,
        inbox_id: "default".into(),
        team_id: None,
    };
    vec![
        (
            r#"{"conversation":{"id":"c1","site_id":"s1","channel":"whatsapp","status":"open","created_at":1700000000000,"last_message_at":1700000000500,"last_message_preview":"Hej då","last_seq":4,"page_url":"https://shop.example/","consent":{"mode":"explicit","version":2,"at":1700000000000},"contact_name":"Åsa","assignee_id":"ag","last_author":"visitor","inbox_id":"support","team_id":"t1"}}"#.into(),
            ListFrame::Conversation(summary()),
        ),
        (
            r#"{"conversation":{"id":"c2","site_id":"s1","channel":"chat","status":"closed","created_at":1,"last_message_at":2,"last_message_preview":"","last_seq":0,"inbox_id":"default"}}"#.into(),
            ListFrame::Conversation(minimal),
        ),
        (r#"{"signed_out":"everywhere"}"#.into(), ListFrame::SignedOut(SignedOut::Everywhere)),
        (r#"{"signed_out":"removed"}"#.into(), ListFrame::SignedOut(SignedOut::Removed)),
        (r#"{"signed_out":"ended"}"#.into(), ListFrame::SignedOut(SignedOut::Ended)),
        (
            format!(
                r#"{{"mention":{{"conversation_id":"c1","note":{}}}}}"#,
                &agent_frames()[0].0[8..agent_frames()[0].0.len() - 1]
            ),
            ListFrame::Mention(Mention {
                conversation_id: "c1".into(),
                note: note(),
            }),
        ),
        (r#""access_changed""#.into(), ListFrame::AccessChanged),
        (r#"{"gone":"c1"}"#.into(), ListFrame::Gone("c1".into())),
    ]
}

/// The words of a config, read leniently: only some are given.
fn strings() -> UiStrings {
    UiStrings {
        chat: "Chatt".into(),
        send: "Skicka".into(),
        typing_one: "{} skriver…".into(),
        ..UiStrings::default()
    }
}

fn config() -> WidgetConfig {
    WidgetConfig {
        site_id: "s1".into(),
        heading: "Acme \"Support\"".into(),
        people: vec![ada()],
        welcome_message: "Hej! 👋\nHur kan vi hjälpa dig?".into(),
        accent_color: "#112233".into(),
        accent_text_color: "#ffffff".into(),
        font: Font::Rounded,
        launcher_position: LauncherPosition::Left,
        prompt_after_ms: Some(5_000),
        availability: PublicAvailability::Available {
            typical_reply: Some(TypicalReplyTime::AnHour),
        },
        launcher_visible: true,
        consent: Some(PublicConsent {
            mode: ConsentMode::Explicit,
            text: "We keep what you write.".into(),
            version: 3,
        }),
        refresh_at: Some(1_700_000_360_000),
        language: Language::Sv,
        strings: strings(),
        attachments: Some(PublicAttachments {
            max_bytes: 10_485_760,
            accept: "image/*,.pdf".into(),
        }),
        off_page: false,
    }
}

const CONFIG: &str = r##"{"site_id":"s1","heading":"Acme \"Support\"","people":[{"id":"ag","name":"Ada"}],"welcome_message":"Hej! \ud83d\udc4b\nHur kan vi hj\u00e4lpa dig?","accent_color":"#112233","accent_text_color":"#ffffff","font":"rounded","launcher_position":"left","prompt_after_ms":5000,"availability":{"available":{"typical_reply":"an_hour"}},"launcher_visible":true,"consent":{"mode":"explicit","text":"We keep what you write.","version":3},"refresh_at":1700000360000,"language":"sv","strings":{"chat":"Chatt","send":"Skicka","typing_one":"{} skriver…"},"attachments":{"max_bytes":10485760,"accept":"image/*,.pdf"}}"##;

const MINIMAL_CONFIG: &str = r##"{"site_id":"s1","heading":"Acme","welcome_message":"Hi","accent_color":"#112233","accent_text_color":"#000000","font":"system","launcher_position":"right","availability":{"offline":{}},"launcher_visible":false,"language":"en","strings":{}}"##;

fn minimal_config() -> WidgetConfig {
    WidgetConfig {
        site_id: "s1".into(),
        heading: "Acme".into(),
        people: Vec::new(),
        welcome_message: "Hi".into(),
        accent_color: "#112233".into(),
        accent_text_color: "#000000".into(),
        font: Font::System,
        launcher_position: LauncherPosition::Right,
        prompt_after_ms: None,
        availability: PublicAvailability::Offline {
            next_opening: None,
            message: None,
        },
        launcher_visible: false,
        consent: None,
        refresh_at: None,
        language: Language::En,
        strings: UiStrings::default(),
        attachments: None,
        off_page: false,
    }
}

/// A conversation frame with `field` of its `ack` set to `value` (raw JSON).
fn ack_with(field: &str, value: &str) -> String {
    let mut fields = vec![
        ("client_id", r#""c""#),
        ("seq", "3"),
        ("duplicate", "false"),
    ];
    for (name, v) in &mut fields {
        if *name == field {
            *v = value;
        }
    }
    let body: Vec<String> = fields
        .iter()
        .map(|(name, v)| format!(r#""{name}":{v}"#))
        .collect();
    format!(r#"{{"ack":{{{}}}}}"#, body.join(","))
}

/// A plain JavaScript object with these properties (what `postMessage` hands the frame).
fn object(properties: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (name, value) in properties {
        Reflect::set(&object, &JsValue::from_str(name), value).unwrap();
    }
    object.into()
}

// ---------------------------------------------------------------------------------------------
// Every frame kind, both ways

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
    assert_eq!(kinds.len(), 11, "{kinds:?}");
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
        r#"{"chat":"Chatt","send":"Skicka","typing_one":"{} skriver…","from_a_newer_server":"x"}"#,
        strings(),
    );
    reads(r#"{}"#, UiStrings::default());
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

// ---------------------------------------------------------------------------------------------
// Shapes that are not the protocol's

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

// ---------------------------------------------------------------------------------------------
// Frames that are not read are counted and named once

/// Runs `during` with `console.warn` recording its calls; returns each call's arguments.
fn warnings(during: impl FnOnce()) -> Vec<Vec<JsValue>> {
    let install = Function::new_no_args(
        "const seen = []; const warn = console.warn; \
         console.warn = (...args) => { seen.push(args); }; \
         return () => { console.warn = warn; return seen; };",
    );
    let restore: Function = install.call0(&JsValue::NULL).unwrap().into();
    during();
    let seen: Array = restore.call0(&JsValue::NULL).unwrap().into();
    seen.iter()
        .map(|call| Array::from(&call).iter().collect())
        .collect()
}

#[wasm_bindgen_test]
fn an_unreadable_frame_is_counted_and_only_the_first_is_named() {
    let secret = r#"{"launch":{"note":"Ada's address is 1 Main St"}}"#;
    let undecoded = Undecoded::default();
    let seen = warnings(|| {
        undecoded.report(secret);
        undecoded.report(r#"{"type":"porchlight.new"}"#);
        undecoded.report("not json");
    });
    assert_eq!(undecoded.get(), 3);
    assert_eq!(seen.len(), 1, "only the first is logged");
    let call = &seen[0];
    assert_eq!(call.len(), 3);
    assert!(call[0].as_string().unwrap().starts_with("porchlight:"));
    assert_eq!(call[1].as_string().as_deref(), Some("launch"));
    assert_eq!(call[2].as_f64(), Some(secret.len() as f64));
    for argument in call {
        let shown = js_sys::JSON::stringify(argument).unwrap().as_string();
        assert!(!shown.unwrap_or_default().contains("Ada"), "{argument:?}");
    }
}

#[wasm_bindgen_test]
fn each_socket_names_its_own_first_unreadable_frame() {
    let kinds = [
        (
            r#"{"type":"porchlight.new","data":"x"}"#,
            Some("porchlight.new"),
        ),
        (r#"{"launch":{}}"#, Some("launch")),
        (r#"{"type":5,"launch":{}}"#, None),
        (r#"{"a":1,"b":2}"#, None),
        (r#"{}"#, None),
        (r#"["launch"]"#, None),
        (r#""launch""#, None),
        ("3", None),
        ("null", None),
        ("not json at all", None),
    ];
    for (text, kind) in kinds {
        let seen = warnings(|| Undecoded::default().report(text));
        assert_eq!(seen.len(), 1, "{text}");
        assert_eq!(seen[0][1].as_string().as_deref(), kind, "{text}");
        assert!(
            seen[0][1].is_string() || seen[0][1].is_undefined(),
            "{text}"
        );
        assert_eq!(seen[0][2].as_f64(), Some(text.len() as f64), "{text}");
    }
}

#[wasm_bindgen_test]
fn a_frame_that_is_read_is_not_counted() {
    // What the sockets do with each text frame: decode, or report.
    let undecoded = Undecoded::default();
    let seen = warnings(|| {
        for (text, _) in server_frames() {
            if json::parse::<ServerFrame>(text).is_none() {
                undecoded.report(text);
            }
        }
    });
    assert_eq!(undecoded.get(), 0);
    assert!(seen.is_empty());
}
