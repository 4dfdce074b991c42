//! What the visitor is shown for a site's availability, as the edge decided it
//! ([`PublicAvailability`]), and when to ask the edge again. Pure, tested natively; the widget
//! draws the result and formats times with the browser's `Intl`.

use protocol::api::PublicAvailability;
use protocol::settings::TypicalReplyTime;
use protocol::Millis;

/// The availability as the widget draws it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shown {
    /// The state's stable name (`available`, `away`, `offline`, `at_capacity`), for styling
    /// and tests.
    pub state: &'static str,
    /// "Typically replies …" under the heading; only promised while available.
    pub reply_time: Option<TypicalReplyTime>,
    /// The chat is marked "Away" in its header (the away-mode widget) instead of a notice.
    pub away_marker: bool,
    /// The notice above the composer, if any.
    pub notice: Option<Notice>,
}

/// A notice above the composer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// A text the site owner wrote (away, offline or waiting message).
    Text(String),
    /// "We're back …": the next opening, to format in the visitor's time zone and language.
    BackAt(Millis),
}

/// What to show for `availability`. The visitor can write in every state: a message left while
/// nobody is there is answered later.
pub fn shown(availability: &PublicAvailability) -> Shown {
    match availability {
        PublicAvailability::Available { typical_reply } => Shown {
            state: "available",
            reply_time: *typical_reply,
            away_marker: false,
            notice: None,
        },
        PublicAvailability::Away { message, away_mode } => Shown {
            state: "away",
            reply_time: None,
            away_marker: *away_mode,
            notice: (!away_mode).then(|| Notice::Text(message.clone())),
        },
        PublicAvailability::Offline {
            next_opening,
            message,
        } => Shown {
            state: "offline",
            reply_time: None,
            away_marker: false,
            notice: next_opening
                .map(Notice::BackAt)
                .or_else(|| message.clone().map(Notice::Text)),
        },
        PublicAvailability::AtCapacity { message } => Shown {
            state: "at_capacity",
            reply_time: None,
            away_marker: false,
            notice: Some(Notice::Text(message.clone())),
        },
    }
}

/// Whether an opening this far ahead needs its date: a weekday alone names a day within the
/// coming week, so anything six days or more away would be read as too soon.
pub fn opening_needs_date(opening: Millis, now: Millis) -> bool {
    opening.saturating_sub(now) >= 6 * DAY_MS
}

const DAY_MS: Millis = 24 * 60 * 60 * 1000;

/// Re-fetch the config at least this often while it is looked at: presence can change any time.
pub const POLL_MS: u32 = 60_000;
/// Never sooner than this after the last fetch, whatever `refresh_at` says (clock skew, a
/// time just past): an edge answering "now" must not be asked in a loop.
pub const MIN_REFETCH_MS: u32 = 5_000;

/// Milliseconds until the config should be fetched again: at `refresh_at` (when the answer
/// changes by the clock alone) or after [`POLL_MS`], whichever is sooner, but not before
/// [`MIN_REFETCH_MS`].
pub fn next_fetch_in(refresh_at: Option<Millis>, now: Millis) -> u32 {
    let until = refresh_at.map_or(i64::from(POLL_MS), |at| at.saturating_sub(now));
    let clamped = until.clamp(i64::from(MIN_REFETCH_MS), i64::from(POLL_MS));
    u32::try_from(clamped).unwrap_or(POLL_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn available_promises_a_reply_time_only_when_set() {
        let with = shown(&PublicAvailability::Available {
            typical_reply: Some(TypicalReplyTime::AnHour),
        });
        assert_eq!(with.state, "available");
        assert_eq!(with.reply_time, Some(TypicalReplyTime::AnHour));
        assert_eq!(with.notice, None);
        let without = shown(&PublicAvailability::Available {
            typical_reply: None,
        });
        assert_eq!(without.reply_time, None);
    }

    #[test]
    fn away_shows_the_message_or_the_marker() {
        let message = "Back soon".to_owned();
        let notice = shown(&PublicAvailability::Away {
            message: message.clone(),
            away_mode: false,
        });
        assert_eq!(notice.state, "away");
        assert_eq!(notice.notice, Some(Notice::Text(message.clone())));
        assert!(!notice.away_marker);
        let marked = shown(&PublicAvailability::Away {
            message,
            away_mode: true,
        });
        assert!(marked.away_marker);
        assert_eq!(marked.notice, None);
        assert_eq!(marked.reply_time, None, "no promise while away");
    }

    #[test]
    fn offline_prefers_the_next_opening_over_the_message() {
        let both = shown(&PublicAvailability::Offline {
            next_opening: Some(1_795_300_000_000),
            message: Some("Closed".into()),
        });
        assert_eq!(both.state, "offline");
        assert_eq!(both.notice, Some(Notice::BackAt(1_795_300_000_000)));
        let message = shown(&PublicAvailability::Offline {
            next_opening: None,
            message: Some("Closed".into()),
        });
        assert_eq!(message.notice, Some(Notice::Text("Closed".into())));
        let nothing = shown(&PublicAvailability::Offline {
            next_opening: None,
            message: None,
        });
        assert_eq!(nothing.notice, None);
    }

    #[test]
    fn at_capacity_shows_the_waiting_message() {
        let busy = shown(&PublicAvailability::AtCapacity {
            message: "Busy".into(),
        });
        assert_eq!(busy.state, "at_capacity");
        assert_eq!(busy.notice, Some(Notice::Text("Busy".into())));
    }

    #[test]
    fn a_date_is_added_from_six_days_ahead() {
        let now = 1_795_000_000_000;
        assert!(!opening_needs_date(now + 5 * DAY_MS, now));
        assert!(opening_needs_date(now + 6 * DAY_MS, now));
        assert!(!opening_needs_date(now - DAY_MS, now), "a past opening");
    }

    #[test]
    fn the_next_fetch_is_the_sooner_of_refresh_at_and_the_poll_clamped() {
        let now = 1_795_000_000_000;
        assert_eq!(next_fetch_in(None, now), POLL_MS);
        assert_eq!(next_fetch_in(Some(now + 20_000), now), 20_000);
        assert_eq!(next_fetch_in(Some(now + 3_600_000), now), POLL_MS);
        assert_eq!(next_fetch_in(Some(now + 1_000), now), MIN_REFETCH_MS);
        assert_eq!(next_fetch_in(Some(now - 50_000), now), MIN_REFETCH_MS);
        assert_eq!(next_fetch_in(Some(i64::MIN), now), MIN_REFETCH_MS);
        assert_eq!(next_fetch_in(Some(i64::MAX), i64::MIN), POLL_MS);
    }
}
