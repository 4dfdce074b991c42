//! A chat channel's availability as the owner sets it: the mode (members' presence, business
//! hours, always on), the week's opening ranges and holidays in the site's time zone, and what
//! the visitor sees when the team is away, offline or at capacity. Whether the channel is
//! available at a moment is `domain::availability`'s to decide.

use std::collections::BTreeSet;

use chrono::{NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

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
