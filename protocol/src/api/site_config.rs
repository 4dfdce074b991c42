//! The public site config (`GET /api/sites/{site}/widget-config`), served to the loader and the
//! widget: what they need to draw a site's chat, with its availability for this moment.

use serde::{Deserialize, Serialize};

use crate::consent::PublicConsent;
use crate::frame::AgentRef;
use crate::i18n::{Language, UiStrings};
use crate::settings::{Font, LauncherPosition, TypicalReplyTime};
use crate::Millis;

/// What the loader and the widget need to draw a site's chat, with its availability decided at
/// the edge for this moment (`GET /api/sites/{site}/widget-config`). Public: no secrets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetConfig {
    pub site_id: String,
    /// The name shown in the chat heading.
    pub heading: String,
    /// The people heading the chat (`ChatSettings::heading_people`), at most
    /// [`HEADING_PEOPLE_MAX`]: the widget shows three of them, chosen at random for each
    /// visitor. Their pictures are at `/api/avatars/{id}`. Empty: `heading` alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<AgentRef>,
    /// Shown as the first message when the visitor opens the chat.
    pub welcome_message: String,
    /// `#rrggbb`.
    pub accent_color: String,
    /// `#000000` or `#ffffff`: whichever contrasts more with `accent_color` (WCAG), for text
    /// and icons drawn on it.
    pub accent_text_color: String,
    pub font: Font,
    pub launcher_position: LauncherPosition,
    /// Pop the welcome beside the launcher this many milliseconds after page load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_after_ms: Option<u32>,
    pub availability: PublicAvailability,
    /// Whether the launcher shows at all now (hidden offline or at capacity if so configured).
    pub launcher_visible: bool,
    /// The consent step, when the site has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<PublicConsent>,
    /// When this answer may change by the clock alone (an opening or closing): fetch again then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_at: Option<Millis>,
    /// The language chosen for this visitor; the site's texts above are in it where the site
    /// has them translated.
    pub language: Language,
    /// The interface's words in `language`.
    pub strings: UiStrings,
    /// Ask the visitor for their e-mail once their message has waited this long unanswered (0:
    /// as soon as they have written, the team being away now); none: the site does not ask
    /// now. Decided for this moment, like `availability` (`settings::AskEmailSettings`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask_email_after_ms: Option<u32>,
    /// What the visitor may attach; none when the site takes no attachments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<PublicAttachments>,
    /// The site's targeting rules keep the widget off the page the config was asked for
    /// (`?page=`), or off the visitor's kind of device. For the loader only: not read back
    /// (the widget's wasm would pay for the field; Rust readers look at the JSON).
    #[serde(
        default,
        skip_serializing_if = "std::ops::Not::not",
        skip_deserializing
    )]
    pub off_page: bool,
}

/// Most people a config's heading carries.
pub const HEADING_PEOPLE_MAX: usize = 20;

/// The attachment limits a widget applies before uploading (the edge enforces them again).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicAttachments {
    /// Largest file, in bytes.
    pub max_bytes: u32,
    /// For a file input's `accept`: the types and extensions of the kinds the site takes.
    pub accept: String,
}

/// A site's availability as the visitor sees it, with the text to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicAvailability {
    /// Someone can answer; optionally "typically replies in …".
    Available {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        typical_reply: Option<TypicalReplyTime>,
    },
    /// Within hours but nobody available: `message` is shown; with `away_mode` the usual chat
    /// shows, marked away, instead of the message.
    Away { message: String, away_mode: bool },
    /// Outside hours: the next opening (to show in the visitor's time zone and language), or the
    /// away message.
    Offline {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next_opening: Option<Millis>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// Every available agent is at their chat limit: the waiting message.
    AtCapacity { message: String },
}
