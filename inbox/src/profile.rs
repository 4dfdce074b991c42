//! The agent's own picture in the top bar: the picture (or their initials) and a control to
//! choose a new one or remove it (the public path is ready for the widget's heading); the edge
//! checks that it is a picture of at most 1 MiB.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::AgentProfile;

use client::text::initials;

use crate::api;

/// The picture or initials, then "Picture" (choose a file) and, with a picture, "Remove".
/// `error` gets a failed change's reason.
#[component]
pub fn ProfilePicture(me: AgentProfile, error: RwSignal<Option<String>>) -> impl IntoView {
    let url = RwSignal::new(me.avatar_url.clone());
    let busy = RwSignal::new(false);
    let initials = initials(&me.name);
    let done = move |result: Result<Option<String>, client::http::HttpError>| {
        match result {
            Ok(now) => {
                url.try_set(now);
                error.try_set(None);
            }
            Err(e) => {
                error.try_set(Some(e.to_string()));
            }
        }
        busy.try_set(false);
    };
    let choose = move |file: web_sys::File| {
        busy.set(true);
        spawn_local(async move {
            done(api::set_avatar(&file).await.map(|agent| agent.avatar_url));
        });
    };
    let remove = move |_| {
        busy.set(true);
        spawn_local(async move { done(api::remove_avatar().await.map(|()| None)) });
    };
    view! {
        <span id="my-avatar" class="avatar" aria-hidden="true">
            {move || match url.get() {
                Some(src) => view! { <img src=src alt="" /> }.into_any(),
                None => initials.clone().into_any(),
            }}
        </span>
        <label class="attach avatar-change">
            <input id="avatar-file" class="visually-hidden" type="file"
                accept="image/png,image/jpeg,image/gif,image/webp"
                disabled=move || busy.get()
                on:change=move |e| {
                    let input: web_sys::HtmlInputElement = event_target(&e);
                    if let Some(file) = input.files().and_then(|f| f.get(0)) {
                        choose(file);
                    }
                    input.set_value("");
                } />
            "Picture"
        </label>
        <button id="avatar-remove" type="button" class="avatar-remove"
            hidden=move || url.with(Option::is_none)
            disabled=move || busy.get()
            on:click=remove>
            "Remove picture"
        </button>
    }
}
