//! The agent API as the inbox calls it: same-origin paths from `protocol::routes` (the session
//! cookie goes along by itself) and the `ws(s)://` URLs of the agent's sockets, whose upgrade
//! the browser sends with the cookie and our `Origin`, as the Worker requires.
//!
//! # Layout
//! - [`account`]: the signed-in agent (sign-in, password, status, picture, joining).
//! - [`conversations`]: the list, a thread and what changes it, and the sockets' URLs.
//! - [`team`]: members, invitations and snippets.
//! - [`admin`]: inboxes and teams, sites' settings and connections, reports, dead letters.
//! - [`contacts`]: the directory of contacts, one contact's page and edit, contact properties,
//!   erasures and visitors' requests for one.

use leptos::prelude::window;
use protocol::Channel;

mod account;
mod admin;
mod contacts;
mod conversations;
mod team;

pub use account::*;
pub use admin::*;
pub use contacts::*;
pub use conversations::*;
pub use team::*;

/// A path segment or query value percent-encoded by the browser (`protocol::routes`' `path_with`
/// takes it, so the wasm carries no encoder of its own).
fn encode(segment: &str) -> String {
    String::from(js_sys::encode_uri_component(segment))
}

/// A channel as the API's filters name it (`?channel=…`) and the filters' `<select>`s hold it.
pub fn channel_value(channel: Channel) -> &'static str {
    match channel {
        Channel::Chat => "chat",
        Channel::Messenger => "messenger",
        Channel::WhatsApp => "whatsapp",
    }
}

/// `ws://` or `wss://` plus this page's host: the sockets live on our own origin.
fn socket_origin() -> String {
    let location = window().location();
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss:",
        _ => "ws:",
    };
    format!("{scheme}//{}", location.host().unwrap_or_default())
}

/// A time for a list or a message: the clock today, the date before.
pub fn when(at: protocol::Millis) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
    let today = js_sys::Date::new_0();
    if date.to_date_string() == today.to_date_string() {
        format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
    } else {
        String::from(date.to_locale_date_string("default", &wasm_bindgen::JsValue::UNDEFINED))
    }
}
