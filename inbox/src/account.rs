//! The Account page: change one's password (other devices are signed out; this one stays) and
//! sign out everywhere.

use leptos::html;
use leptos::prelude::*;
use protocol::api::ChangePassword;

use crate::api;

/// The Account page.
///
/// - `signed_out`: runs once "Sign out everywhere" has ended this session too, with what the
///   sign-in form should say.
#[component]
pub fn AccountPage(signed_out: Callback<Option<String>>) -> impl IntoView {
    let current = NodeRef::<html::Input>::new();
    let new = NodeRef::<html::Input>::new();
    // Both actions' failures show in the page's one error line.
    let error = RwSignal::new(None::<String>);
    // Its value: whether the password was changed.
    let change = Action::new_local(move |change: &ChangePassword| {
        let change = change.clone();
        async move {
            match api::change_password(&change).await {
                Ok(_) => {
                    for input in [current, new] {
                        if let Some(input) = input.get_untracked() {
                            input.set_value("");
                        }
                    }
                    error.try_set(None);
                    true
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                    false
                }
            }
        }
    });
    let everywhere = Action::new_local(move |()| async move {
        match api::sign_out_everywhere().await {
            Ok(()) => {
                let _ = signed_out.try_run(Some("You were signed out on every device.".into()));
            }
            Err(e) if e.is_auth() => {
                let _ = signed_out.try_run(None);
            }
            Err(e) => {
                error.try_set(Some(e.to_string()));
            }
        }
    });
    let (changing, ending) = (change.pending(), everywhere.pending());
    let busy = move || changing.get() || ending.get();
    // "Changed" shows from a change that worked until the next attempt.
    let changed = change.value();
    let done = move || !changing.get() && changed.get() == Some(true);
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let (Some(current_input), Some(new_input)) = (current.get(), new.get()) else {
            return;
        };
        change.dispatch(ChangePassword {
            current_password: current_input.value(),
            new_password: new_input.value(),
        });
    };
    let everywhere = move |_| {
        everywhere.dispatch(());
    };
    view! {
        <main class="page account" aria-labelledby="account-title">
            <h1 id="account-title">"Account"</h1>
            <p class="error" role="alert">{move || error.get()}</p>
            <section aria-labelledby="password-title">
                <h2 id="password-title">"Password"</h2>
                <form class="password" on:submit=submit>
                    <label for="current-password">"Current password"</label>
                    <input id="current-password" node_ref=current type="password"
                        autocomplete="current-password" required />
                    <label for="new-password">"New password (at least 10 characters)"</label>
                    <input id="new-password" node_ref=new type="password"
                        autocomplete="new-password" minlength="10" required />
                    <button id="password-submit" class="primary" type="submit"
                        disabled=busy>
                        "Change password"
                    </button>
                    <p id="password-done" class="ok" role="status">
                        {move || done().then_some("Password changed. Your other devices were signed out.")}
                    </p>
                </form>
            </section>
            <AlertChoices />
            <section aria-labelledby="sessions-title">
                <h2 id="sessions-title">"Sessions"</h2>
                <p>"Lost a device, or signed in somewhere you should not stay? End every session, this one included."</p>
                <button id="sign-out-everywhere" type="button" disabled=busy
                    on:click=everywhere>
                    "Sign out everywhere"
                </button>
            </section>
        </main>
    }
}

/// The alerts of this device: the chime, and browser notifications (asking the browser first).
#[component]
fn AlertChoices() -> impl IntoView {
    let Some(alerts) = use_context::<crate::alerts::Alerts>() else {
        return ().into_any();
    };
    let set_sound = move |on: bool| {
        let mut c = alerts.choices.get_untracked();
        c.sound = on;
        alerts.choose(c);
    };
    // Its value: whether the browser refused notifications just asked for.
    let set_browser = Action::new_local(move |on: &bool| {
        let on = *on;
        async move {
            let allowed = !on || crate::alerts::allow_notifications().await;
            let mut c = alerts.choices.get_untracked();
            c.browser = on && allowed;
            alerts.choose(c);
            on && !allowed
        }
    });
    let answer = set_browser.value();
    let asking = set_browser.pending();
    let refused = move || !asking.get() && answer.get() == Some(true);
    let set_browser = move |on: bool| {
        set_browser.dispatch(on);
    };
    view! {
        <section aria-labelledby="alerts-title">
            <h2 id="alerts-title">"Alerts on this device"</h2>
            <p>"For a new conversation you may take, a visitor's message in yours or an unassigned one, and a conversation assigned to you."</p>
            <label class="check">
                <input id="alert-sound" type="checkbox" prop:checked=move || alerts.choices.get().sound
                    on:change=move |e| set_sound(event_target_checked(&e)) />
                "Play a sound"
            </label>
            <label class="check">
                <input id="alert-browser" type="checkbox" prop:checked=move || alerts.choices.get().browser
                    on:change=move |e| set_browser(event_target_checked(&e)) />
                "Show browser notifications"
            </label>
            <p class="error" role="alert">
                {move || refused().then_some("The browser does not allow notifications for this page: allow them in its site settings.")}
            </p>
        </section>
    }
    .into_any()
}
