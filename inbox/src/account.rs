//! The Account page: change one's password (other devices are signed out; this one stays) and
//! sign out everywhere.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::ChangePassword;

use crate::api;

/// `signed_out` runs once "Sign out everywhere" has ended this session too.
#[component]
pub fn AccountPage(signed_out: Callback<Option<String>>) -> impl IntoView {
    let current = NodeRef::<html::Input>::new();
    let new = NodeRef::<html::Input>::new();
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let (Some(current_input), Some(new_input)) = (current.get(), new.get()) else {
            return;
        };
        let change = ChangePassword {
            current_password: current_input.value(),
            new_password: new_input.value(),
        };
        busy.set(true);
        done.set(false);
        spawn_local(async move {
            match api::change_password(&change).await {
                Ok(_) => {
                    current_input.set_value("");
                    new_input.set_value("");
                    error.try_set(None);
                    done.try_set(true);
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
            busy.try_set(false);
        });
    };
    let everywhere = move |_| {
        busy.set(true);
        spawn_local(async move {
            match api::sign_out_everywhere().await {
                Ok(()) => {
                    let _ = signed_out.try_run(Some("You were signed out on every device.".into()));
                }
                Err(e) if e.is_auth() => {
                    let _ = signed_out.try_run(None);
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                    busy.try_set(false);
                }
            }
        });
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
                        disabled=move || busy.get()>
                        "Change password"
                    </button>
                    <p id="password-done" class="ok" role="status">
                        {move || done.get().then_some("Password changed. Your other devices were signed out.")}
                    </p>
                </form>
            </section>
            <AlertChoices />
            <section aria-labelledby="sessions-title">
                <h2 id="sessions-title">"Sessions"</h2>
                <p>"Lost a device, or signed in somewhere you should not stay? End every session, this one included."</p>
                <button id="sign-out-everywhere" type="button" disabled=move || busy.get()
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
    let refused = RwSignal::new(false);
    let set_sound = move |on: bool| {
        let mut c = alerts.choices.get_untracked();
        c.sound = on;
        alerts.choose(c);
    };
    let set_browser = move |on: bool| {
        refused.set(false);
        spawn_local(async move {
            let allowed = !on || crate::alerts::allow_notifications().await;
            let mut c = alerts.choices.get_untracked();
            c.browser = on && allowed;
            alerts.choose(c);
            refused.try_set(on && !allowed);
        });
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
                {move || refused.get().then_some("The browser does not allow notifications for this page: allow them in its site settings.")}
            </p>
        </section>
    }
    .into_any()
}
