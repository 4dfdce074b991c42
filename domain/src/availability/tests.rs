//! The availability table: modes, boundaries, holidays, DST changes in Stockholm and New York,
//! capacity; and the invariant that `changes_at` is the next change, checked all year.

use chrono::TimeDelta;

use super::*;

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
}

/// "09:00-12:00 13:00-24:00" as ranges.
fn ranges(spec: &str) -> Vec<TimeRange> {
    let minute = |hm: &str| {
        let (h, m) = hm.split_once(':').unwrap();
        h.parse::<u16>().unwrap() * 60 + m.parse::<u16>().unwrap()
    };
    spec.split_whitespace()
        .map(|r| {
            let (start, end) = r.split_once('-').unwrap();
            TimeRange {
                start: minute(start),
                end: minute(end),
            }
        })
        .collect()
}

/// Business-hours settings; `week` is Monday first.
fn hours(zone: &str, week: [&str; 7], holidays: &[&str]) -> AvailabilitySettings {
    let [mon, tue, wed, thu, fri, sat, sun] = week.map(ranges);
    let weekly = WeeklyHours {
        monday: mon,
        tuesday: tue,
        wednesday: wed,
        thursday: thu,
        friday: fri,
        saturday: sat,
        sunday: sun,
    };
    let holidays = holidays.iter().map(|d| d.parse().unwrap()).collect();
    let settings = AvailabilitySettings {
        mode: AvailabilityMode::BusinessHours(Box::new(BusinessHours {
            time_zone: zone.into(),
            weekly,
            holidays,
        })),
        ..Default::default()
    };
    settings.validate().unwrap();
    settings
}

fn mode(mode: AvailabilityMode) -> AvailabilitySettings {
    AvailabilitySettings {
        mode,
        ..Default::default()
    }
}

const fn agent(available: bool, open: u32, capacity: Option<u32>) -> AgentPresence {
    AgentPresence {
        available,
        open_conversations: open,
        capacity,
    }
}

const FREE: &[AgentPresence] = &[agent(false, 0, None), agent(true, 1, Some(3))];
const NOBODY: &[AgentPresence] = &[agent(false, 0, Some(3))];
const FULL: &[AgentPresence] = &[agent(true, 3, Some(3)), agent(true, 5, Some(2))];
const ONE_ROOM: &[AgentPresence] = &[agent(true, 3, Some(3)), agent(true, 1, Some(2))];
const UNLIMITED: &[AgentPresence] = &[agent(true, 3, Some(3)), agent(true, 99, None)];
/// The only agent with room is away, so the team is full.
const ROOM_ONLY_AWAY: &[AgentPresence] = &[agent(true, 2, Some(2)), agent(false, 0, Some(5))];

/// The status, reduced to what a table row states.
#[derive(Debug, PartialEq)]
enum Seen {
    Available,
    Away,
    AtCapacity,
    Offline(Option<DateTime<Utc>>),
}

fn seen(a: &Availability) -> Seen {
    match a.status {
        AvailabilityStatus::Available { .. } => Seen::Available,
        AvailabilityStatus::Away { .. } => Seen::Away,
        AvailabilityStatus::AtCapacity { .. } => Seen::AtCapacity,
        AvailabilityStatus::Offline { next_opening, .. } => Seen::Offline(next_opening),
    }
}

fn offline(next: &str) -> Seen {
    Seen::Offline(Some(at(next)))
}

fn stockholm() -> AvailabilitySettings {
    let (d, sat) = ("09:00-12:00 13:00-17:00", "10:00-14:00");
    let christmas = ["2025-12-24", "2025-12-25", "2025-12-26"];
    hours("Europe/Stockholm", [d, d, d, d, d, sat, ""], &christmas)
}

fn new_york() -> AvailabilitySettings {
    let d = "08:00-12:00 12:30-18:00";
    hours("America/New_York", [d, d, d, d, d, "", "01:00-03:00"], &[])
}

/// Name, settings, routed agents, now, what the visitor sees, when it changes by the clock.
type Row<'a> = (
    &'a str,
    &'a AvailabilitySettings,
    &'a [AgentPresence],
    &'a str,
    Seen,
    Option<&'a str>,
);

#[test]
fn the_table() {
    let sthlm = stockholm();
    let ny = new_york();
    // Sundays 02:30-05:00: starts inside the spring-forward gap and the fall-back repeat.
    let sthlm_night = hours(
        "Europe/Stockholm",
        ["", "", "", "", "", "", "02:30-05:00"],
        &[],
    );
    let overnight = hours(
        "Europe/Stockholm",
        ["", "", "", "", "18:00-24:00", "00:00-02:00", ""],
        &[],
    );
    let mondays = hours(
        "America/New_York",
        ["09:00-10:00", "", "", "", "", "", ""],
        &[],
    );
    let all = "00:00-24:00";
    let round_the_clock = hours("Europe/Stockholm", [all; 7], &["2025-12-25"]);
    let never = hours("Europe/Stockholm", [""; 7], &["2025-12-25"]);
    let always_on = mode(AvailabilityMode::AlwaysOn);
    let by_presence = mode(AvailabilityMode::UserAvailability);
    let full_is_fine = AvailabilitySettings {
        when_at_capacity: CapacityBehaviour::ShowAsAvailable,
        ..stockholm()
    };

    #[rustfmt::skip]
    let table: &[Row] = &[
        // Boundaries on a Tuesday in Stockholm (CEST, +02:00), two ranges a day.
        ("inside the morning", &sthlm, FREE, "2025-06-10T10:00:00+02:00", Seen::Available, Some("2025-06-10T12:00:00+02:00")),
        ("just before lunch", &sthlm, FREE, "2025-06-10T11:59:59+02:00", Seen::Available, Some("2025-06-10T12:00:00+02:00")),
        ("at lunch", &sthlm, FREE, "2025-06-10T12:00:00+02:00", offline("2025-06-10T13:00:00+02:00"), Some("2025-06-10T13:00:00+02:00")),
        ("just after lunch starts", &sthlm, FREE, "2025-06-10T12:00:01+02:00", offline("2025-06-10T13:00:00+02:00"), Some("2025-06-10T13:00:00+02:00")),
        ("just before opening", &sthlm, FREE, "2025-06-10T08:59:59+02:00", offline("2025-06-10T09:00:00+02:00"), Some("2025-06-10T09:00:00+02:00")),
        ("at opening", &sthlm, FREE, "2025-06-10T09:00:00+02:00", Seen::Available, Some("2025-06-10T12:00:00+02:00")),
        ("just before closing", &sthlm, FREE, "2025-06-10T16:59:59+02:00", Seen::Available, Some("2025-06-10T17:00:00+02:00")),
        ("overnight", &sthlm, FREE, "2025-06-10T20:00:00+02:00", offline("2025-06-11T09:00:00+02:00"), Some("2025-06-11T09:00:00+02:00")),
        ("saturday hours", &sthlm, FREE, "2025-06-14T10:30:00+02:00", Seen::Available, Some("2025-06-14T14:00:00+02:00")),
        ("saturday after closing", &sthlm, FREE, "2025-06-14T15:00:00+02:00", offline("2025-06-16T09:00:00+02:00"), Some("2025-06-16T09:00:00+02:00")),
        ("sunday", &sthlm, FREE, "2025-06-15T12:00:00+02:00", offline("2025-06-16T09:00:00+02:00"), Some("2025-06-16T09:00:00+02:00")),
        // Presence and capacity within hours.
        ("nobody available", &sthlm, NOBODY, "2025-06-10T10:00:00+02:00", Seen::Away, Some("2025-06-10T12:00:00+02:00")),
        ("no routed agents", &sthlm, &[], "2025-06-10T10:00:00+02:00", Seen::Away, Some("2025-06-10T12:00:00+02:00")),
        ("all at their limit", &sthlm, FULL, "2025-06-10T10:00:00+02:00", Seen::AtCapacity, Some("2025-06-10T12:00:00+02:00")),
        ("one below the limit", &sthlm, ONE_ROOM, "2025-06-10T10:00:00+02:00", Seen::Available, Some("2025-06-10T12:00:00+02:00")),
        ("no limit is never full", &sthlm, UNLIMITED, "2025-06-10T10:00:00+02:00", Seen::Available, Some("2025-06-10T12:00:00+02:00")),
        ("room only with someone away", &sthlm, ROOM_ONLY_AWAY, "2025-06-10T10:00:00+02:00", Seen::AtCapacity, Some("2025-06-10T12:00:00+02:00")),
        ("full but shown as available", &full_is_fine, FULL, "2025-06-10T10:00:00+02:00", Seen::Available, Some("2025-06-10T12:00:00+02:00")),
        ("hours beat presence", &sthlm, NOBODY, "2025-06-10T20:00:00+02:00", offline("2025-06-11T09:00:00+02:00"), Some("2025-06-11T09:00:00+02:00")),
        ("hours beat capacity", &sthlm, FULL, "2025-06-10T20:00:00+02:00", offline("2025-06-11T09:00:00+02:00"), Some("2025-06-11T09:00:00+02:00")),
        // Holidays (24-26 December, Wednesday to Friday) are skipped.
        ("eve of the holidays", &sthlm, FREE, "2025-12-23T18:00:00+01:00", offline("2025-12-27T10:00:00+01:00"), Some("2025-12-27T10:00:00+01:00")),
        ("holiday beats hours", &sthlm, FREE, "2025-12-24T10:00:00+01:00", offline("2025-12-27T10:00:00+01:00"), Some("2025-12-27T10:00:00+01:00")),
        ("holiday starts at local midnight", &round_the_clock, FREE, "2025-12-24T22:59:59Z", Seen::Available, Some("2025-12-24T23:00:00Z")),
        ("on the holiday", &round_the_clock, FREE, "2025-12-24T23:00:00Z", offline("2025-12-25T23:00:00Z"), Some("2025-12-25T23:00:00Z")),
        ("open until a holiday months away", &round_the_clock, FREE, "2025-06-10T12:00:00Z", Seen::Available, Some("2025-12-24T23:00:00Z")),
        ("open every minute, never closes", &round_the_clock, FREE, "2026-01-10T12:00:00Z", Seen::Available, None),
        // Stockholm DST: spring forward 2025-03-30 02:00 CET, fall back 2025-10-26 03:00 CEST.
        ("next opening across spring forward", &sthlm, FREE, "2025-03-29T15:00:00+01:00", offline("2025-03-31T09:00:00+02:00"), Some("2025-03-31T09:00:00+02:00")),
        ("next opening across fall back", &sthlm, FREE, "2025-10-25T15:00:00+02:00", offline("2025-10-27T09:00:00+01:00"), Some("2025-10-27T09:00:00+01:00")),
        ("02:30 is skipped: opens at the jump", &sthlm_night, FREE, "2025-03-30T00:59:59Z", offline("2025-03-30T01:00:00Z"), Some("2025-03-30T01:00:00Z")),
        ("open after the jump", &sthlm_night, FREE, "2025-03-30T01:00:00Z", Seen::Available, Some("2025-03-30T05:00:00+02:00")),
        ("closed after spring-forward night", &sthlm_night, FREE, "2025-03-30T03:00:00Z", offline("2025-04-06T02:30:00+02:00"), Some("2025-04-06T02:30:00+02:00")),
        ("02:30 twice: opens at the first", &sthlm_night, FREE, "2025-10-26T00:29:59Z", offline("2025-10-26T02:30:00+02:00"), Some("2025-10-26T02:30:00+02:00")),
        ("open through the repeated hour", &sthlm_night, FREE, "2025-10-26T01:45:00Z", Seen::Available, Some("2025-10-26T05:00:00+01:00")),
        ("closed after fall-back night", &sthlm_night, FREE, "2025-10-26T04:00:00Z", offline("2025-11-02T02:30:00+01:00"), Some("2025-11-02T02:30:00+01:00")),
        // New York (EDT -04:00, EST -05:00): spring forward 2025-03-09 02:00, fall back 2025-11-02 02:00.
        ("at the lunch gap", &ny, FREE, "2025-06-09T12:00:00-04:00", offline("2025-06-09T12:30:00-04:00"), Some("2025-06-09T12:30:00-04:00")),
        ("just before the afternoon", &ny, FREE, "2025-06-09T12:29:59-04:00", offline("2025-06-09T12:30:00-04:00"), Some("2025-06-09T12:30:00-04:00")),
        ("afternoon", &ny, FREE, "2025-06-09T12:30:00-04:00", Seen::Available, Some("2025-06-09T18:00:00-04:00")),
        ("friday night before spring forward", &ny, FREE, "2025-03-07T19:00:00-05:00", offline("2025-03-09T01:00:00-05:00"), Some("2025-03-09T01:00:00-05:00")),
        ("spring-forward night is an hour short", &ny, FREE, "2025-03-09T06:30:00Z", Seen::Available, Some("2025-03-09T03:00:00-04:00")),
        ("monday after spring forward", &ny, FREE, "2025-03-09T07:00:00Z", offline("2025-03-10T08:00:00-04:00"), Some("2025-03-10T08:00:00-04:00")),
        ("01:00 twice: opens at the first", &ny, FREE, "2025-11-02T04:59:59Z", offline("2025-11-02T01:00:00-04:00"), Some("2025-11-02T01:00:00-04:00")),
        ("fall-back night is an hour long", &ny, FREE, "2025-11-02T06:30:00Z", Seen::Available, Some("2025-11-02T03:00:00-05:00")),
        ("monday after fall back", &ny, FREE, "2025-11-02T08:00:00Z", offline("2025-11-03T08:00:00-05:00"), Some("2025-11-03T08:00:00-05:00")),
        // Hours to 24:00 and from 00:00 are one opening.
        ("friday late", &overnight, FREE, "2025-06-13T23:00:00+02:00", Seen::Available, Some("2025-06-14T02:00:00+02:00")),
        ("saturday midnight", &overnight, FREE, "2025-06-14T00:00:00+02:00", Seen::Available, Some("2025-06-14T02:00:00+02:00")),
        ("after the late shift", &overnight, FREE, "2025-06-14T02:00:00+02:00", offline("2025-06-20T18:00:00+02:00"), Some("2025-06-20T18:00:00+02:00")),
        // A week away; never.
        ("an hour on mondays", &mondays, FREE, "2025-06-09T09:59:00-04:00", Seen::Available, Some("2025-06-09T10:00:00-04:00")),
        ("next opening a week away", &mondays, FREE, "2025-06-09T10:00:00-04:00", offline("2025-06-16T09:00:00-04:00"), Some("2025-06-16T09:00:00-04:00")),
        ("no hours at all", &never, FREE, "2025-06-10T10:00:00Z", Seen::Offline(None), None),
        // 24/7 ignores presence, not capacity.
        ("24/7, nobody available", &always_on, NOBODY, "2025-06-10T03:00:00Z", Seen::Available, None),
        ("24/7, no agents", &always_on, &[], "2025-06-10T03:00:00Z", Seen::Available, None),
        ("24/7, all full", &always_on, FULL, "2025-06-10T03:00:00Z", Seen::AtCapacity, None),
        // User availability: nobody available is away, there is no opening to wait for.
        ("by presence, nobody", &by_presence, NOBODY, "2025-06-10T03:00:00Z", Seen::Away, None),
        ("by presence, one available", &by_presence, FREE, "2025-06-10T03:00:00Z", Seen::Available, None),
        ("by presence, all full", &by_presence, FULL, "2025-06-10T03:00:00Z", Seen::AtCapacity, None),
    ];

    let mut failures = Vec::new();
    for (name, settings, agents, now, want, want_change) in table {
        let got = availability(settings, agents, at(now));
        let want_change = want_change.map(at);
        if seen(&got) != *want || got.changes_at != want_change {
            failures.push(format!(
                "{name}: got {:?} changing {:?}, want {want:?} changing {want_change:?}",
                seen(&got),
                got.changes_at
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Across a year hour by hour, in both zones: nothing changes before `changes_at`, and
/// something does at it. Catches a boundary computed an hour off around either DST change.
#[test]
fn changes_at_is_exactly_the_next_change_all_year() {
    for settings in [stockholm(), new_york()] {
        let mut now = at("2025-01-01T00:00:00Z");
        while now < at("2026-01-01T00:00:00Z") {
            let here = availability(&settings, FREE, now);
            let change = here.changes_at.expect("these schedules always change");
            assert!(change > now);
            let before = availability(&settings, FREE, change - TimeDelta::seconds(1));
            assert_eq!(seen(&before), seen(&here), "{now} → {change}");
            let after = availability(&settings, FREE, change);
            assert_ne!(seen(&after), seen(&here), "{now} → {change}");
            now += TimeDelta::minutes(61);
        }
    }
}

#[test]
fn behaviours_and_reply_time_are_passed_through() {
    let settings = AvailabilitySettings {
        when_away: AwayBehaviour::AwayModeWidget,
        when_offline: OfflineBehaviour::HideLauncher,
        when_at_capacity: CapacityBehaviour::HideLauncher,
        typical_reply: Some(TypicalReplyTime::AnHour),
        ..stockholm()
    };
    let at_ten = at("2025-06-10T10:00:00+02:00");
    let status = |agents, now| availability(&settings, agents, now).status;
    assert_eq!(
        status(FREE, at_ten),
        AvailabilityStatus::Available {
            typical_reply: Some(TypicalReplyTime::AnHour)
        }
    );
    assert_eq!(
        status(NOBODY, at_ten),
        AvailabilityStatus::Away {
            behaviour: AwayBehaviour::AwayModeWidget
        }
    );
    let full = availability(&settings, FULL, at_ten);
    assert!(!full.launcher_visible());
    let night = availability(&settings, FREE, at("2025-06-10T20:00:00+02:00"));
    assert!(matches!(
        night.status,
        AvailabilityStatus::Offline {
            behaviour: OfflineBehaviour::HideLauncher,
            ..
        }
    ));
    assert!(!night.launcher_visible());
}

#[test]
fn only_hide_launcher_hides_the_launcher() {
    use AvailabilityStatus as S;
    let visible = [
        S::Available {
            typical_reply: None,
        },
        S::Away {
            behaviour: AwayBehaviour::ShowAwayMessage,
        },
        S::Away {
            behaviour: AwayBehaviour::AwayModeWidget,
        },
        S::Offline {
            next_opening: None,
            behaviour: OfflineBehaviour::ShowNextOpening,
        },
        S::Offline {
            next_opening: None,
            behaviour: OfflineBehaviour::ShowAwayMessage,
        },
        S::AtCapacity {
            behaviour: CapacityBehaviour::ShowWaitingMessage,
        },
    ];
    for status in visible {
        assert!(status.launcher_visible(), "{status:?}");
    }
    let hidden = [
        S::Offline {
            next_opening: None,
            behaviour: OfflineBehaviour::HideLauncher,
        },
        S::AtCapacity {
            behaviour: CapacityBehaviour::HideLauncher,
        },
    ];
    for status in hidden {
        assert!(!status.launcher_visible(), "{status:?}");
    }
}

#[test]
fn unvalidated_settings_still_answer() {
    // An unknown zone reads as UTC; a backwards range is ignored.
    let settings = mode(AvailabilityMode::BusinessHours(Box::new(BusinessHours {
        time_zone: "Mars/Olympus_Mons".into(),
        weekly: WeeklyHours {
            monday: vec![
                TimeRange {
                    start: 600,
                    end: 540,
                },
                TimeRange {
                    start: 540,
                    end: 600,
                },
            ],
            ..Default::default()
        },
        holidays: Default::default(),
    })));
    let got = availability(&settings, FREE, at("2025-06-09T09:30:00Z"));
    assert_eq!(got.changes_at, Some(at("2025-06-09T10:00:00Z")));
}
