//! The agent's own picture in the top bar: the picture (or their initials) and a control to
//! choose a new one or remove it (the public path is ready for the widget's heading); the edge
//! checks that it is a picture of at most 1 MiB.

use leptos::prelude::*;
use protocol::api::AgentProfile;

use client::text::initials;

use crate::api;

/// What the agent does to their picture.
#[derive(Clone)]
enum Change {
    /// Upload this file as the new picture.
    Set(web_sys::File),
    /// Go back to initials.
    Remove,
}

/// The picture or initials, then "Picture" (choose a file) and, with a picture, "Remove".
///
/// - `me`: the signed-in agent, for the stored picture and the initials.
/// - `error`: the bar's error line; gets a failed change's reason, cleared by one that works.
#[component]
pub fn ProfilePicture(me: AgentProfile, error: RwSignal<Option<String>>) -> impl IntoView {
    let url = RwSignal::new(me.avatar_url.clone());
    let initials = initials(&me.name);
    let change = Action::new_local(move |change: &Change| {
        let change = change.clone();
        async move {
            let result = match change {
                Change::Set(file) => api::set_avatar(&file).await.map(|agent| agent.avatar_url),
                Change::Remove => api::remove_avatar().await.map(|()| None),
            };
            match result {
                Ok(now) => {
                    url.try_set(now);
                    error.try_set(None);
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
        }
    });
    let busy = change.pending();
    let choose = move |file: web_sys::File| {
        change.dispatch_local(Change::Set(file));
    };
    let remove = move |_| {
        change.dispatch_local(Change::Remove);
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
