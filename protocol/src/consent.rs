//! GDPR consent to a website chat, on every wire it crosses: the site's consent step as stored
//! in its settings ([`ConsentSettings`], edited through the admin API), the step the widget
//! shows ([`PublicConsent`], in the public site config), and what each conversation records of
//! its visitor's consent ([`ConsentRecord`], on the inbox list's rows). They are kept together
//! because they are one concern crossing the settings and several route groups;
//! `crate::settings` and `crate::api` re-export them where they were first defined. The rules
//! that read them are `domain::consent`'s.
//!
//! [`ConsentMode`] is also what a Messenger connection's flow asks for (`api::ChannelFlow`).

use serde::{Deserialize, Serialize};

use crate::Millis;

/// GDPR consent before a conversation starts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentSettings {
    pub mode: ConsentMode,
    /// Shown above the composer (implicit) or with an "I agree" button (explicit).
    #[serde(default)]
    pub text: String,
    /// Set by the server: raised whenever `mode` or `text` changes, so every conversation
    /// records which text its visitor saw. Ignored on `PUT`.
    #[serde(default)]
    pub version: u32,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMode {
    /// No consent step.
    #[default]
    Off,
    /// The consent text is shown; starting a chat implies consent.
    Implicit,
    /// The composer stays disabled until the visitor clicks "I agree".
    Explicit,
}

/// The consent step the widget shows before a conversation starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicConsent {
    pub mode: ConsentMode,
    pub text: String,
    /// Sent back in [`crate::api::CreateConversation::consent_version`] so the conversation records this text.
    pub version: u32,
}

/// What a conversation records of its visitor's consent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRecord {
    pub mode: ConsentMode,
    pub version: u32,
    pub at: Millis,
}
