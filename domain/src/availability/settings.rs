//! Validating a chat channel's availability settings ([`protocol::settings`]): what serde cannot
//! check, with the refused field named so the admin screens can point at it.

use chrono::Weekday;
use protocol::settings::{
    AvailabilityMode, AvailabilitySettings, BusinessHours, WeeklyHours, MAX_HOLIDAYS,
    MAX_RANGES_PER_DAY, WEEK,
};

use super::schedule::Schedule;
use crate::Rejection;

/// Validation of stored settings (the types live in `protocol::settings`).
pub trait ValidateSettings {
    /// See the implementation on [`AvailabilitySettings`].
    fn validate(&self) -> Result<(), Rejection>;
}

impl ValidateSettings for AvailabilitySettings {
    /// Checks what serde cannot: the time zone is an IANA name, each range lies within its day
    /// and starts before it ends, ranges of a day do not overlap (touching is fine and means one
    /// continuous opening: 09:00–12:00 and 12:00–17:00), and the lists are bounded. Overlaps are
    /// refused rather than merged because they are almost always a typing slip the owner should
    /// see. The error is [`ErrorCode::InvalidField`](protocol::api::ErrorCode::InvalidField)
    /// naming the JSON path, e.g. `mode.weekly.monday[1]`.
    fn validate(&self) -> Result<(), Rejection> {
        match &self.mode {
            AvailabilityMode::BusinessHours(hours) => validate_hours(hours, "mode"),
            AvailabilityMode::UserAvailability | AvailabilityMode::AlwaysOn => Ok(()),
        }
    }
}

fn validate_hours(hours: &BusinessHours, path: &str) -> Result<(), Rejection> {
    if hours.zone().is_none() {
        return Err(Rejection::field(
            &format!("{path}.time_zone"),
            "must be an IANA time zone name such as `Europe/Stockholm`",
        ));
    }
    for weekday in WEEK {
        validate_day(hours, weekday, path)?;
    }
    if hours.holidays.len() > MAX_HOLIDAYS {
        return Err(Rejection::field(
            &format!("{path}.holidays"),
            &format!("can list at most {MAX_HOLIDAYS} dates"),
        ));
    }
    Ok(())
}

fn validate_day(hours: &BusinessHours, weekday: Weekday, path: &str) -> Result<(), Rejection> {
    let day = format!("{path}.weekly.{}", WeeklyHours::field_name(weekday));
    let ranges = hours.weekly.day(weekday);
    if ranges.len() > MAX_RANGES_PER_DAY {
        return Err(Rejection::field(
            &day,
            &format!("can have at most {MAX_RANGES_PER_DAY} ranges"),
        ));
    }
    for (i, range) in ranges.iter().enumerate() {
        if let Some(problem) = range.problem() {
            return Err(Rejection::field(&format!("{day}[{i}]"), problem));
        }
    }
    // Sorted by start, a range overlaps another only if it starts before its predecessor ends.
    let mut order: Vec<usize> = (0..ranges.len()).collect();
    order.sort_by_key(|&i| ranges[i].start);
    for pair in order.windows(2) {
        let (earlier, later) = (pair[0], pair[1]);
        if ranges[later].start < ranges[earlier].end {
            return Err(Rejection::field(
                &format!("{day}[{later}]"),
                &format!("overlaps `{day}[{earlier}]`"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use protocol::api::ErrorCode;
    use serde_json::json;

    use super::*;
    use crate::availability::TimeRange;
    use protocol::settings::{OfflineBehaviour, TypicalReplyTime};

    /// Stored JSON of business hours in Stockholm with these Monday ranges.
    fn monday(ranges: &[(u16, u16)]) -> AvailabilitySettings {
        let ranges: Vec<_> = ranges
            .iter()
            .map(|(start, end)| json!({"start": start, "end": end}))
            .collect();
        serde_json::from_value(json!({"mode": {
            "kind": "business_hours",
            "time_zone": "Europe/Stockholm",
            "weekly": {"monday": ranges},
        }}))
        .unwrap()
    }

    fn refused(settings: &AvailabilitySettings) -> String {
        let err = settings.validate().unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidField);
        err.message
    }

    fn hours_of(settings: &mut AvailabilitySettings) -> &mut BusinessHours {
        match &mut settings.mode {
            AvailabilityMode::BusinessHours(hours) => hours,
            other => panic!("not business hours: {other:?}"),
        }
    }

    #[test]
    fn invalid_settings_are_refused_naming_the_field() {
        let mut bad_zone = monday(&[(540, 1020)]);
        hours_of(&mut bad_zone).time_zone = "Europe/Stokholm".into();
        assert!(refused(&bad_zone).starts_with("`mode.time_zone` must be an IANA"));

        let too_many = vec![(540, 720); MAX_RANGES_PER_DAY + 1];
        let cases: [(&[(u16, u16)], &str); 6] = [
            (
                &[(540, 540)],
                "`mode.weekly.monday[0]` must start before it ends",
            ),
            (
                &[(600, 540)],
                "`mode.weekly.monday[0]` must start before it ends",
            ),
            (
                &[(540, 600), (1200, 1441)],
                "`mode.weekly.monday[1]` must lie within the day",
            ),
            (
                &[(1440, 1500)],
                "`mode.weekly.monday[0]` must lie within the day",
            ),
            (
                &[(780, 1020), (540, 800)],
                "`mode.weekly.monday[0]` overlaps `mode.weekly.monday[1]`",
            ),
            (&too_many, "`mode.weekly.monday` can have at most"),
        ];
        for (ranges, want) in cases {
            let message = refused(&monday(ranges));
            assert!(message.starts_with(want), "{ranges:?}: {message}");
        }

        let mut many_holidays = monday(&[(540, 1020)]);
        let first = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
        hours_of(&mut many_holidays).holidays = first.iter_days().take(MAX_HOLIDAYS + 1).collect();
        assert!(refused(&many_holidays).starts_with("`mode.holidays` "));
    }

    #[test]
    fn touching_ranges_and_a_close_at_midnight_are_valid() {
        assert_eq!(monday(&[(720, 1440), (0, 720)]).validate(), Ok(()));
        assert_eq!(AvailabilitySettings::default().validate(), Ok(()));
    }

    #[test]
    fn settings_are_stored_as_tagged_snake_case_json() {
        let mut settings = monday(&[(540, 1020)]);
        settings.typical_reply = Some(TypicalReplyTime::AFewMinutes);
        hours_of(&mut settings).holidays = ["2025-12-25".parse().unwrap()].into();
        let json = serde_json::to_value(&settings).unwrap();
        let expected = json!({
            "mode": {
                "kind": "business_hours",
                "time_zone": "Europe/Stockholm",
                "weekly": {
                    "monday": [{"start": 540, "end": 1020}],
                    "tuesday": [], "wednesday": [], "thursday": [], "friday": [],
                    "saturday": [], "sunday": []
                },
                "holidays": ["2025-12-25"]
            },
            "when_away": "show_away_message",
            "when_offline": "show_next_opening",
            "when_at_capacity": "show_waiting_message",
            "typical_reply": "a_few_minutes"
        });
        assert_eq!(json, expected);
        let back: AvailabilitySettings = serde_json::from_value(json).unwrap();
        assert_eq!(back, settings);
        assert_eq!(
            hours_of(&mut settings).weekly.day(Weekday::Mon),
            [TimeRange {
                start: 540,
                end: 1020
            }]
        );

        // Only the mode is required: behaviours default, days and holidays may be left out.
        let parsed: AvailabilitySettings =
            serde_json::from_str(r#"{"mode":{"kind":"always_on"}}"#).unwrap();
        assert_eq!(parsed.mode, AvailabilityMode::AlwaysOn);
        assert_eq!(parsed.when_offline, OfflineBehaviour::ShowNextOpening);
        assert_eq!(parsed.typical_reply, None);
    }
}
