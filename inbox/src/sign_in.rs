//! The sign-in form shown when `GET /api/agent/me` says there is no session. Values are read
//! from the inputs on submit (not mirrored into signals per keystroke), which also catches what
//! a password manager filled in without firing input events.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::{AgentProfile, ErrorCode, Login};

use crate::api;

/// Calls `signed_in` with the agent once the server accepts the credentials. `notice` says why
/// the last session ended, when the server ended it.
#[component]
pub fn SignIn(signed_in: Callback<AgentProfile>, notice: Option<String>) -> impl IntoView {
    let email = NodeRef::<html::Input>::new();
    let password = NodeRef::<html::Input>::new();
    let error = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let (Some(email), Some(password)) = (email.get(), password.get()) else {
            return;
        };
        let login = Login {
            email: email.value(),
            password: password.value(),
        };
        busy.set(true);
        error.set(String::new());
        spawn_local(async move {
            match api::sign_in(&login).await {
                Ok(agent) => signed_in.run(agent),
                Err(e) if e.code() == Some(ErrorCode::InvalidCredentials) => {
                    error.set("That e-mail and password do not match.".into())
                }
                Err(e) => error.set(e.to_string()),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="sign-in">
            <form class="card" on:submit=submit>
                <h1>"Porchlight inbox"</h1>
                {notice.map(|n| view! { <p id="login-notice" class="notice" role="status">{n}</p> })}
                <label for="login-email">"E-mail"</label>
                <input id="login-email" node_ref=email type="email" autocomplete="username"
                    required />
                <label for="login-password">"Password"</label>
                <input id="login-password" node_ref=password type="password"
                    autocomplete="current-password" required />
                <p id="login-error" class="error" role="alert">{move || error.get()}</p>
                <button id="login-submit" class="primary" type="submit" disabled=move || busy.get()>
                    "Sign in"
                </button>
            </form>
        </main>
    }
}
