//! Chatflows (issue 24): what a visitor meets on a page. A site has any number of flows, each a
//! live chat (a welcome, then the team) or a bot (a script, `crate::bot`), each with its own
//! targeting, display and inbox. The edge picks one flow for a page when it answers the widget
//! config (`domain::flows::choose`), so the host page still pays only for the loader and the
//! config before the visitor acts.
//!
//! Editing changes a flow's draft; publishing freezes it as a numbered, immutable version, and
//! only published versions run. A session keeps the version it started on.

use serde::{Deserialize, Serialize};

use crate::bot::{Bot, Test};
use crate::i18n::Language;
use crate::settings::TargetingSettings;
use crate::Millis;

/// One chatflow as admins edit it (the draft) and as a version freezes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Chatflow {
    pub name: String,
    pub kind: FlowKind,
    /// The inbox its conversations go to.
    pub inbox_id: String,
    /// The language its texts are written in (and the chat speaks).
    pub language: Language,
    /// Whether it runs at all (published, and switched on).
    #[serde(default)]
    pub enabled: bool,
    /// Among flows equally specific for a page, the lower runs (1 first).
    #[serde(default = "default_priority")]
    pub priority: u32,
    #[serde(default)]
    pub display: FlowDisplay,
    #[serde(default)]
    pub targeting: FlowTargeting,
    /// The script, for a bot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot: Option<Bot>,
}

fn default_priority() -> u32 {
    100
}

/// Live chat or bot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowKind {
    /// The welcome message, then the team.
    LiveChat,
    /// The bot's script, which may hand over to the team.
    Bot,
}

/// How the flow shows itself: its welcome, and when the welcome pops beside the launcher.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowDisplay {
    /// The first thing the chat says (a bot's first message comes after it; empty: none).
    #[serde(default)]
    pub welcome: String,
    #[serde(default)]
    pub prompt: Prompt,
}

/// When the welcome pops beside the launcher, unasked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Prompt {
    /// Never: the visitor opens the chat themselves.
    #[default]
    Never,
    /// This many seconds after the page loads.
    AfterSeconds { seconds: u32 },
    /// Once the visitor has scrolled this far down the page (1 to 100 %).
    AtScroll { percent: u8 },
    /// When the pointer leaves towards the browser's bar (desktop only).
    ExitIntent,
}

/// Where and for whom the flow runs: the site's page rules and devices, and rules on the
/// visitor (all must hold).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FlowTargeting {
    #[serde(default)]
    pub pages: TargetingSettings,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub visitors: Vec<VisitorRule>,
}

/// A rule on the visitor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VisitorRule {
    /// They are a contact the team knows (or not).
    Contact { known: bool },
    /// A contact property (or `name`, `email`, `phone`) as the contact has it.
    Property { key: String, test: Test },
    /// The language their browser asks for (the chat's choice among the site's languages).
    Language { language: Language },
    /// The page they came from (the referrer's full URL; unknown when none).
    Referrer { test: Test },
    /// A UTM parameter of the page's URL (`source`, `medium`, `campaign`, `term`, `content`).
    Utm { parameter: String, test: Test },
}

/// A published version of a flow: frozen, numbered from 1.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlowVersion {
    pub version: u32,
    pub published_at: Millis,
    /// The member who published it.
    pub published_by: String,
    pub flow: Chatflow,
}
