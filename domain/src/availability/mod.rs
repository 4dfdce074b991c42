//! Whether a chat channel is available, away, offline or at capacity: one pure function of the
//! channel's [settings](AvailabilitySettings), the presence of the agents its routing rules name,
//! and an instant the caller passes (this crate never reads a clock). The edge calls
//! [`availability`] to build the public widget config, to push live changes, and to set cache
//! lifetimes from [`Availability::changes_at`].
//!
//! # Precedence
//! Holiday, then business hours, then presence, then capacity:
//! 1. Outside business hours (a holiday is a day outside them) the channel is **offline**,
//!    whoever is signed in; the next opening skips holidays and follows DST (see
//!    [`BusinessHours`] for how skipped and repeated wall-clock times are read).
//! 2. Otherwise, with no routed agent available, it is **away**.
//! 3. Otherwise, when every *available* routed agent is at or over their chat limit, it is **at
//!    capacity**. Agents who are away do not count: their free slots cannot answer anyone. An
//!    agent with no limit is never full. "At capacity" therefore needs someone available; with
//!    nobody available the team is away, not busy.
//! 4. Otherwise it is **available**.
//!
//! `UserAvailability` is step 2 onwards with no hours: nobody available is *away*, never offline,
//! since there is no opening time to show.
//!
//! `AlwaysOn` (24/7) skips step 2: it is what an owner picks to say "always take chats, we answer
//! when we can", as HubSpot's 24/7 shows the chat as available whoever is signed in. Showing
//! "away" at 3 a.m. would undo that choice; an owner who wants it picks user availability.
//! Capacity still applies, because it is about agents who *are* there and already full.
//!
//! With [`CapacityBehaviour::ShowAsAvailable`] a full team is reported as available, since
//! nothing the visitor sees changes; so [`AvailabilityStatus::AtCapacity`] always asks the
//! widget to do something.

mod schedule;
mod settings;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use protocol::settings::{
    AvailabilityMode, AvailabilitySettings, AwayBehaviour, BusinessHours, CapacityBehaviour,
    OfflineBehaviour, TimeRange, TypicalReplyTime, WeeklyHours, MAX_HOLIDAYS, MAX_RANGES_PER_DAY,
    MINUTES_PER_DAY, WEEK,
};
pub use schedule::{OpeningState, Schedule};
pub use settings::ValidateSettings;

/// One agent named by the channel's routing rules, as the inbox's presence state has them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentPresence {
    /// Set to available (signed in and not away).
    pub available: bool,
    /// Open conversations assigned to the agent now.
    pub open_conversations: u32,
    /// The agent's chat limit; `None` is unlimited.
    pub capacity: Option<u32>,
}

impl AgentPresence {
    /// Whether the agent can take no more chats.
    pub fn at_capacity(&self) -> bool {
        self.capacity
            .is_some_and(|limit| self.open_conversations >= limit)
    }
}

/// The channel's availability at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Availability {
    pub status: AvailabilityStatus,
    /// The next instant the status could change by the clock alone (the next opening or
    /// closing); `None` when the clock cannot change it. Presence and capacity changes come as
    /// events, not at a known time, so they are not counted here.
    pub changes_at: Option<DateTime<Utc>>,
}

/// What the visitor is shown. Not a wire type: the edge maps it into the public widget config.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AvailabilityStatus {
    /// Someone can answer.
    Available {
        typical_reply: Option<TypicalReplyTime>,
    },
    /// Within hours (or in user-availability mode) with no routed agent available.
    Away { behaviour: AwayBehaviour },
    /// Outside business hours. `next_opening` is `None` when the hours never open again.
    Offline {
        next_opening: Option<DateTime<Utc>>,
        behaviour: OfflineBehaviour,
    },
    /// Every available routed agent is at their chat limit; `behaviour` is never
    /// [`CapacityBehaviour::ShowAsAvailable`].
    AtCapacity { behaviour: CapacityBehaviour },
}

impl AvailabilityStatus {
    /// Whether the loader draws the launcher.
    pub fn launcher_visible(&self) -> bool {
        !matches!(
            self,
            Self::Offline {
                behaviour: OfflineBehaviour::HideLauncher,
                ..
            } | Self::AtCapacity {
                behaviour: CapacityBehaviour::HideLauncher
            }
        )
    }
}

impl Availability {
    /// Whether the loader draws the launcher.
    pub fn launcher_visible(&self) -> bool {
        self.status.launcher_visible()
    }
}

/// The channel's availability at `now` (see the module doc for precedence). `agents` are those
/// the routing rules name; `now` is the caller's clock. Settings should have passed
/// [`AvailabilitySettings::validate`]; if not, the answer is still deterministic (invalid ranges
/// are ignored, an unknown zone is read as UTC) and the function never panics.
pub fn availability(
    settings: &AvailabilitySettings,
    agents: &[AgentPresence],
    now: DateTime<Utc>,
) -> Availability {
    let (presence_counts, changes_at) = match &settings.mode {
        AvailabilityMode::UserAvailability => (true, None),
        AvailabilityMode::AlwaysOn => (false, None),
        AvailabilityMode::BusinessHours(hours) => match hours.opening_at(now) {
            OpeningState::Open { closes_at } => (true, closes_at),
            OpeningState::Closed { opens_at } => {
                return Availability {
                    status: AvailabilityStatus::Offline {
                        next_opening: opens_at,
                        behaviour: settings.when_offline,
                    },
                    changes_at: opens_at,
                };
            }
        },
    };
    let mut available = agents.iter().filter(|a| a.available).peekable();
    let anyone_available = available.peek().is_some();
    let all_full = anyone_available && available.all(AgentPresence::at_capacity);
    let status = if presence_counts && !anyone_available {
        AvailabilityStatus::Away {
            behaviour: settings.when_away,
        }
    } else if all_full && settings.when_at_capacity != CapacityBehaviour::ShowAsAvailable {
        AvailabilityStatus::AtCapacity {
            behaviour: settings.when_at_capacity,
        }
    } else {
        AvailabilityStatus::Available {
            typical_reply: settings.typical_reply,
        }
    };
    Availability { status, changes_at }
}

/// Whether someone can answer the site's chat at `now_ms`, and, when nobody can, when the team
/// is back as a bot's handover says it: the next opening in the business hours' zone
/// (`2026-12-08 09:00 UTC+1`, the transcripts' form, which reads the same in every language),
/// else "soon". A team at capacity can answer (later): the visitor waits in its queue.
pub fn team_now(
    settings: &protocol::settings::ChatSettings,
    agents: &[AgentPresence],
    now_ms: protocol::Millis,
) -> (bool, String) {
    let now = DateTime::<Utc>::from_timestamp_millis(now_ms).unwrap_or_default();
    match availability(&settings.availability, agents, now).status {
        AvailabilityStatus::Available { .. } | AvailabilityStatus::AtCapacity { .. } => {
            (true, String::new())
        }
        AvailabilityStatus::Offline {
            next_opening: Some(at),
            ..
        } => {
            let zone = crate::email::transcript::time_zone(settings);
            (
                false,
                crate::email::transcript::when(at.timestamp_millis(), &zone),
            )
        }
        _ => (false, "soon".to_owned()),
    }
}
