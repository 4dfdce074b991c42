//! Reports (`GET /api/admin/reports`): how the team did over a period.

use serde::{Deserialize, Serialize};

use crate::Millis;

/// `GET /api/admin/reports?from=MS&to=MS[&channel=chat|messenger|whatsapp]`: how the team did
/// over `[from, to)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub from: Millis,
    pub to: Millis,
    /// The site's time zone, in which `per_day` counts days.
    pub time_zone: String,
    /// Conversations started in the period.
    pub started: u32,
    /// Started per day, every day of the period (zeros included), oldest first.
    pub per_day: Vec<DayCount>,
    /// From the first message to an agent's first reply, for conversations started in the
    /// period that got one.
    pub first_response: Durations,
    /// From the first message to closing, for conversations closed in the period.
    pub time_to_close: Durations,
    /// Who answered: per agent, the conversations started in the period they replied in, and
    /// their replies; most conversations first.
    pub agents: Vec<AgentStats>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    /// `YYYY-MM-DD` in the site's time zone.
    pub day: String,
    pub started: u32,
}

/// Durations in milliseconds: how many, and their median and 90th percentile (nearest rank).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Durations {
    pub count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_ms: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p90_ms: Option<Millis>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentStats {
    pub agent_id: String,
    pub name: String,
    pub conversations: u32,
    pub replies: u32,
}
