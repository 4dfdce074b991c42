//! The one thing the widget keeps on the visitor's device: their token and current
//! conversation, under `porchlight.visitor.<site>` in the frame origin's `localStorage`. It is
//! written only once the visitor has sent a first message (nothing is stored before they
//! interact), and forgotten when the server says the token is no longer valid.
//!
//! Storage can be missing or refused (privacy modes, blocked third-party storage); the chat
//! then still works for the life of the page, it just is not remembered.

use leptos::prelude::window;
use serde::{Deserialize, Serialize};
use web_sys::Storage;

/// What is remembered for a site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorSession {
    pub visitor_token: String,
    pub conversation_id: String,
}

fn key(site: &str) -> String {
    format!("porchlight.visitor.{site}")
}

fn storage() -> Option<Storage> {
    window().local_storage().ok().flatten()
}

/// The remembered session for `site`; an unreadable entry counts as none.
pub fn load(site: &str) -> Option<VisitorSession> {
    let text = storage()?.get_item(&key(site)).ok().flatten()?;
    serde_json::from_str(&text).ok()
}

/// Remembers the session (best effort).
pub fn save(site: &str, session: &VisitorSession) {
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(session)) {
        let _ = storage.set_item(&key(site), &text);
    }
}

/// Forgets the session for `site`.
pub fn forget(site: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&key(site));
    }
}
