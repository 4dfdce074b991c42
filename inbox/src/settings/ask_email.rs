//! Asking for the visitor's e-mail in the chat, so the team can reply after they have left:
//! when the team is away, and when a message waits a number of minutes unanswered.

use leptos::prelude::*;
use protocol::settings::ASK_EMAIL_MAX_MINUTES;

use super::fields::{checkbox, hint, number_input, Draft};

/// Minutes offered when asking after a wait is first turned on.
const FIRST_MINUTES: u32 = 5;

/// The "Asking for e-mail" section.
///
/// - `draft`: the settings being edited.
#[component]
pub fn AskEmail(draft: Draft) -> impl IntoView {
    let no_wait = Signal::derive(move || draft.read(|s| s.ask_email.unanswered_minutes.is_none()));
    view! {
        <section id="set-ask-email" aria-labelledby="set-ask-email-title">
            <h2 id="set-ask-email-title">"Asking for e-mail"</h2>
            <div class="settings-grid">
                {checkbox(draft, "ask-email-away", "Ask when the team is away or outside its hours",
                    |s| s.ask_email.when_away,
                    |s, on| s.ask_email.when_away = on)}
                {checkbox(draft, "ask-email-wait", "Ask when nobody has answered for a while",
                    |s| s.ask_email.unanswered_minutes.is_some(),
                    |s, on| s.ask_email.unanswered_minutes = on.then_some(
                        s.ask_email.unanswered_minutes.unwrap_or(FIRST_MINUTES)))}
                {number_input(draft, "ask-email-minutes", "Minutes without an answer", 0,
                    ASK_EMAIL_MAX_MINUTES, no_wait,
                    |s| s.ask_email.unanswered_minutes.unwrap_or(FIRST_MINUTES),
                    |s, minutes| if s.ask_email.unanswered_minutes.is_some() {
                        s.ask_email.unanswered_minutes = Some(minutes);
                    })}
                {hint("The chat asks once the visitor has written, saying why: so the team can \
                    reply by e-mail if they leave. Visitors whose address you have are not asked; \
                    the address they leave shows on their contact.")}
            </div>
        </section>
    }
}
