//! Retention: how long closed conversations are kept. Past it, the cron erases them everywhere
//! they are stored, and each run shows among the erasures on the Contacts page.

use leptos::prelude::*;
use protocol::settings::RETENTION_MAX_DAYS;

use super::fields::{checkbox, hint, number_input, Draft};

/// Days offered when retention is first turned on: a year.
const FIRST_DAYS: u32 = 365;

/// The Retention section.
///
/// - `draft`: the settings being edited.
#[component]
pub fn Retention(draft: Draft) -> impl IntoView {
    let kept_for_good = Signal::derive(move || draft.read(|s| s.retention.closed_days.is_none()));
    view! {
        <section id="set-retention" aria-labelledby="set-retention-title">
            <h2 id="set-retention-title">"Retention"</h2>
            <div class="settings-grid">
                {checkbox(draft, "retention-on", "Erase closed conversations after a number of days",
                    |s| s.retention.closed_days.is_some(),
                    |s, on| s.retention.closed_days = on.then_some(
                        s.retention.closed_days.unwrap_or(FIRST_DAYS)))}
                {number_input(draft, "retention-days", "Days kept after closing", 1, RETENTION_MAX_DAYS,
                    kept_for_good, |s| s.retention.closed_days.unwrap_or(FIRST_DAYS),
                    |s, days| if s.retention.closed_days.is_some() {
                        s.retention.closed_days = Some(days);
                    })}
                {hint("Everything of an erased conversation goes: its messages, notes, files and \
                    e-mails. Each run is listed among the erasures on the Contacts page.")}
            </div>
        </section>
    }
}
