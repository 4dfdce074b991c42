//! Per-site chat channel settings as the site owner sets them, stored as JSON in D1 and edited
//! through the admin API: branding, greeting, consent, languages, and availability (mode,
//! business hours, and what the visitor sees when the team is away, offline or at capacity).
//! Data and its shape only; the rules that read them (validation, opening times, availability,
//! language choice) live in `domain`.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

pub use crate::consent::{ConsentMode, ConsentSettings};
pub use crate::i18n::Language;

/// Minutes in a day; a range may end here (24:00, the next midnight).
pub const MINUTES_PER_DAY: u16 = 1440;

/// The weekdays in the order the admin screens show them.
pub const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// Most time ranges on one weekday ("+ add hours").
pub const MAX_RANGES_PER_DAY: usize = 12;
/// Most holiday closures listed; it also bounds how far ahead a next opening is sought.
pub const MAX_HOLIDAYS: usize = 366;

/// Everything that decides a chat channel's availability apart from presence and the clock.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvailabilitySettings {
    pub mode: AvailabilityMode,
    /// Within hours, nobody available.
    #[serde(default)]
    pub when_away: AwayBehaviour,
    /// Outside business hours.
    #[serde(default)]
    pub when_offline: OfflineBehaviour,
    /// Every available agent at their chat limit.
    #[serde(default)]
    pub when_at_capacity: CapacityBehaviour,
    /// Shown while available ("typically replies in …"); none shows nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typical_reply: Option<TypicalReplyTime>,
}

/// What makes the channel available. JSON: `{"kind": "business_hours", "time_zone": …}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AvailabilityMode {
    /// Available while at least one agent in the routing rules is available.
    #[default]
    UserAvailability,
    /// Available within these hours while at least one routed agent is available; offline
    /// outside them. Boxed: the week of ranges is larger than the other modes.
    BusinessHours(Box<BusinessHours>),
    /// Always shown as available, whoever is signed in (see the module doc of
    /// `domain::availability` for why).
    AlwaysOn,
}

/// What the visitor sees when the team keeps hours but nobody is available.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AwayBehaviour {
    /// The chat shows the site's away message; a visitor can still leave a message.
    #[default]
    ShowAwayMessage,
    /// The usual chat, marked as away (no "typically replies" promise).
    AwayModeWidget,
}

/// What the visitor sees outside business hours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfflineBehaviour {
    /// When the team is back, in the visitor's own time zone and language; the away message
    /// when there is no next opening.
    #[default]
    ShowNextOpening,
    /// The site's away message.
    ShowAwayMessage,
    /// No launcher at all.
    HideLauncher,
}

/// What the visitor sees when every available agent is at their chat limit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CapacityBehaviour {
    /// The site's waiting message ("everyone is busy; we'll be with you shortly").
    #[default]
    ShowWaitingMessage,
    /// No launcher until someone has room.
    HideLauncher,
    /// Nothing changes: the channel shows as available.
    ShowAsAvailable,
}

/// The reply time promised while available.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TypicalReplyTime {
    AFewMinutes,
    AnHour,
    ADay,
}

/// When a chat channel keeps hours, in the site's time zone. A wall-clock time means the first
/// instant the site's clocks show it or later: a time skipped by a spring-forward change opens
/// (or closes) when the clocks jump, a time shown twice by a fall-back change at its first showing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessHours {
    /// An IANA time-zone name, e.g. `Europe/Stockholm` (checked by
    /// `domain::availability::ValidateSettings`).
    pub time_zone: String,
    #[serde(default)]
    pub weekly: WeeklyHours,
    /// Dates (in the site's time zone) closed all day, whatever `weekly` says.
    #[serde(default)]
    pub holidays: BTreeSet<NaiveDate>,
}

/// The opening ranges of each weekday; a day with none is closed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyHours {
    #[serde(default)]
    pub monday: Vec<TimeRange>,
    #[serde(default)]
    pub tuesday: Vec<TimeRange>,
    #[serde(default)]
    pub wednesday: Vec<TimeRange>,
    #[serde(default)]
    pub thursday: Vec<TimeRange>,
    #[serde(default)]
    pub friday: Vec<TimeRange>,
    #[serde(default)]
    pub saturday: Vec<TimeRange>,
    #[serde(default)]
    pub sunday: Vec<TimeRange>,
}

impl WeeklyHours {
    /// The ranges of one weekday, as entered.
    pub fn day(&self, weekday: Weekday) -> &[TimeRange] {
        match weekday {
            Weekday::Mon => &self.monday,
            Weekday::Tue => &self.tuesday,
            Weekday::Wed => &self.wednesday,
            Weekday::Thu => &self.thursday,
            Weekday::Fri => &self.friday,
            Weekday::Sat => &self.saturday,
            Weekday::Sun => &self.sunday,
        }
    }

    /// The field name of a weekday in the stored JSON, for error messages.
    pub fn field_name(weekday: Weekday) -> &'static str {
        match weekday {
            Weekday::Mon => "monday",
            Weekday::Tue => "tuesday",
            Weekday::Wed => "wednesday",
            Weekday::Thu => "thursday",
            Weekday::Fri => "friday",
            Weekday::Sat => "saturday",
            Weekday::Sun => "sunday",
        }
    }
}

/// Open from `start` until `end`, in minutes since local midnight: `0 <= start < end <= 1440`,
/// so 09:00–17:30 is `{ start: 540, end: 1050 }` and a range to midnight ends at 1440.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeRange {
    pub start: u16,
    pub end: u16,
}

impl TimeRange {
    /// Why the range is not a part of one day, if it is not.
    pub fn problem(self) -> Option<&'static str> {
        if self.end > MINUTES_PER_DAY {
            Some("must lie within the day (minutes 0 to 1440)")
        } else if self.start >= self.end {
            Some("must start before it ends")
        } else {
            None
        }
    }
}

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
}

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

/// Who new conversations are assigned to. JSON:
/// `{"rule": {"kind": "members", "agent_ids": ["a_…"]}, "only_available": true}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingSettings {
    #[serde(default)]
    pub rule: RoutingRule,
    /// Assign only to members who are available now (their toggle on, the inbox open); on by
    /// default. Off, an away member may get a conversation to answer when back.
    #[serde(default = "yes")]
    pub only_available: bool,
}

fn yes() -> bool {
    true
}

impl Default for RoutingSettings {
    fn default() -> Self {
        Self {
            rule: RoutingRule::Off,
            only_available: true,
        }
    }
}

/// Members chosen for a job, as a channel's routing and a chat heading choose them: nobody,
/// named members and teams, or a contact's owner with named members and teams for everyone
/// else. [`RoutingRule`] and [`HeadingRule`] say what each makes of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PeopleRule {
    #[default]
    Off,
    /// These members and the members of these teams (of the conversation's inbox, for
    /// routing).
    Members {
        #[serde(default)]
        agent_ids: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        team_ids: Vec<String>,
    },
    /// A known contact's owner; everyone else (a new visitor, a contact without an owner) as
    /// `Members` with these, or as `Off` when none are named. Website chat only: Messenger and
    /// WhatsApp contacts have no owner.
    ContactOwner {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        agent_ids: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        team_ids: Vec<String>,
    },
}

/// The assignment rule of a channel. Never beyond a member's chat limit; balanced among the
/// eligible (fewest open assigned conversations, then longest since their last one).
/// - `Off`: new conversations stay unassigned; the team picks them up. Availability counts
///   everyone.
/// - `Members`: assigned among them; availability counts only them.
/// - `ContactOwner`: to the visitor's contact owner when they have one who sees the
///   conversation's inbox and is under their chat limit, even while away (they are e-mailed
///   then); anyone else as `Members`, or unassigned when none are named.
pub type RoutingRule = PeopleRule;

/// Who the chat heading shows.
/// - `Off`: the heading text alone.
/// - `Members`: their names and pictures; three of them, chosen at random for each visitor,
///   when there are more.
/// - `ContactOwner`: a known contact sees their owner; everyone else as `Members`, or the
///   heading text when none are named.
///
/// Whatever the rule, a conversation an agent has taken is headed by that agent.
pub type HeadingRule = PeopleRule;

/// How a rule assigns, as a form chooses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoutingMode {
    Off,
    Members,
    ContactOwner,
}

impl PeopleRule {
    /// The members and teams the rule names (the fallback's, for the contact owner rule);
    /// `None` when routing is off.
    pub fn named(&self) -> Option<(&[String], &[String])> {
        match self {
            Self::Off => None,
            Self::Members {
                agent_ids,
                team_ids,
            }
            | Self::ContactOwner {
                agent_ids,
                team_ids,
            } => Some((agent_ids, team_ids)),
        }
    }

    /// The rule as a form edits it: its mode, and the members and teams it names (none when
    /// off).
    pub fn choices(&self) -> (RoutingMode, Vec<String>, Vec<String>) {
        let mode = match self {
            Self::Off => RoutingMode::Off,
            Self::Members { .. } => RoutingMode::Members,
            Self::ContactOwner { .. } => RoutingMode::ContactOwner,
        };
        let (agents, teams) = self.named().unwrap_or_default();
        (mode, agents.to_vec(), teams.to_vec())
    }

    /// The rule a form's choices make.
    pub fn from_choices(mode: RoutingMode, agent_ids: Vec<String>, team_ids: Vec<String>) -> Self {
        match mode {
            RoutingMode::Off => Self::Off,
            RoutingMode::Members => Self::Members {
                agent_ids,
                team_ids,
            },
            RoutingMode::ContactOwner => Self::ContactOwner {
                agent_ids,
                team_ids,
            },
        }
    }
}

/// Most members, and most teams, a routing rule may name.
pub const MAX_ROUTED_MEMBERS: usize = 100;

/// Files in conversations: whether visitors may attach them, how large, and of which kinds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentSettings {
    /// Off: the widget has no attach button and the edge refuses visitors' uploads.
    pub enabled: bool,
    /// Largest file, in bytes; at most [`crate::limits::ATTACHMENT_MAX_BYTES`].
    pub max_bytes: u32,
    /// The kinds accepted, judged from each file's bytes. At least one.
    pub kinds: BTreeSet<FileKind>,
}

impl Default for AttachmentSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            max_bytes: crate::limits::ATTACHMENT_DEFAULT_MAX_BYTES,
            kinds: [
                FileKind::Image,
                FileKind::Pdf,
                FileKind::Text,
                FileKind::Document,
                FileKind::Spreadsheet,
                FileKind::Presentation,
            ]
            .into(),
        }
    }
}

/// A kind of file a site may accept. Never SVG, HTML or anything a browser would run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// PNG, JPEG, GIF, WebP; shown as pictures.
    Image,
    Pdf,
    /// Plain text and CSV (`.txt`, `.csv`, `.log`, `.md`) in UTF-8.
    Text,
    /// Word (`.docx`, `.doc`), OpenDocument text, RTF.
    Document,
    /// Excel (`.xlsx`, `.xls`), OpenDocument spreadsheets.
    Spreadsheet,
    /// PowerPoint (`.pptx`, `.ppt`), OpenDocument presentations.
    Presentation,
    /// ZIP, gzip, 7-Zip.
    Archive,
    /// MP3, M4A, Ogg, WAV, FLAC.
    Audio,
    /// MP4, WebM, QuickTime.
    Video,
}

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
        }
    }
}

/// How the widget looks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branding {
    /// `#rrggbb`; text on it is black or white, whichever keeps WCAG AA contrast.
    pub accent_color: String,
    #[serde(default)]
    pub font: Font,
    #[serde(default)]
    pub launcher_position: LauncherPosition,
}

impl Default for Branding {
    fn default() -> Self {
        Self {
            accent_color: "#2563eb".into(),
            font: Font::default(),
            launcher_position: LauncherPosition::default(),
        }
    }
}

/// The widget's font family: families every device has, so nothing is downloaded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Font {
    /// The platform's UI font.
    #[default]
    System,
    /// A humanist sans-serif stack.
    Sans,
    /// A serif stack.
    Serif,
    /// A rounded sans-serif stack.
    Rounded,
}

/// Which bottom corner the launcher sits in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LauncherPosition {
    #[default]
    Right,
    Left,
}

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

/// Most page rules a site may have in `include` and in `exclude`, each.
pub const PAGE_RULES_MAX: usize = 50;
/// Longest value of a page rule, in characters.
pub const PAGE_RULE_MAX_CHARS: usize = 500;

/// On which pages, and devices, the widget shows (`targeting` in [`ChatSettings`]). Decided at
/// the edge for the page the loader names when it fetches the config (`domain::targeting`), so a
/// single-page app's route change is one more config request, and the rules never ship to
/// pages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetingSettings {
    /// Show only on pages matching at least one of these; none: on every page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<PageRule>,
    /// Never on pages matching any of these, whatever `include` says.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<PageRule>,
    #[serde(default)]
    pub devices: Devices,
}

/// One test of the page's URL, e.g. the path starts with `/pricing`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRule {
    pub part: UrlPart,
    pub test: UrlTest,
    /// Compared with the part as a person reads it (percent-decoded). A path value starts with
    /// `/`; a query value has no `?`.
    pub value: String,
}

/// The part of a page's URL a rule tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UrlPart {
    /// `/shop/shoes`
    Path,
    /// `utm_source=mail&page=2`, without the `?`.
    Query,
}

/// How a rule compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UrlTest {
    Is,
    Contains,
    StartsWith,
    /// The whole part matches, `*` standing for any run of characters and `?` for one
    /// (`/blog/*/comments`).
    Pattern,
}

/// Which visitors' devices show the widget.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Devices {
    #[default]
    All,
    Desktop,
    Mobile,
}
