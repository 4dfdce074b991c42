//! E-mail: who the channel's e-mails come from (without an address nothing is e-mailed), and
//! whether a closed chat's transcript goes to its visitor when their address is known.

use leptos::prelude::*;

use super::fields::{checkbox, hint, text_input, Draft};

/// The E-mail section.
///
/// - `draft`: the settings being edited.
#[component]
pub fn Email(draft: Draft) -> impl IntoView {
    view! {
        <section id="set-email" aria-labelledby="set-email-title">
            <h2 id="set-email-title">"E-mail"</h2>
            <div class="settings-grid">
                {text_input(draft, "email-from-name", "From name", "text", 80,
                    |s| s.email.from_name.clone(), |s, v| s.email.from_name = v)}
                {hint("Blank: the chat's heading.")}
                {text_input(draft, "email-from-address", "From address", "email", 254,
                    |s| s.email.from_address.clone().unwrap_or_default(),
                    |s, v| s.email.from_address = (!v.trim().is_empty()).then_some(v))}
                {hint("On a domain your e-mail provider has verified. Blank: nothing is e-mailed.")}
                {checkbox(draft, "email-transcript", "E-mail the transcript to the visitor when a chat an agent answered is closed",
                    |s| s.email.transcript_on_close, |s, v| s.email.transcript_on_close = v)}
            </div>
        </section>
    }
}
