//! The arithmetic of reports: percentiles of durations (nearest rank, so every figure is one that
//! happened), the period's days in the site's time zone, and conversations counted per day.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use protocol::api::{DayCount, Durations};
use protocol::settings::ChatSettings;
use protocol::Millis;

use crate::zone::Zone;
use crate::Rejection;

/// The longest period a report covers.
pub const MAX_PERIOD_MS: Millis = 366 * 24 * 60 * 60 * 1000;

/// The zone a site's reports count days in: its business hours' zone, else UTC.
pub fn zone(settings: Option<&ChatSettings>) -> Zone {
    settings.map_or_else(Zone::utc, crate::email::transcript::time_zone)
}

/// Checks a report's period.
pub fn validate_period(from: Millis, to: Millis) -> Result<(), Rejection> {
    if from >= to {
        return Err(Rejection::field("to", "must be after `from`"));
    }
    if to - from > MAX_PERIOD_MS {
        return Err(Rejection::field(
            "to",
            "must be at most 366 days after `from`",
        ));
    }
    Ok(())
}

/// Median and 90th percentile of `values` by nearest rank (the ⌈p·n⌉-th smallest).
pub fn durations(mut values: Vec<Millis>) -> Durations {
    values.retain(|v| *v >= 0);
    values.sort_unstable();
    let rank = |p: usize| -> Option<Millis> {
        if values.is_empty() {
            return None;
        }
        let k = (p * values.len()).div_ceil(100).max(1);
        values.get(k - 1).copied()
    };
    Durations {
        count: u32::try_from(values.len()).unwrap_or(u32::MAX),
        median_ms: rank(50),
        p90_ms: rank(90),
    }
}

/// A duration as a person reads it: `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`.
pub fn human_duration(ms: Millis) -> String {
    let s = ms.max(0) / 1000;
    match s {
        0..=59 => format!("{s} s"),
        60..=3_599 => format!("{} min", s / 60),
        3_600..=86_399 => match (s % 3_600) / 60 {
            0 => format!("{} h", s / 3_600),
            m => format!("{} h {m} min", s / 3_600),
        },
        _ => match (s % 86_400) / 3_600 {
            0 => format!("{} d", s / 86_400),
            h => format!("{} d {h} h", s / 86_400),
        },
    }
}

fn day_of(at: Millis, tz: &Zone) -> NaiveDate {
    let utc: DateTime<Utc> = Utc.timestamp_millis_opt(at).single().unwrap_or_default();
    utc.with_timezone(tz).date_naive()
}

/// Every day of `[from, to)` in `tz`, with how many of `started` (times) fall on each.
pub fn per_day(from: Millis, to: Millis, tz: &Zone, started: &[Millis]) -> Vec<DayCount> {
    let first = day_of(from, tz);
    let last = day_of(to - 1, tz);
    let mut days = Vec::new();
    let mut day = first;
    while day <= last && days.len() <= 400 {
        days.push((day, 0u32));
        day += Duration::days(1);
    }
    for at in started.iter().filter(|at| (from..to).contains(*at)) {
        let d = day_of(*at, tz);
        if let Some(slot) = days.iter_mut().find(|(day, _)| *day == d) {
            slot.1 += 1;
        }
    }
    days.into_iter()
        .map(|(d, started)| DayCount {
            day: format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
            started,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Millis = 60_000;

    #[test]
    fn percentiles_are_values_that_happened() {
        let d = durations(vec![5 * MIN, MIN, 3 * MIN, 2 * MIN, 4 * MIN]);
        assert_eq!(d.count, 5);
        assert_eq!(d.median_ms, Some(3 * MIN));
        assert_eq!(d.p90_ms, Some(5 * MIN));
        let ten: Vec<Millis> = (1..=10).map(|m| m * MIN).collect();
        let d = durations(ten);
        assert_eq!((d.median_ms, d.p90_ms), (Some(5 * MIN), Some(9 * MIN)));
        assert_eq!(durations(vec![7]).p90_ms, Some(7));
        assert_eq!(durations(Vec::new()), Durations::default());
        // A negative duration (a clock step) is not a duration.
        assert_eq!(durations(vec![-1, 4]).count, 1);
    }

    #[test]
    fn days_are_counted_in_the_sites_zone_with_empty_days_kept() {
        // 2026-06-01T00:00:00Z .. 2026-06-04T00:00:00Z, in Stockholm (UTC+2 in June).
        let from = 1_780_272_000_000;
        let to = from + 3 * 24 * 60 * MIN;
        let tz = Zone::named("Europe/Stockholm").unwrap();
        let started = [
            from + 30 * MIN,      // 02:30 on the 1st in Stockholm
            from + 23 * 60 * MIN, // 01:00 on the 2nd in Stockholm
            from + 24 * 60 * MIN, // 02:00 on the 2nd
            to + MIN,             // outside
        ];
        let days = per_day(from, to, &tz, &started);
        let counted: Vec<(&str, u32)> = days.iter().map(|d| (d.day.as_str(), d.started)).collect();
        assert_eq!(
            counted,
            [
                ("2026-06-01", 1),
                ("2026-06-02", 2),
                ("2026-06-03", 0),
                ("2026-06-04", 0)
            ]
        );
    }

    #[test]
    fn durations_read_as_a_person_says_them() {
        assert_eq!(human_duration(45_000), "45 s");
        assert_eq!(human_duration(12 * MIN + 30_000), "12 min");
        assert_eq!(human_duration(3 * 60 * MIN), "3 h");
        assert_eq!(human_duration(3 * 60 * MIN + 5 * MIN), "3 h 5 min");
        assert_eq!(human_duration(2 * 24 * 60 * MIN + 4 * 60 * MIN), "2 d 4 h");
        assert_eq!(human_duration(-5), "0 s");
    }

    #[test]
    fn a_period_runs_forward_and_at_most_a_year() {
        assert!(validate_period(1, 2).is_ok());
        assert!(validate_period(2, 2).unwrap_err().message.contains("`to`"));
        assert!(validate_period(0, MAX_PERIOD_MS + 1).is_err());
    }
}
