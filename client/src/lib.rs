//! The client side of Porchlight's conversation sockets and HTTP API, shared by the visitor's
//! widget and the agents' inbox so neither writes it twice. It knows nothing of Leptos: state
//! comes out through plain values and boxed callbacks, which each app wires into its signals.
//!
//! # Layout
//! - [`outbox`]: one conversation as a participant sees it (messages by `seq`, sends in
//!   flight, what to resend after a reconnect). Pure; tested natively.
//! - [`activity`]: what the others are doing: typing, reading, present; closed or not. Pure.
//! - [`typing`]: when to tell the others that we are typing. Pure.
//! - [`conversations`]: the agent's conversation list merged from the list socket and the
//!   list request. Pure.
//! - [`notes`]: the inbox thread's internal notes among its messages, and the `@` being typed.
//!   Pure.
//! - [`backoff`]: reconnect delays. Pure.
//! - [`availability`]: what the visitor is shown for the site's availability, and when to
//!   fetch the config again. Pure.
//! - `link` (wasm only): a WebSocket that reconnects with backoff while its owner wants it.
//! - `socket` (wasm only): [`outbox`] driven by a `link` to a conversation socket; the
//!   visitor's (`ConversationSocket`) and the agent's (`AgentSocket`, which also reads the
//!   agents-only frames).
//! - `http` (wasm only): JSON fetch helpers that decode the API's error body.
//! - `json` (wasm only): JSON through the browser's `JSON.parse`/`stringify`.
//! - `sound` (wasm only): the new-message chime, synthesised.
//! - `idle` (wasm only): work for when the browser is idle (the apps' parts, prefetched).
//! - [`alerts`]: which inbox changes deserve an alert for an agent. Pure.
//! - [`access`]: which members see an inbox. Pure.
//! - [`text`]: a message body as the apps draw it: plain text with the links the edge found.
//!   Pure.
//! - [`heading`]: who heads the visitor's chat. Pure.
//! - [`ask_email`]: when the widget asks the visitor for their e-mail. Pure.
//! - [`undecoded`]: the frames a socket could not read, counted, and the first named in the
//!   console. Pure but for that.

pub mod access;
pub mod activity;
pub mod alerts;
pub mod ask_email;
pub mod availability;
pub mod backoff;
pub mod conversations;
pub mod heading;
pub mod notes;
pub mod outbox;
pub mod text;
pub mod typing;
pub mod undecoded;

#[cfg(target_arch = "wasm32")]
pub mod http;
#[cfg(target_arch = "wasm32")]
pub mod idle;
#[cfg(target_arch = "wasm32")]
pub mod json;
#[cfg(target_arch = "wasm32")]
pub mod link;
#[cfg(target_arch = "wasm32")]
pub mod socket;
#[cfg(target_arch = "wasm32")]
pub mod sound;

pub use activity::{Activity, Joined};
pub use conversations::{ConversationIndex, View};
pub use outbox::{Applied, Delivery, Entry, Outbox, PendingSend, SendState};
pub use typing::TypingOut;
pub use undecoded::Undecoded;

#[cfg(target_arch = "wasm32")]
pub use link::{Link, LinkHandlers, LinkState};
#[cfg(target_arch = "wasm32")]
pub use socket::{AgentSocket, ConversationEvent, ConversationSocket, Incoming, Socket};

/// A new client id for a send: the browser's `crypto.randomUUID()` (36 characters of hex and
/// `-`, within the protocol's client-id rules). `None` only where WebCrypto is unavailable.
#[cfg(target_arch = "wasm32")]
pub fn new_client_id() -> Option<String> {
    use wasm_bindgen::JsCast;
    // `crypto` is read off the global object so this works in a window and a worker alike.
    let crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into()).ok()?;
    let crypto: web_sys::Crypto = crypto.dyn_into().ok()?;
    Some(crypto.random_uuid())
}
