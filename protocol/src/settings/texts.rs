//! The site's own texts: the welcome (and whether it pops as a prompt), how long the heading and
//! notices may be, and which language the chat speaks with the texts in other languages.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Language;

/// The welcome message, and whether it pops beside the launcher after the page loads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Welcome {
    pub message: String,
    /// Show the welcome message as a prompt beside the launcher (dismissible; not shown again
    /// in that visit once dismissed).
    #[serde(default)]
    pub open_as_prompt: bool,
    /// Seconds after page load before the prompt shows.
    #[serde(default)]
    pub prompt_delay_s: u32,
}

impl Default for Welcome {
    fn default() -> Self {
        Self {
            message: "Hi! How can we help you today?".into(),
            open_as_prompt: false,
            prompt_delay_s: 5,
        }
    }
}

/// Longest heading, in characters.
pub const HEADING_MAX_CHARS: usize = 60;
/// Longest welcome, away or waiting message, in characters.
pub const NOTICE_MAX_CHARS: usize = 500;
/// Longest prompt delay, in seconds.
pub const PROMPT_DELAY_MAX_S: u32 = 600;

/// Which language the chat speaks, and the site's own texts in other languages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageSettings {
    /// Always this language; none follows each visitor's browser (its first language that
    /// Porchlight speaks, else `default`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<Language>,
    /// The language the site's texts above (welcome, away, waiting, consent) are written in, and
    /// the one a browser gets when it asks for none Porchlight speaks.
    #[serde(default)]
    pub default: Language,
    /// The site's texts in other languages; a text left out falls back to the one above. No
    /// entry for `default` itself: those texts are the ones above.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<Language, Translation>,
}

/// The site's own texts in one language; each is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Translation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub welcome_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub away_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_text: Option<String>,
}
