//! The business-hours editor: the site's time zone (a few common IANA zones offered; the
//! server checks the name), each weekday's opening ranges ("+ Add hours", a remove button per
//! range) and the dates closed all day. A range is stored in minutes since local midnight
//! (`TimeRange`); the time inputs show it as `HH:MM`, and an end at `00:00` is the next midnight
//! (1440). Overlaps and the like are the server's to refuse.

use leptos::prelude::*;
use protocol::settings::{
    AvailabilityMode, BusinessHours, ChatSettings, TimeRange, WeeklyHours, MAX_HOLIDAYS,
    MAX_RANGES_PER_DAY, MINUTES_PER_DAY, WEEK,
};

use super::fields::Draft;

/// The weekdays' names, in the order of [`WEEK`].
const DAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Offered in the time zone's list; any IANA name may be typed.
const ZONES: [&str; 20] = [
    "UTC",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Stockholm",
    "Europe/Oslo",
    "Europe/Warsaw",
    "Europe/Helsinki",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
];

fn hours(s: &ChatSettings) -> Option<&BusinessHours> {
    match &s.availability.mode {
        AvailabilityMode::BusinessHours(h) => Some(h),
        _ => None,
    }
}

fn hours_mut(s: &mut ChatSettings) -> Option<&mut BusinessHours> {
    match &mut s.availability.mode {
        AvailabilityMode::BusinessHours(h) => Some(h),
        _ => None,
    }
}

/// The ranges of weekday `day` (an index into [`WEEK`]), to change.
fn day_mut(week: &mut WeeklyHours, day: usize) -> &mut Vec<TimeRange> {
    match day {
        0 => &mut week.monday,
        1 => &mut week.tuesday,
        2 => &mut week.wednesday,
        3 => &mut week.thursday,
        4 => &mut week.friday,
        5 => &mut week.saturday,
        _ => &mut week.sunday,
    }
}

/// `HH:MM` of minutes since midnight; the end of the day shows as `00:00`.
fn clock(minutes: u16) -> String {
    let m = minutes % MINUTES_PER_DAY;
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// Minutes since midnight of a time input's `HH:MM` (seconds, if any, ignored); `None` while
/// it is empty. An end at `00:00` is the next midnight.
fn minutes(value: &str, end: bool) -> Option<u16> {
    let mut parts = value.split(':');
    let h = parts.next()?.parse::<u16>().ok().filter(|h| *h < 24)?;
    let m = parts.next()?.parse::<u16>().ok().filter(|m| *m < 60)?;
    let t = h * 60 + m;
    Some(if end && t == 0 { MINUTES_PER_DAY } else { t })
}

/// The range "+ Add hours" adds: 09:00–17:00 on a closed day, else two hours starting an hour
/// after the last range ends (within the day).
fn next_range(last: Option<&TimeRange>) -> TimeRange {
    match last {
        None => TimeRange {
            start: 9 * 60,
            end: 17 * 60,
        },
        Some(last) => {
            let start = (last.end + 60).min(MINUTES_PER_DAY - 60);
            TimeRange {
                start,
                end: (start + 120).min(MINUTES_PER_DAY),
            }
        }
    }
}

/// The editor, drawn while the mode is business hours.
///
/// - `draft`: the settings being edited.
#[component]
pub fn HoursEditor(draft: Draft) -> impl IntoView {
    let zone = draft.peek(|s| hours(s).map(|h| h.time_zone.clone()).unwrap_or_default());
    view! {
        <div class="hours settings-wide">
            <div class="settings-grid">
                <label for="hours-zone">"Time zone"</label>
                <input id="hours-zone" type="text" list="hours-zones" required autocomplete="off"
                    spellcheck="false" value=zone
                    on:input=move |e| {
                        let zone = event_target_value(&e);
                        draft.edit(|s| if let Some(h) = hours_mut(s) { h.time_zone = zone; });
                    } />
                <datalist id="hours-zones">
                    {ZONES.iter().map(|z| view! { <option value=*z></option> }).collect_view()}
                </datalist>
            </div>
            <p class="settings-hint">"An end at midnight (00:00, or 12:00 AM) is the end of the day. A day without hours is closed."</p>
            <div class="hours-week">
                {(0..WEEK.len()).map(|day| view! { <Day draft day /> }).collect_view()}
            </div>
            <Holidays draft />
        </div>
    }
}

/// One weekday's ranges.
///
/// - `draft`: the settings being edited.
/// - `day`: the weekday, from 0 (Monday).
#[component]
fn Day(draft: Draft, day: usize) -> impl IntoView {
    let name = WeeklyHours::field_name(WEEK[day]);
    let label = DAY_NAMES[day];
    let count =
        Memo::new(move |_| draft.read(|s| hours(s).map_or(0, |h| h.weekly.day(WEEK[day]).len())));
    let add = move |_: leptos::ev::MouseEvent| {
        draft.edit(|s| {
            if let Some(h) = hours_mut(s) {
                let ranges = day_mut(&mut h.weekly, day);
                let next = next_range(ranges.last());
                ranges.push(next);
            }
        })
    };
    view! {
        <fieldset class="hours-day" data-day=name>
            <legend>{label}</legend>
            <p class="hours-closed" hidden=move || { count.get() > 0 }>"Closed"</p>
            <ul class="hours-ranges">
                <For each=move || 0..count.get() key=|i| *i let(index)>
                    <Range draft day index />
                </For>
            </ul>
            <button type="button" class="hours-add" id=format!("hours-{name}-add")
                aria-label=format!("Add hours on {label}")
                disabled=move || { count.get() >= MAX_RANGES_PER_DAY } on:click=add>
                "+ Add hours"
            </button>
        </fieldset>
    }
}

/// One range of a weekday, by its place in the day's list (rows are reused when one before
/// is removed, so each reads its values live).
///
/// - `draft`: the settings being edited.
/// - `day`: the weekday, from 0 (Monday).
/// - `index`: the range's place in the day's list.
#[component]
fn Range(draft: Draft, day: usize, index: usize) -> impl IntoView {
    let name = WeeklyHours::field_name(WEEK[day]);
    let which = format!("{}, hours {}", DAY_NAMES[day], index + 1);
    let range =
        move || draft.read(|s| hours(s).and_then(|h| h.weekly.day(WEEK[day]).get(index).copied()));
    let set = move |end: bool, value: String| {
        let Some(m) = minutes(&value, end) else {
            return;
        };
        draft.edit(|s| {
            let range = hours_mut(s).and_then(|h| day_mut(&mut h.weekly, day).get_mut(index));
            if let Some(r) = range {
                if end {
                    r.end = m;
                } else {
                    r.start = m;
                }
            }
        });
    };
    let remove = move |_| {
        draft.edit(|s| {
            if let Some(h) = hours_mut(s) {
                let ranges = day_mut(&mut h.weekly, day);
                if index < ranges.len() {
                    ranges.remove(index);
                }
            }
        })
    };
    let start_id = format!("hours-{name}-{index}-start");
    let end_id = format!("hours-{name}-{index}-end");
    view! {
        <li class="hours-range">
            <label for=start_id.clone()>"From"<span class="visually-hidden">{format!(" ({which})")}</span></label>
            <input id=start_id type="time" required
                prop:value=move || range().map(|r| clock(r.start)).unwrap_or_default()
                on:input=move |e| set(false, event_target_value(&e)) />
            <label for=end_id.clone()>"to"<span class="visually-hidden">{format!(" ({which})")}</span></label>
            <input id=end_id type="time" required
                prop:value=move || range().map(|r| clock(r.end)).unwrap_or_default()
                on:input=move |e| set(true, event_target_value(&e)) />
            <button type="button" class="hours-remove" aria-label=format!("Remove {which}")
                on:click=remove>
                "Remove"
            </button>
        </li>
    }
}

/// The dates closed all day.
///
/// - `draft`: the settings being edited.
#[component]
fn Holidays(draft: Draft) -> impl IntoView {
    let dates = move || {
        draft.read(|s| {
            hours(s)
                .map(|h| {
                    h.holidays
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let new_date = RwSignal::new(String::new());
    let add = move |_: leptos::ev::MouseEvent| {
        let Ok(date) = new_date.get_untracked().parse() else {
            return;
        };
        draft.edit(|s| {
            if let Some(h) = hours_mut(s) {
                if h.holidays.len() < MAX_HOLIDAYS {
                    h.holidays.insert(date);
                }
            }
        });
        new_date.set(String::new());
    };
    let remove = move |date: String| {
        draft.edit(|s| {
            if let Some(h) = hours_mut(s) {
                h.holidays.retain(|d| d.to_string() != date);
            }
        })
    };
    view! {
        <fieldset class="hours-holidays">
            <legend>"Closed all day"</legend>
            <p class="settings-hint" hidden=move || !dates().is_empty()>"No closures."</p>
            <ul class="hours-holiday-list">
                <For each=dates key=|d| d.clone() let(date)>
                    <li class="hours-holiday" data-date=date.clone()>
                        <span>{date.clone()}</span>
                        <button type="button" class="hours-holiday-remove"
                            aria-label=format!("Remove the closure on {date}")
                            on:click={
                                let date = date.clone();
                                move |_| remove(date.clone())
                            }>
                            "Remove"
                        </button>
                    </li>
                </For>
            </ul>
            <div class="hours-holiday-new">
                <label for="holiday-new">"Date"</label>
                <input id="holiday-new" type="date" prop:value=move || new_date.get()
                    on:input=move |e| new_date.set(event_target_value(&e)) />
                <button id="holiday-add" type="button" on:click=add
                    disabled=move || new_date.with(String::is_empty)>
                    "Add closure"
                </button>
            </div>
        </fieldset>
    }
}
