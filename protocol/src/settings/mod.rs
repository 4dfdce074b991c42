//! Per-site chat channel settings as the site owner sets them, stored as JSON in D1 and edited
//! through the admin API: branding, greeting, consent, languages, and availability (mode,
//! business hours, and what the visitor sees when the team is away, offline or at capacity).
//! Data and its shape only; the rules that read them (validation, opening times, availability,
//! language choice) live in `domain`.
//!
//! This module keeps the whole document, [`ChatSettings`], with the sections small enough to
//! read beside it (identity, e-mail). Each other section is a submodule, its items re-exported
//! here so every type is `protocol::settings::Thing`; so are the consent types ([`ConsentMode`],
//! [`ConsentSettings`]), whose home is [`crate::consent`], and [`Language`]:
//!
//! - [`availability`]: the availability mode, business hours, and what the visitor sees when
//!   the team is away, offline or at capacity.
//! - [`routing`]: the rules choosing people, for routing and for the chat heading.
//! - [`branding`]: how the widget looks: accent colour, font, the launcher's corner.
//! - [`texts`]: the welcome, the limits of the site's texts, and their translations.
//! - [`attachments`]: whether visitors may attach files, how large, and of which kinds.
//! - [`targeting`]: on which pages and devices the widget shows.
//! - [`ask_email`]: when the chat asks the visitor for their e-mail.

use serde::{Deserialize, Serialize};

pub use crate::consent::{ConsentMode, ConsentSettings};
pub use crate::i18n::Language;

pub mod ask_email;
pub mod attachments;
pub mod availability;
pub mod branding;
pub mod routing;
pub mod targeting;
pub mod texts;

pub use ask_email::{AskEmailSettings, ASK_EMAIL_MAX_MINUTES};
pub use attachments::{AttachmentSettings, FileKind};
pub use availability::{
    AvailabilityMode, AvailabilitySettings, AwayBehaviour, BusinessHours, CapacityBehaviour,
    OfflineBehaviour, TimeRange, TypicalReplyTime, WeeklyHours, MAX_HOLIDAYS, MAX_RANGES_PER_DAY,
    MINUTES_PER_DAY, WEEK,
};
pub use branding::{Branding, Font, LauncherPosition};
pub use routing::{
    HeadingRule, PeopleRule, RoutingMode, RoutingRule, RoutingSettings, MAX_ROUTED_MEMBERS,
};
pub use targeting::{
    Devices, PageRule, TargetingSettings, UrlPart, UrlTest, PAGE_RULES_MAX, PAGE_RULE_MAX_CHARS,
};
pub use texts::{
    LanguageSettings, Translation, Welcome, HEADING_MAX_CHARS, NOTICE_MAX_CHARS, PROMPT_DELAY_MAX_S,
};

/// A site's chat channel settings: everything the owner configures about the widget. Stored as
/// one JSON document per site; `GET`/`PUT /api/admin/sites/{site}/settings`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatSettings {
    #[serde(default)]
    pub branding: Branding,
    /// The chat heading: the name the visitor sees at the top of the chat.
    pub heading: String,
    /// Whose names and pictures head the chat beside (or instead of) `heading`.
    #[serde(default)]
    pub heading_people: HeadingRule,
    #[serde(default)]
    pub welcome: Welcome,
    #[serde(default)]
    pub availability: AvailabilitySettings,
    /// Shown when away (if so configured) and offline without a next opening.
    #[serde(default = "default_away_message")]
    pub away_message: String,
    /// Shown when every available agent is at their chat limit (if so configured).
    #[serde(default = "default_waiting_message")]
    pub waiting_message: String,
    #[serde(default)]
    pub consent: ConsentSettings,
    #[serde(default)]
    pub language: LanguageSettings,
    #[serde(default)]
    pub attachments: AttachmentSettings,
    #[serde(default)]
    pub routing: RoutingSettings,
    #[serde(default)]
    pub email: EmailSettings,
    #[serde(default)]
    pub targeting: TargetingSettings,
    /// The sites allowed to embed the chat (`example.com`, `*.example.com`,
    /// `http://localhost:3000`), stored normalised with their scheme; empty: any site. They
    /// become the frame's `frame-ancestors` and the config's `Origin` check
    /// (`domain::origins`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_domains: Vec<String>,
    #[serde(default)]
    pub identity: IdentitySettings,
    #[serde(default)]
    pub retention: RetentionSettings,
    /// When the chat asks the visitor for their e-mail.
    #[serde(default)]
    pub ask_email: AskEmailSettings,
}

/// How long closed conversations are kept. Older ones are erased by the cron, everywhere they
/// are stored (as a contact's erasure is, `edge::erasure`), and each run's count shows among
/// the erasures (`GET /api/admin/erasures`, kind `retention`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionSettings {
    /// Days a conversation is kept after it closed (1 to [`RETENTION_MAX_DAYS`]); none: kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_days: Option<u32>,
}

/// The longest retention a site may set: ten years.
pub const RETENTION_MAX_DAYS: u32 = 3_650;

/// Signed-in users of the site (docs/identity.md). The identity secret itself is not a setting:
/// it is sealed apart and shown only through `/api/admin/sites/{site}/identity`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentitySettings {
    /// Only visitors the site has identified (a valid `identificationToken`) may chat: the API
    /// refuses to start anyone else's conversation, and the widget shows them why. Which pages
    /// show the launcher stays the site's choice (print the snippet for signed-in users only,
    /// or targeting rules); docs/identity.md.
    #[serde(default)]
    pub required: bool,
    /// Only identification tokens with an expiry are taken (`{expires}.{hmac}`, the expiry
    /// signed with the address; docs/identity.md). Off, tokens without one keep working.
    #[serde(default)]
    pub expiring_tokens: bool,
}

/// E-mail from the channel: who it is from, and whether a closed chat's transcript goes to the
/// visitor (when their address is known). Without `from_address`, nothing is e-mailed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailSettings {
    /// The sender's name; empty: the chat heading.
    #[serde(default)]
    pub from_name: String,
    /// The sender's address, on a domain the e-mail provider has verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_address: Option<String>,
    /// E-mail the transcript to the visitor when a chat an agent took part in is closed.
    #[serde(default = "yes")]
    pub transcript_on_close: bool,
}

impl Default for EmailSettings {
    fn default() -> Self {
        Self {
            from_name: String::new(),
            from_address: None,
            transcript_on_close: true,
        }
    }
}

fn yes() -> bool {
    true
}

fn default_away_message() -> String {
    "We're away right now. Leave a message and we'll get back to you.".into()
}

fn default_waiting_message() -> String {
    "Everyone is helping other visitors right now; we'll be with you shortly.".into()
}

impl ChatSettings {
    /// The settings a new site starts with; the heading is cut to [`HEADING_MAX_CHARS`].
    pub fn new(heading: &str) -> Self {
        Self {
            branding: Branding::default(),
            heading: heading.trim().chars().take(HEADING_MAX_CHARS).collect(),
            heading_people: HeadingRule::default(),
            welcome: Welcome::default(),
            availability: AvailabilitySettings::default(),
            away_message: default_away_message(),
            waiting_message: default_waiting_message(),
            consent: ConsentSettings::default(),
            language: LanguageSettings::default(),
            attachments: AttachmentSettings::default(),
            routing: RoutingSettings::default(),
            email: EmailSettings::default(),
            targeting: TargetingSettings::default(),
            allowed_domains: Vec::new(),
            identity: IdentitySettings::default(),
            retention: RetentionSettings::default(),
            ask_email: AskEmailSettings::default(),
        }
    }
}
