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
use protocol::i18n::{Language, PartWords, UiStrings};
use protocol::reply::{Delivery, DeliveryState, TemplateHeader};
use protocol::settings::availability::{AvailabilityMode, TimeRange};
use protocol::settings::texts::{LanguageSettings, Translation};
use protocol::settings::{ConsentMode, Font, LauncherPosition, TypicalReplyTime};
use protocol::{Attachment, Author, Channel, ConversationStatus, Message, TextLink};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

mod frames;
mod shapes;
mod undecoded;

// ---------------------------------------------------------------------------------------------
// Helpers, shared by the three files: `frames` (every frame kind, both ways), `shapes` (shapes
// that are not the protocol's) and `undecoded` (frames not read are counted and named once).

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
        choices: Vec::new(),
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
        bot_active: true,
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
                choices: Vec::new(),
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
        (r#"{"visitor_changed":{}}"#, ToAgent::VisitorChanged {}),
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
        bot_active: false,
    };
    vec![
        (
            r#"{"conversation":{"id":"c1","site_id":"s1","channel":"whatsapp","status":"open","created_at":1700000000000,"last_message_at":1700000000500,"last_message_preview":"Hej då","last_seq":4,"page_url":"https://shop.example/","consent":{"mode":"explicit","version":2,"at":1700000000000},"contact_name":"Åsa","assignee_id":"ag","last_author":"visitor","inbox_id":"support","team_id":"t1","bot_active":true}}"#.into(),
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
        ask_email_after_ms: Some(300_000),
        attachments: Some(PublicAttachments {
            max_bytes: 10_485_760,
            accept: "image/*,.pdf".into(),
        }),
        off_page: false,
    }
}

const CONFIG: &str = r##"{"site_id":"s1","heading":"Acme \"Support\"","people":[{"id":"ag","name":"Ada"}],"welcome_message":"Hej! \ud83d\udc4b\nHur kan vi hj\u00e4lpa dig?","accent_color":"#112233","accent_text_color":"#ffffff","font":"rounded","launcher_position":"left","prompt_after_ms":5000,"availability":{"available":{"typical_reply":"an_hour"}},"launcher_visible":true,"consent":{"mode":"explicit","text":"We keep what you write.","version":3},"refresh_at":1700000360000,"language":"sv","strings":{"chat":"Chatt","send":"Skicka","typing_one":"{} skriver…"},"ask_email_after_ms":300000,"attachments":{"max_bytes":10485760,"accept":"image/*,.pdf"}}"##;

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
        ask_email_after_ms: None,
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
