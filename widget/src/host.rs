//! Talking to the host page's loader by `postMessage`, both ways checked: we post only to the
//! host origin, named explicitly (never `'*'`), and read only messages whose `event.origin` is
//! that origin and whose source is our parent window. Messages are the typed
//! [`FrameToHost`]/[`HostToFrame`] enums; anything else is ignored.

use js_sys::{Object, Reflect};
use leptos::ev;
use leptos::prelude::{window, window_event_listener};
#[cfg(doc)]
use protocol::embed::SdkEvent;
use protocol::embed::{FrameToHost, HostToFrame, EVENT_TAG};
use wasm_bindgen::JsValue;
use web_sys::{MessageEvent, Window};

/// The host page, as far as the frame may know it.
#[derive(Clone, Debug)]
pub struct Host {
    origin: Option<String>,
}

impl Host {
    pub fn new(origin: Option<String>) -> Self {
        Self { origin }
    }

    /// Posts a message to the host page, shaped as the protocol's JSON (`FrameToHost`'s serde
    /// form) but built by hand. Does nothing when the frame is not embedded or the host origin
    /// is unknown.
    pub fn post(&self, message: &FrameToHost) {
        let tag = ("type", JsValue::from_str(message.tag()));
        match message {
            FrameToHost::Unread { count } => self.send(&[tag, ("count", (*count).into())]),
            FrameToHost::Ready | FrameToHost::Close => self.send(&[tag]),
        }
    }

    /// Posts an SDK event about a conversation (`name` is [`SdkEvent::CONVERSATION_STARTED`] or
    /// [`SdkEvent::CONVERSATION_CLOSED`]), shaped as [`SdkEvent::message`] shapes it (see
    /// [`protocol::embed::EVENT_TAG`]).
    pub fn post_conversation_event(&self, name: &str, conversation: &str) {
        self.send(&[
            ("type", EVENT_TAG.into()),
            ("name", name.into()),
            ("conversation", conversation.into()),
        ]);
    }

    /// Posts a plain object with these fields to the host origin.
    fn send(&self, fields: &[(&str, JsValue)]) {
        let (Some(origin), Some(parent)) = (&self.origin, parent()) else {
            return;
        };
        let message = Object::new();
        for (key, value) in fields {
            let _ = Reflect::set(&message, &(*key).into(), value);
        }
        let _ = parent.post_message(&message, origin);
    }

    /// Calls `on_message` for every well-formed message from the host page, for the life of
    /// the frame.
    pub fn listen(&self, on_message: impl Fn(HostToFrame) + 'static) {
        let Some(origin) = self.origin.clone() else {
            return;
        };
        // The handle is dropped on purpose: the listener lives as long as the frame.
        let _ = window_event_listener(ev::message, move |event: MessageEvent| {
            let from_parent = match (event.source(), parent()) {
                (Some(source), Some(parent)) => js_sys::Object::is(&source, &parent),
                _ => false,
            };
            if event.origin() != origin || !from_parent {
                return;
            }
            if let Some(message) = decode(event.data()) {
                on_message(message);
            }
        });
    }
}

/// The parent window, if the frame is embedded (a top-level frame is its own parent).
fn parent() -> Option<Window> {
    let me = window();
    let parent = me.parent().ok().flatten()?;
    (!js_sys::Object::is(&parent, &me)).then_some(parent)
}

/// Reads a message posted as an object or as a JSON string.
fn decode(data: JsValue) -> Option<HostToFrame> {
    match data.as_string() {
        Some(text) => client::json::parse(&text),
        None => client::json::from_js(data),
    }
}
