//! On which pages, and devices, the widget shows: page rules on the URL's path or query, and
//! the kinds of device.

use serde::{Deserialize, Serialize};

/// Most page rules a site may have in `include` and in `exclude`, each.
pub const PAGE_RULES_MAX: usize = 50;
/// Longest value of a page rule, in characters.
pub const PAGE_RULE_MAX_CHARS: usize = 500;

/// On which pages, and devices, the widget shows (`targeting` in
/// [`ChatSettings`](super::ChatSettings)). Decided at the edge for the page the loader names when
/// it fetches the config (`domain::targeting`), so a single-page app's route change is one more
/// config request, and the rules never ship to pages.
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
