//! Availability: what makes the chat available (an agent being available, business hours, or
//! always), and what visitors see when the team is away, outside the hours, or at capacity;
//! the reply time promised; the away and waiting messages.

use leptos::prelude::*;
use protocol::settings::{
    AvailabilityMode, AwayBehaviour, BusinessHours, CapacityBehaviour, OfflineBehaviour,
    TypicalReplyTime, NOTICE_MAX_CHARS,
};

use super::fields::{select, text_area, Draft};
use super::hours::HoursEditor;

/// The modes, without their data: (key, label).
const MODES: [(&str, &str); 3] = [
    ("user_availability", "While an agent is available"),
    (
        "business_hours",
        "Within business hours, while an agent is available",
    ),
    ("always_on", "Always (24/7)"),
];

fn mode_key(mode: &AvailabilityMode) -> &'static str {
    match mode {
        AvailabilityMode::UserAvailability => "user_availability",
        AvailabilityMode::BusinessHours(_) => "business_hours",
        AvailabilityMode::AlwaysOn => "always_on",
    }
}

/// Hours to start from: none kept, in the browser's time zone.
fn new_hours() -> BusinessHours {
    let zone = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    let zone = js_sys::Reflect::get(&zone, &"timeZone".into())
        .ok()
        .and_then(|z| z.as_string())
        .unwrap_or_else(|| "UTC".into());
    BusinessHours {
        time_zone: zone,
        weekly: Default::default(),
        holidays: Default::default(),
    }
}

/// The Availability section: when the chat is available and what visitors see when it is not.
///
/// - `draft`: the settings being edited.
#[component]
pub fn Availability(draft: Draft) -> impl IntoView {
    let mode = Memo::new(move |_| draft.read(|s| mode_key(&s.availability.mode)));
    // Hours left by choosing another mode, given back when business hours are chosen again.
    let kept = StoredValue::new(None::<Box<BusinessHours>>);
    let choose = move |key: &'static str| {
        draft.edit(|s| {
            let mode = &mut s.availability.mode;
            if let AvailabilityMode::BusinessHours(hours) = mode {
                kept.set_value(Some(hours.clone()));
            }
            *mode = match key {
                "business_hours" => AvailabilityMode::BusinessHours(
                    kept.get_value().unwrap_or_else(|| Box::new(new_hours())),
                ),
                "always_on" => AvailabilityMode::AlwaysOn,
                _ => AvailabilityMode::UserAvailability,
            };
        });
    };
    let modes = MODES
        .iter()
        .map(|&(key, label)| {
            view! {
                <label class="check">
                    <input type="radio" name="availability-mode" id=format!("availability-{key}")
                        value=key prop:checked=move || mode.get() == key
                        on:change=move |_| choose(key) />
                    {label}
                </label>
            }
        })
        .collect_view();
    view! {
        <section id="set-availability" aria-labelledby="set-availability-title">
            <h2 id="set-availability-title">"Availability"</h2>
            <div class="settings-grid">
                <fieldset class="settings-choices settings-wide">
                    <legend>"The chat is available"</legend>
                    {modes}
                </fieldset>
                {move || (mode.get() == "business_hours").then(|| view! { <HoursEditor draft /> })}
                {select(draft, "when-away", "When nobody is available", vec![
                    (AwayBehaviour::ShowAwayMessage, "show_away_message", "Show the away message (visitors can still write)"),
                    (AwayBehaviour::AwayModeWidget, "away_mode_widget", "Show the usual chat, marked away"),
                ], |s| s.availability.when_away, |s, v| s.availability.when_away = v)}
                {select(draft, "when-offline", "Outside business hours", vec![
                    (OfflineBehaviour::ShowNextOpening, "show_next_opening", "Show when the team is back"),
                    (OfflineBehaviour::ShowAwayMessage, "show_away_message", "Show the away message"),
                    (OfflineBehaviour::HideLauncher, "hide_launcher", "Hide the launcher"),
                ], |s| s.availability.when_offline, |s, v| s.availability.when_offline = v)}
                {select(draft, "when-at-capacity", "When everyone is at their chat limit", vec![
                    (CapacityBehaviour::ShowWaitingMessage, "show_waiting_message", "Show the waiting message"),
                    (CapacityBehaviour::HideLauncher, "hide_launcher", "Hide the launcher"),
                    (CapacityBehaviour::ShowAsAvailable, "show_as_available", "Show the chat as available"),
                ], |s| s.availability.when_at_capacity, |s, v| s.availability.when_at_capacity = v)}
                {select(draft, "typical-reply", "Typical reply time", vec![
                    (None, "none", "Not shown"),
                    (Some(TypicalReplyTime::AFewMinutes), "a_few_minutes", "In a few minutes"),
                    (Some(TypicalReplyTime::AnHour), "an_hour", "In an hour"),
                    (Some(TypicalReplyTime::ADay), "a_day", "In a day"),
                ], |s| s.availability.typical_reply, |s, v| s.availability.typical_reply = v)}
                {text_area(draft, "away-message".into(), "Away message".into(), NOTICE_MAX_CHARS, true,
                    |s| s.away_message.clone(), |s, v| s.away_message = v)}
                {text_area(draft, "waiting-message".into(), "Waiting message".into(), NOTICE_MAX_CHARS, true,
                    |s| s.waiting_message.clone(), |s, v| s.waiting_message = v)}
            </div>
        </section>
    }
}
