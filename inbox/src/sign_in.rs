//! The sign-in form shown when `GET /api/agent/me` says there is no session. Values are read
//! from the inputs on submit (not mirrored into signals per keystroke), which also catches what
//! a password manager filled in without firing input events.

use leptos::html;
use leptos::prelude::*;
use protocol::api::{AgentProfile, ErrorCode, Login};

use crate::{api, failure};

/// The sign-in form.
///
/// - `signed_in`: called with the agent once the server accepts the credentials.
/// - `notice`: why the last session ended, when the server ended it.
#[component]
pub fn SignIn(signed_in: Callback<AgentProfile>, notice: Option<String>) -> impl IntoView {
    let email = NodeRef::<html::Input>::new();
    let password = NodeRef::<html::Input>::new();
    let sign_in = Action::new_local(move |login: &Login| {
        let login = login.clone();
        async move {
            match api::sign_in(&login).await {
                Ok(agent) => {
                    signed_in.run(agent);
                    Ok(())
                }
                Err(e) if e.code() == Some(ErrorCode::InvalidCredentials) => {
                    Err("That e-mail and password do not match.".to_owned())
                }
                Err(e) => Err(e.to_string()),
            }
        }
    });
    let busy = sign_in.pending();
    let error = failure(sign_in);
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let (Some(email), Some(password)) = (email.get(), password.get()) else {
            return;
        };
        sign_in.dispatch(Login {
            email: email.value(),
            password: password.value(),
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
