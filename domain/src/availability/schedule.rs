//! Business hours: a weekly pattern of opening ranges in the site's IANA time zone, minus dated
//! full-day holiday closures, and where an instant falls in it (open until when, or closed until
//! when).
//!
//! Wall-clock times become instants by one rule: **a wall-clock time means the first instant at
//! which the site's clocks show that time or later.** So a time skipped by a spring-forward change
//! (02:30 in Stockholm on the last Sunday of March) means the instant the clocks jump (03:00 CEST),
//! and a time shown twice by a fall-back change (02:30 on the last Sunday of October) means its
//! first showing (02:30 CEST). The rule applies to openings and closings alike, so a range lying
//! wholly inside a skipped hour is closed that day, and ranges on either side of midnight that
//! touch (`…–24:00` then `00:00–…`) stay one continuous opening whatever the clocks do.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc};
use protocol::settings::{BusinessHours, TimeRange, MAX_HOLIDAYS, MINUTES_PER_DAY, WEEK};

use crate::zone::Zone;

/// Where an instant falls in a schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpeningState {
    /// Within hours; `closes_at` is `None` when the hours never end.
    Open { closes_at: Option<DateTime<Utc>> },
    /// Outside hours; `opens_at` is `None` when they never begin.
    Closed { opens_at: Option<DateTime<Utc>> },
}

/// Days looked at past the last holiday: beyond it the week repeats, and two weeks cover any
/// DST change that empties one day's ranges.
const SETTLE_DAYS: u64 = 15;
/// The furthest ahead an answer is sought. With at most [`MAX_HOLIDAYS`] closures, a
/// schedule with any hours opens within this many days.
const LOOKAHEAD_DAYS: u64 = 7 * (MAX_HOLIDAYS as u64 + 1);

/// Reading business hours: the zone and where an instant falls.
pub trait Schedule {
    /// The time zone, if `time_zone` names one.
    fn zone(&self) -> Option<Zone>;
    /// Whether the hours are open at `now`, and the next instant that changes it.
    fn opening_at(&self, now: DateTime<Utc>) -> OpeningState;
}

impl Schedule for BusinessHours {
    fn zone(&self) -> Option<Zone> {
        Zone::named(&self.time_zone)
    }

    /// Whether the hours are open at `now`, and the next instant that changes it. Total on any
    /// value: ranges that are not within a day are ignored, overlapping ones merged, and an
    /// unknown zone is read as UTC (validated settings have neither).
    fn opening_at(&self, now: DateTime<Utc>) -> OpeningState {
        const NEVER: OpeningState = OpeningState::Closed { opens_at: None };
        if WEEK
            .iter()
            .all(|d| day_ranges(self.weekly.day(*d)).is_empty())
        {
            return NEVER;
        }
        let tz = self.zone().unwrap_or_else(Zone::utc);
        let today = now.with_timezone(&tz).date_naive();
        let last_holiday = self.holidays.range(today..).next_back().copied();
        let horizon = last_holiday
            .unwrap_or(today)
            .min(add_days(today, LOOKAHEAD_DAYS))
            .checked_add_days(chrono::Days::new(SETTLE_DAYS))
            .unwrap_or(NaiveDate::MAX);
        // Runs of touching intervals, in order; the first that ends after `now` decides. Start a
        // day early: yesterday's hours may run past local midnight into `now`.
        let mut run: Option<(DateTime<Utc>, DateTime<Utc>)> = None;
        let mut day = today.pred_opt().unwrap_or(today);
        while day <= horizon {
            for (open, close) in day_intervals(self, &tz, day) {
                run = match run {
                    Some((start, end)) if open <= end => Some((start, end.max(close))),
                    Some((start, end)) if end > now => return state(start, Some(end), now),
                    _ => Some((open, close)),
                };
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        // The last run may go on past the horizon, where only the weekly pattern is left: still
        // open at its end means open every minute of the week, so it never closes.
        let horizon_end = wall_clock(horizon, MINUTES_PER_DAY).map(|t| instant(&tz, t));
        match run {
            Some((start, end)) if end > now => {
                let closes = (Some(end) < horizon_end).then_some(end);
                state(start, closes, now)
            }
            _ => NEVER,
        }
    }
}

/// The opening intervals of one local date, in order: none on a holiday.
fn day_intervals(
    hours: &BusinessHours,
    tz: &Zone,
    date: NaiveDate,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    if hours.holidays.contains(&date) {
        return Vec::new();
    }
    day_ranges(hours.weekly.day(date.weekday()))
        .into_iter()
        .filter_map(|(start, end)| {
            let open = instant(tz, wall_clock(date, start)?);
            let close = instant(tz, wall_clock(date, end)?);
            (open < close).then_some((open, close))
        })
        .collect()
}

fn state(start: DateTime<Utc>, end: Option<DateTime<Utc>>, now: DateTime<Utc>) -> OpeningState {
    if start <= now {
        OpeningState::Open { closes_at: end }
    } else {
        OpeningState::Closed {
            opens_at: Some(start),
        }
    }
}

fn add_days(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(chrono::Days::new(days))
        .unwrap_or(NaiveDate::MAX)
}

/// One day's valid ranges as sorted, disjoint, non-touching `(start, end)` minutes.
fn day_ranges(ranges: &[TimeRange]) -> Vec<(u16, u16)> {
    let mut valid: Vec<(u16, u16)> = ranges
        .iter()
        .filter(|r| r.problem().is_none())
        .map(|r| (r.start, r.end))
        .collect();
    valid.sort_unstable();
    let mut merged: Vec<(u16, u16)> = Vec::with_capacity(valid.len());
    for (start, end) in valid {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// The wall-clock time `minute` minutes after the local midnight starting `date`; 1440 is the
/// next midnight.
fn wall_clock(date: NaiveDate, minute: u16) -> Option<NaiveDateTime> {
    let midnight = date.and_hms_opt(0, 0, 0)?;
    midnight.checked_add_signed(TimeDelta::minutes(i64::from(minute)))
}

/// Longest stretch of skipped wall-clock time searched (Samoa skipped a whole day in 2011).
const GAP_SEARCH_MINUTES: i64 = 48 * 60;

/// The first instant at which clocks in `tz` show `local` or later (see the module doc).
fn instant(tz: &Zone, local: NaiveDateTime) -> DateTime<Utc> {
    let resolve = |t: NaiveDateTime| tz.from_local_datetime(&t).earliest();
    // In a gap, the first wall-clock minute that exists is the one the clocks jumped to, and the
    // instant it names is the change itself. Changes fall on whole minutes.
    (0..=GAP_SEARCH_MINUTES)
        .find_map(|m| resolve(local.checked_add_signed(TimeDelta::minutes(m))?))
        .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
    }

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn skipped_times_mean_the_jump_and_repeated_times_their_first_showing() {
        let sthlm = &Zone::named("Europe/Stockholm").unwrap();
        assert_eq!(
            instant(sthlm, local("2025-03-30 02:30")),
            at("2025-03-30T01:00:00Z")
        );
        assert_eq!(
            instant(sthlm, local("2025-10-26 02:30")),
            at("2025-10-26T00:30:00Z")
        );
        let ny = &Zone::named("America/New_York").unwrap();
        assert_eq!(
            instant(ny, local("2025-03-09 02:00")),
            at("2025-03-09T07:00:00Z")
        );
        assert_eq!(
            instant(ny, local("2025-11-02 01:30")),
            at("2025-11-02T05:30:00Z")
        );
    }

    #[test]
    fn ranges_of_a_day_are_merged_and_invalid_ones_ignored() {
        let r = |start, end| TimeRange { start, end };
        assert_eq!(
            day_ranges(&[
                r(780, 1020),
                r(540, 720),
                r(700, 800),
                r(600, 600),
                r(0, 1441)
            ]),
            vec![(540, 1020)]
        );
        assert_eq!(day_ranges(&[r(540, 720), r(720, 900)]), vec![(540, 900)]);
    }
}
