//! Joining the team from an invitation link (`/inbox#invite=TOKEN`): the page asks what the
//! invitation is for, then takes the invitee's name and a password, and signs them in. The
//! token is taken out of the address bar at once, so it is not left in the history.

use leptos::html;
use leptos::prelude::*;
use protocol::api::{AcceptInvitation, AgentProfile};

use crate::{api, failure};

/// The invitation token in this page's URL, if any; removed from the address bar.
pub fn take_token() -> Option<String> {
    let location = window().location();
    let hash = location.hash().ok()?;
    let token = domain::team::invitation_token(&hash)?.to_owned();
    if let (Ok(history), Ok(path)) = (window().history(), location.pathname()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
    Some(token)
}

/// The invitation's page: what it is for, then the form to accept it.
///
/// - `token`: the invitation token from the link.
/// - `joined`: gets the new member, signed in.
/// - `cancel`: goes to the sign-in form.
#[component]
pub fn Join(token: String, joined: Callback<AgentProfile>, cancel: Callback<()>) -> impl IntoView {
    let token = StoredValue::new(token);
    let preview = LocalResource::new(move || {
        let token = token.get_value();
        async move { api::invitation(&token).await.map_err(|e| e.to_string()) }
    });
    let name = NodeRef::<html::Input>::new();
    let password = NodeRef::<html::Input>::new();
    let accept = Action::new_local(move |accept: &AcceptInvitation| {
        let accept = accept.clone();
        async move {
            let agent = api::accept_invitation(&token.get_value(), &accept)
                .await
                .map_err(|e| e.to_string())?;
            let _ = joined.try_run(agent);
            Ok(())
        }
    });
    let busy = accept.pending();
    let accept_failed = failure(accept);
    // One error line: the invitation's, else the last attempt to accept it.
    let error = move || {
        preview
            .with(|p| p.as_ref().and_then(|p| p.as_ref().err().cloned()))
            .or_else(|| accept_failed.get())
    };
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let (Some(name), Some(password)) = (name.get(), password.get()) else {
            return;
        };
        accept.dispatch(AcceptInvitation {
            name: name.value(),
            password: password.value(),
        });
    };
    view! {
        <main class="sign-in">
            {move || match preview.get().and_then(Result::ok) {
                Some(p) => view! {
                    <form class="card" on:submit=submit>
                        <h1>"Join "{p.site_name.clone()}</h1>
                        <p>"You were invited as "{if p.role == protocol::api::Role::Admin { "an admin" } else { "an agent" }}
                            " with "<strong>{p.email.clone()}</strong>"."</p>
                        <input type="email" autocomplete="username" value=p.email.clone() hidden readonly />
                        <label for="join-name">"Your name"</label>
                        <input id="join-name" node_ref=name type="text" autocomplete="name"
                            value=p.name.clone() maxlength="80" required />
                        <label for="join-password">"Choose a password (at least 10 characters)"</label>
                        <input id="join-password" node_ref=password type="password"
                            autocomplete="new-password" minlength="10" required />
                        <p class="error" role="alert">{error}</p>
                        <button id="join-submit" class="primary" type="submit" disabled=move || busy.get()>
                            "Join the team"
                        </button>
                    </form>
                }
                .into_any(),
                None => view! {
                    <div class="card">
                        <h1>"Invitation"</h1>
                        <p class="error" role="alert">{error}</p>
                        <p class="loading" role="status" hidden=move || error().is_some()>"Loading…"</p>
                        <button class="primary" type="button" on:click=move |_| cancel.run(())>"Go to sign-in"</button>
                    </div>
                }
                .into_any(),
            }}
        </main>
    }
}
