//! `postMessage` messages between the host-page loader (JavaScript, `embed/`) and the widget
//! frame (Leptos). Each is a JSON object tagged by `type`; every tag starts with `porchlight.` so
//! a host page's own messages are never mistaken for ours.
//!
//! Both sides check `event.origin` (and the loader also `event.source`) before reading a message,
//! and post with an explicit target origin, never `'*'`.
//!
//! The loader cannot compile against this crate, so `embed/src/wire.js` is generated from these
//! enums by [`wire_js`]; a test fails when the committed file has drifted.

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
    /// Something the site's code may want to know: the loader hands it to the handlers
    /// registered with `Porchlight.on(name, …)` (docs/sdk.md).
    #[serde(rename = "porchlight.event")]
    Event(SdkEvent),
}

/// The SDK events the frame reports, as `{"name": …, "data": {…}}`. The loader raises others of
/// its own (`widgetLoaded`, `widgetClosed`, `unreadConversationCountChanged`); the names and
/// payloads of all of them are in `embed/porchlight.d.ts`, which a test keeps in step with this.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "name", content = "data", rename_all = "camelCase")]
pub enum SdkEvent {
    /// The visitor's first message started a conversation.
    ConversationStarted { conversation: ConversationRef },
    /// The team closed the conversation the visitor is in.
    ConversationClosed { conversation: ConversationRef },
    /// The visitor clicked, tapped or typed in the chat for the first time on this page.
    UserInteractedWithWidget {},
}

impl SdkEvent {
    /// Every event, for the drift test against the TypeScript declarations.
    pub fn names() -> [&'static str; 3] {
        [
            "conversationStarted",
            "conversationClosed",
            "userInteractedWithWidget",
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
    /// `widget.refresh()`: read the site's settings again; with `new_thread`, leave the
    /// current conversation for a new one (`refresh({ openToNewThread: true })`).
    #[serde(rename = "porchlight.refresh")]
    Refresh {
        #[serde(default)]
        new_thread: bool,
    },
}

/// The `{"type": "…"}` envelope with every variant's fields (others are ignored).
#[derive(Deserialize)]
pub struct Tagged {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    new_thread: bool,
}

impl TryFrom<Tagged> for HostToFrame {
    type Error = String;

    fn try_from(t: Tagged) -> Result<Self, String> {
        match t.kind.as_str() {
            "porchlight.open" => Ok(Self::Open),
            "porchlight.hidden" => Ok(Self::Hidden),
            "porchlight.refresh" => Ok(Self::Refresh {
                new_thread: t.new_thread,
            }),
            other => Err(format!("unknown message {other:?}")),
        }
    }
}

fn tag_of<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_value(value).expect("embed messages serialise");
    json["type"]
        .as_str()
        .expect("embed messages are tagged")
        .to_owned()
}

/// The JavaScript module `embed/src/wire.js`: the message tags as constants.
pub fn wire_js() -> String {
    let frame_to_host = [
        ("READY", tag_of(&FrameToHost::Ready)),
        ("CLOSE", tag_of(&FrameToHost::Close)),
        ("UNREAD", tag_of(&FrameToHost::Unread { count: 0 })),
        (
            "EVENT",
            tag_of(&FrameToHost::Event(SdkEvent::UserInteractedWithWidget {})),
        ),
    ];
    let host_to_frame = [
        ("OPEN", tag_of(&HostToFrame::Open)),
        ("HIDDEN", tag_of(&HostToFrame::Hidden)),
        (
            "REFRESH",
            tag_of(&HostToFrame::Refresh { new_thread: false }),
        ),
    ];
    let object = |entries: &[(&str, String)]| {
        entries
            .iter()
            .map(|(name, tag)| format!("  {name}: \"{tag}\",\n"))
            .collect::<String>()
    };
    format!(
        "// Generated from protocol/src/embed.rs by `cargo test -p porchlight-protocol`\n\
         // (PORCHLIGHT_BLESS=1 rewrites it). Do not edit by hand.\n\
         export const FRAME_TO_HOST = Object.freeze({{\n{}}});\n\
         export const HOST_TO_FRAME = Object.freeze({{\n{}}});\n",
        object(&frame_to_host),
        object(&host_to_frame)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_messages_decode_by_their_tag_and_round_trip() {
        for msg in [
            HostToFrame::Open,
            HostToFrame::Hidden,
            HostToFrame::Refresh { new_thread: true },
            HostToFrame::Refresh { new_thread: false },
        ] {
            let json = serde_json::to_string(&msg).unwrap();
            assert_eq!(serde_json::from_str::<HostToFrame>(&json).unwrap(), msg);
        }
        assert!(serde_json::from_str::<HostToFrame>(r#"{"type":"porchlight.nope"}"#).is_err());
        assert!(serde_json::from_str::<HostToFrame>(r#"{"kind":"porchlight.open"}"#).is_err());
        // What `widget.refresh()` posts without options.
        assert_eq!(
            serde_json::from_str::<HostToFrame>(r#"{"type":"porchlight.refresh"}"#).unwrap(),
            HostToFrame::Refresh { new_thread: false }
        );
    }

    #[test]
    fn events_are_posted_as_name_and_data() {
        let started = FrameToHost::Event(SdkEvent::ConversationStarted {
            conversation: ConversationRef { id: "c1".into() },
        });
        assert_eq!(
            serde_json::to_value(&started).unwrap(),
            serde_json::json!({
                "type": "porchlight.event",
                "name": "conversationStarted",
                "data": {"conversation": {"id": "c1"}}
            })
        );
        let touched = FrameToHost::Event(SdkEvent::UserInteractedWithWidget {});
        assert_eq!(
            serde_json::to_value(&touched).unwrap()["data"],
            serde_json::json!({})
        );
        let closed = SdkEvent::ConversationClosed {
            conversation: ConversationRef { id: "c1".into() },
        };
        let all = [started, FrameToHost::Event(closed), touched];
        let names: Vec<_> = all
            .iter()
            .map(|e| serde_json::to_value(e).unwrap()["name"].clone())
            .collect();
        assert_eq!(names, SdkEvent::names().map(serde_json::Value::from));
    }
}
