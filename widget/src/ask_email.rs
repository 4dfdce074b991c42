//! Asking the visitor for their e-mail (the `ask_email` part, `crate::parts`), so the team can
//! reply after they have left: a field between the log and the composer, saying why, once the
//! visitor's message has waited the site's while unanswered (`client::ask_email::ask_at`; at
//! once while the team is away). Never when the team has their address already, nor again in
//! a conversation where they said "Not now". The server checks the address (the HTML
//! standard's rule); a refused one keeps what was typed, with the reason beside the field.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::i18n::part;

use crate::chat::{Chat, NotSaved, Words};

/// Where the asking stands.
#[derive(Clone, PartialEq)]
enum Ask {
    /// Whether the team has an address is not known yet: it is read when the wait is over.
    Unchecked,
    Checking,
    /// The team has an address, or the visitor said "Not now": not asked.
    Never,
    Asking,
    Saving,
    Refused(NotSaved),
    /// The address as stored.
    Saved(String),
}

#[component]
pub fn AskEmail() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let t = expect_context::<Words>();
    let due = RwSignal::new(false);
    let ask = RwSignal::new(Ask::Unchecked);
    let text = RwSignal::new(String::new());

    // The wait: over now, over later (a timer, replaced whenever the log or the config
    // changes), or not running (nothing unanswered).
    let timer = StoredValue::new_local(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let at = chat.ask_email_after_ms().and_then(|after| {
            chat.lines
                .with(|lines| client::ask_email::ask_at(lines, after))
        });
        if let Some(old) = timer.get_value() {
            old.clear();
        }
        let wait = at.map(|at| at - js_sys::Date::now() as i64);
        due.set(wait.is_some_and(|w| w <= 0));
        if let Some(wait) = wait.filter(|w| *w > 0) {
            let later = Duration::from_millis(wait.unsigned_abs());
            timer.set_value(set_timeout_with_handle(move || due.set(true), later).ok());
        }
    });
    on_cleanup(move || {
        if let Some(old) = timer.get_value() {
            old.clear();
        }
    });

    // Once due, whether the team has an address (read once; a failed read tries again at the
    // next change of the log).
    Effect::new(move |_| {
        if !due.get() || ask.get_untracked() != Ask::Unchecked {
            return;
        }
        if chat.email_skipped() {
            ask.set(Ask::Never);
            return;
        }
        ask.set(Ask::Checking);
        spawn_local(async move {
            ask.set(match chat.known_email().await {
                Ok(Some(_)) => Ask::Never,
                Ok(None) => Ask::Asking,
                Err(_) => Ask::Unchecked,
            });
        });
    });

    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        if ask.get_untracked() == Ask::Saving {
            return;
        }
        let email = text.get_untracked().trim().to_owned();
        if email.is_empty() {
            ask.set(Ask::Refused(NotSaved::Invalid));
            return;
        }
        ask.set(Ask::Saving);
        spawn_local(async move {
            ask.set(match chat.leave_email(email).await {
                Ok(stored) => Ask::Saved(stored),
                Err(why) => Ask::Refused(why),
            });
        });
    };
    let skip = move |_| {
        chat.skip_email();
        ask.set(Ask::Never);
        chat.refocus();
    };

    let shown = move || {
        due.get()
            && !chat.closed.get()
            && !matches!(ask.get(), Ask::Unchecked | Ask::Checking | Ask::Never)
    };
    let saved = move || match ask.get() {
        Ask::Saved(email) => Some(t.part(part::EMAIL_SAVED).replacen("{}", &email, 1)),
        _ => None,
    };
    let refused = move || match ask.get() {
        Ask::Refused(NotSaved::Invalid) => Some(t.part(part::EMAIL_INVALID)),
        Ask::Refused(NotSaved::Failed) => Some(t.network_error.as_str()),
        _ => None,
    };
    view! {
        <Show when=shown>
            <div class="pl-ask-email">
                <Show when=move || saved().is_none() fallback=move || view! {
                    <p id="pl-email-saved" role="status">{saved}</p>
                }>
                    <form id="pl-ask-email" novalidate on:submit=submit
                        aria-labelledby="pl-ask-email-why">
                        <p id="pl-ask-email-why">{t.part(part::ASK_EMAIL)}</p>
                        <div class="pl-ask-email-row">
                            <label class="pl-hidden" for="pl-email">
                                {t.part(part::EMAIL_LABEL)}
                            </label>
                            <input id="pl-email" type="email" autocomplete="email"
                                placeholder=t.part(part::EMAIL_LABEL)
                                aria-invalid=move || refused().is_some().to_string()
                                aria-describedby="pl-email-error"
                                prop:value=move || text.get()
                                on:input=move |e| text.set(event_target_value(&e)) />
                            <button id="pl-email-save" class="pl-save" type="submit"
                                disabled=move || ask.get() == Ask::Saving>
                                {t.part(part::EMAIL_SAVE)}
                            </button>
                        </div>
                        <p id="pl-email-error" role="alert">{refused}</p>
                        <button id="pl-email-skip" class="pl-link" type="button" on:click=skip>
                            {t.part(part::EMAIL_SKIP)}
                        </button>
                    </form>
                </Show>
            </div>
        </Show>
    }
}
