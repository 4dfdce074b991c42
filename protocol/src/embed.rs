//! `postMessage` messages between the host-page loader (JavaScript, `embed/`) and the widget
//! frame (Leptos). Each is a JSON object tagged by `type`; every tag starts with `porchlight.` so
//! a host page's own messages are never mistaken for ours.
//!
//! Both sides check `event.origin` (and the loader also `event.source`) before reading a message,
//! and post with an explicit target origin, never `'*'`.
//!
//! The loader cannot compile against this crate, so `embed/src/wire.js` is generated from these
//! enums and the frame's URL parameters ([`frame_param`]) by [`wire_js`]; a test fails when the
//! committed file has drifted.

use serde::{Deserialize, Serialize};

/// Sent by the widget frame to the host page's loader.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum FrameToHost {
    /// The widget has mounted and listens for [`HostToFrame`] messages.
    #[serde(rename = "porchlight.ready")]
    Ready,
    /// The visitor closed the chat from inside the frame.
    #[serde(rename = "porchlight.close")]
    Close,
    /// Messages the visitor has not seen yet (for the launcher's badge).
    #[serde(rename = "porchlight.unread")]
    Unread { count: u32 },
}

impl FrameToHost {
    /// The message's `type` (its serde tag; a test keeps them equal), for the widget, which
    /// builds its messages by hand: serde's serializer for this enum cost its wasm more.
    pub fn tag(&self) -> &'static str {
        match self {
            Self::Ready => "porchlight.ready",
            Self::Close => "porchlight.close",
            Self::Unread { .. } => "porchlight.unread",
        }
    }
}

/// The tag of an [`SdkEvent`] message from the frame: `{"type": EVENT_TAG, "name": …,
/// "conversation": …}` ([`SdkEvent::message`]); the loader hands the page `{"conversation":
/// {"id": …}}` or `{}` (the event's serde form, `data` below). Something the site's code may want to know: the loader hands it
/// to the handlers registered with `Porchlight.on(name, …)` (docs/sdk.md). Not a
/// [`FrameToHost`] variant: the widget builds it with [`SdkEvent::name`] and
/// [`SdkEvent::conversation`] instead of serde, which cost 1.4 KB gzip of wasm (measured).
pub const EVENT_TAG: &str = "porchlight.event";

/// Identification without the URL: a frame opened for an identified visitor (its URL says only
/// `identify=on`) asks the loader for the page's `identificationEmail` and
/// `identificationToken` with `{"type": IDENTIFY_TAG}`, and the loader answers, to the frame's
/// origin only, `{"type": IDENTITY_TAG, "email": …, "token": …}`. The token never appears in a
/// URL, so never in a log. Both are handled by the frame's boot script before the widget
/// starts (`www/static/widget/boot.js`, which a test keeps in step with these), not by wasm.
pub const IDENTIFY_TAG: &str = "porchlight.identify";
/// See [`IDENTIFY_TAG`].
pub const IDENTITY_TAG: &str = "porchlight.identity";

/// The SDK events the frame reports, as `{"name": …, "data": {…}}`. The loader raises others of
/// its own (`widgetLoaded`, `widgetClosed`, `unreadConversationCountChanged`); the names and
/// payloads of all of them are in `embed/porchlight.d.ts`, which a test keeps in step with this.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "name", content = "data", rename_all = "camelCase")]
pub enum SdkEvent {
    /// The visitor's first message started a conversation.
    ConversationStarted { conversation: ConversationRef },
    /// The conversation the visitor is in is closed: the team closed it while the frame was
    /// open, or the frame found it closed when it loaded.
    ConversationClosed { conversation: ConversationRef },
    /// The visitor's first click on the launcher or the prompt (raised by the loader itself;
    /// here so every event's name is in one list).
    UserInteractedWithWidget {},
    /// The site identified its signed-in user (`identificationEmail` and a valid token) and this
    /// device's visitor became, or joined, that contact. Posted by the frame's boot script
    /// (www/static/widget/boot.js) with the address flat as `email`, not by the wasm.
    ContactAssociated { contact: Contact },
}

/// The contact an identified visitor is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// The verified address, trimmed and lowercased.
    pub email: String,
}

impl SdkEvent {
    /// [`SdkEvent::ConversationStarted`]'s name: the widget posts its conversation events by
    /// name and id (`Host::post_conversation_event`), which costs its wasm less than the enum.
    pub const CONVERSATION_STARTED: &'static str = "conversationStarted";
    /// [`SdkEvent::ConversationClosed`]'s name.
    pub const CONVERSATION_CLOSED: &'static str = "conversationClosed";

    /// The event's name, as `Porchlight.on` takes it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::ConversationStarted { .. } => Self::CONVERSATION_STARTED,
            Self::ConversationClosed { .. } => Self::CONVERSATION_CLOSED,
            Self::UserInteractedWithWidget {} => "userInteractedWithWidget",
            Self::ContactAssociated { .. } => "contactAssociated",
        }
    }

    /// The conversation the event is about, if any (`data.conversation.id`).
    pub fn conversation(&self) -> Option<&str> {
        match self {
            Self::ConversationStarted { conversation }
            | Self::ConversationClosed { conversation } => Some(&conversation.id),
            Self::UserInteractedWithWidget {} | Self::ContactAssociated { .. } => None,
        }
    }

    /// The whole message as the frame posts it (what the widget builds by hand): flat, so the
    /// frame's wasm builds one object.
    pub fn message(&self) -> serde_json::Value {
        let mut value = serde_json::json!({"type": EVENT_TAG, "name": self.name()});
        if let Some(id) = self.conversation() {
            value["conversation"] = id.into();
        }
        if let Self::ContactAssociated { contact } = self {
            value["email"] = contact.email.as_str().into();
        }
        value
    }

    /// Every event, for the drift test against the TypeScript declarations.
    pub fn names() -> [&'static str; 4] {
        [
            "conversationStarted",
            "conversationClosed",
            "userInteractedWithWidget",
            "contactAssociated",
        ]
    }
}

/// A conversation as the SDK names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationRef {
    pub id: String,
}

/// Sent by the host page's loader to the widget frame. Decoded through [`Tagged`] rather than
/// serde's internally tagged support, which would add its generic buffering to the widget's wasm.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
#[serde(try_from = "Tagged")]
pub enum HostToFrame {
    /// The chat panel became visible: focus the composer, mark messages seen.
    #[serde(rename = "porchlight.open")]
    Open,
    /// The chat panel was hidden by the host (launcher click or SDK).
    #[serde(rename = "porchlight.hidden")]
    Hidden,
}

/// The `{"type": "…"}` envelope, read on its own (other fields are ignored).
#[derive(Deserialize)]
pub struct Tagged {
    #[serde(rename = "type")]
    kind: String,
}

impl TryFrom<Tagged> for HostToFrame {
    type Error = String;

    fn try_from(t: Tagged) -> Result<Self, String> {
        match t.kind.as_str() {
            "porchlight.open" => Ok(Self::Open),
            "porchlight.hidden" => Ok(Self::Hidden),
            other => Err(format!("unknown message \"{other}\"")),
        }
    }
}

/// The widget frame's URL query parameters (`/widget/frame?…`): the loader sets them, the frame
/// and the edge read them. `wire.js` carries them to the loader as `FRAME_PARAM`.
pub mod frame_param {
    /// The site's id.
    pub const SITE: &str = "site";
    /// The host page's origin (the frame prefers `location.ancestorOrigins`, which the page
    /// cannot forge).
    pub const HOST: &str = "host";
    /// The host page's URL, recorded with a new conversation.
    pub const PAGE: &str = "page";
    /// The page before the host page (`document.referrer`).
    pub const REFERRER: &str = "ref";
    /// The SDK's `locale`: the language of the frame's config.
    pub const LOCALE: &str = "locale";
    /// [`ON`] when the page identifies its user (the token then comes by `postMessage`).
    pub const IDENTIFY: &str = "identify";
    /// [`OFF`] when the SDK turned attachments off.
    pub const ATTACH: &str = "attach";
    /// [`ASK`] when the SDK asks for consent before the chat.
    pub const CONSENT: &str = "consent";
    /// [`ON`] for a chat inline in the page rather than a launcher's panel.
    pub const INLINE: &str = "inline";
    /// [`ON`] when the frame is to forget its visitor (the SDK's `clear()`, or a new thread).
    pub const FORGET: &str = "forget";
    /// The value of a switched-on flag.
    pub const ON: &str = "on";
    /// The value of a switched-off flag.
    pub const OFF: &str = "off";
    /// The value of [`CONSENT`] that asks.
    pub const ASK: &str = "ask";

    /// Every parameter and value, by the name `wire.js` gives it.
    pub(crate) const ALL: [(&str, &str); 13] = [
        ("SITE", SITE),
        ("HOST", HOST),
        ("PAGE", PAGE),
        ("REFERRER", REFERRER),
        ("LOCALE", LOCALE),
        ("IDENTIFY", IDENTIFY),
        ("ATTACH", ATTACH),
        ("CONSENT", CONSENT),
        ("INLINE", INLINE),
        ("FORGET", FORGET),
        ("ON", ON),
        ("OFF", OFF),
        ("ASK", ASK),
    ];
}

/// The `type` of a message as serde writes it.
fn tag_of<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_value(value).expect("embed messages serialise");
    json["type"]
        .as_str()
        .expect("embed messages are tagged")
        .to_owned()
}

/// The JavaScript module `embed/src/wire.js`: the message tags and the frame's URL parameters
/// as constants.
pub fn wire_js() -> String {
    let frame_to_host = [
        ("READY", tag_of(&FrameToHost::Ready)),
        ("CLOSE", tag_of(&FrameToHost::Close)),
        ("UNREAD", tag_of(&FrameToHost::Unread { count: 0 })),
        ("EVENT", EVENT_TAG.to_owned()),
        ("IDENTIFY", IDENTIFY_TAG.to_owned()),
    ];
    let host_to_frame = [
        ("OPEN", tag_of(&HostToFrame::Open)),
        ("HIDDEN", tag_of(&HostToFrame::Hidden)),
        ("IDENTITY", IDENTITY_TAG.to_owned()),
    ];
    let object = |entries: &[(&str, String)]| {
        entries
            .iter()
            .map(|(name, tag)| format!("  {name}: \"{tag}\",\n"))
            .collect::<String>()
    };
    let frame_param = frame_param::ALL.map(|(name, value)| (name, value.to_owned()));
    format!(
        "// Generated from protocol/src/embed.rs by `cargo test -p porchlight-protocol`\n\
         // (PORCHLIGHT_BLESS=1 rewrites it). Do not edit by hand.\n\
         export const FRAME_TO_HOST = Object.freeze({{\n{}}});\n\
         export const HOST_TO_FRAME = Object.freeze({{\n{}}});\n\
         export const FRAME_PARAM = Object.freeze({{\n{}}});\n",
        object(&frame_to_host),
        object(&host_to_frame),
        object(&frame_param)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_messages_decode_by_their_tag_and_round_trip() {
        for msg in [HostToFrame::Open, HostToFrame::Hidden] {
            let json = serde_json::to_string(&msg).unwrap();
            assert_eq!(serde_json::from_str::<HostToFrame>(&json).unwrap(), msg);
        }
        assert!(serde_json::from_str::<HostToFrame>(r#"{"type":"porchlight.nope"}"#).is_err());
        assert!(serde_json::from_str::<HostToFrame>(r#"{"kind":"porchlight.open"}"#).is_err());
    }

    #[test]
    fn events_are_posted_flat_and_handed_to_the_page_as_name_and_data() {
        let started = SdkEvent::ConversationStarted {
            conversation: ConversationRef { id: "c1".into() },
        };
        assert_eq!(
            started.message(),
            serde_json::json!({
                "type": "porchlight.event",
                "name": "conversationStarted",
                "conversation": "c1"
            })
        );
        // What the loader (chat.js) hands the page's handlers: the serde form's `data`.
        assert_eq!(
            serde_json::to_value(&started).unwrap(),
            serde_json::json!({"name": "conversationStarted", "data": {"conversation": {"id": "c1"}}})
        );
        let associated = SdkEvent::ContactAssociated {
            contact: Contact {
                email: "ada@example.com".into(),
            },
        };
        // boot.js posts exactly this; chat.js hands the page `{contact: {email}}`.
        assert_eq!(
            associated.message(),
            serde_json::json!({
                "type": "porchlight.event",
                "name": "contactAssociated",
                "email": "ada@example.com"
            })
        );
        assert_eq!(
            serde_json::to_value(&associated).unwrap()["data"],
            serde_json::json!({"contact": {"email": "ada@example.com"}})
        );
        let touched = SdkEvent::UserInteractedWithWidget {};
        assert_eq!(
            touched.message(),
            serde_json::json!({"type": "porchlight.event", "name": "userInteractedWithWidget"})
        );
        assert_eq!(
            serde_json::to_value(&touched).unwrap()["data"],
            serde_json::json!({})
        );
        let closed = SdkEvent::ConversationClosed {
            conversation: ConversationRef { id: "c1".into() },
        };
        let all = [started, closed, touched, associated];
        for event in &all {
            let data = &serde_json::to_value(event).unwrap()["data"];
            assert_eq!(event.message()["name"], event.name());
            assert_eq!(data["conversation"]["id"].as_str(), event.conversation());
        }
        assert_eq!(all.each_ref().map(SdkEvent::name), SdkEvent::names());
    }

    #[test]
    fn hand_built_tags_are_serdes() {
        for message in [
            FrameToHost::Ready,
            FrameToHost::Close,
            FrameToHost::Unread { count: 3 },
        ] {
            assert_eq!(message.tag(), tag_of(&message));
        }
        // And the one field besides: `{"type": "porchlight.unread", "count": 3}`.
        assert_eq!(
            serde_json::to_value(FrameToHost::Unread { count: 3 }).unwrap(),
            serde_json::json!({"type": "porchlight.unread", "count": 3})
        );
    }
}
