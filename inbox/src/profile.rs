//! The agent's own picture in the top bar: the picture (or their initials) and a control to
//! choose a new one or remove it. Visitors see it beside the agent's name in the chat; the edge
//! checks that it is a picture of at most 1 MiB.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::AgentProfile;

use crate::api;

/// Up to two initials of a name, for an agent without a picture.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

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

#[cfg(test)]
mod tests {
    use super::initials;

    #[test]
    fn initials_take_the_first_letters_of_two_words() {
        assert_eq!(initials("Dana Scully"), "DS");
        assert_eq!(initials("  åsa  lind berg "), "ÅL");
        assert_eq!(initials("Cher"), "C");
        assert_eq!(initials(""), "");
    }
}
