//! What the widget keeps on the visitor's device, in the frame origin's `localStorage`: their
//! token and current conversation under `porchlight.visitor.<site>`, written only once the
//! visitor has sent a first message (nothing is stored before they interact) and forgotten when
//! the server says the token is no longer valid; `porchlight.sound.<site>` once they turn
//! the new-message chime on; and `porchlight.email-skipped.<site>`, the conversation in which
//! they said "Not now" to leaving their e-mail.
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
    /// Empty when boot.js wrote the session (an identified contact's token): the app then
    /// resumes the contact's latest conversation, as it does for any remembered session.
    #[serde(default)]
    pub conversation_id: String,
    /// The consent text version the visitor agreed to (explicit consent), so a new
    /// conversation does not ask again until the text changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_version: Option<u32>,
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
    client::json::parse(&text)
}

/// Remembers the session (best effort).
pub fn save(site: &str, session: &VisitorSession) {
    if let (Some(storage), Some(text)) = (storage(), client::json::stringify(session)) {
        let _ = storage.set_item(&key(site), &text);
    }
}

/// Whether the visitor turned the new-message chime on for `site`.
pub fn sound_on(site: &str) -> bool {
    storage().and_then(|s| s.get_item(&sound_key(site)).ok().flatten()) == Some("on".into())
}

/// Remembers the chime choice: written when the visitor turns it on (their own act), removed
/// when they turn it off, so "off" (the default) leaves nothing behind.
pub fn remember_sound(site: &str, on: bool) {
    if let Some(storage) = storage() {
        let _ = if on {
            storage.set_item(&sound_key(site), "on")
        } else {
            storage.remove_item(&sound_key(site))
        };
    }
}

fn sound_key(site: &str) -> String {
    format!("porchlight.sound.{site}")
}

/// The conversation in which the visitor said "Not now" to leaving their e-mail, on `site`.
pub fn email_skipped_in(site: &str) -> Option<String> {
    storage()?.get_item(&skip_key(site)).ok().flatten()
}

/// Remembers "Not now" to leaving their e-mail, for `conversation` (best effort).
pub fn remember_email_skipped(site: &str, conversation: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(&skip_key(site), conversation);
    }
}

fn skip_key(site: &str) -> String {
    format!("porchlight.email-skipped.{site}")
}

/// Forgets the session for `site`.
pub fn forget(site: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&key(site));
    }
}
