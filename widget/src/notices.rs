//! The lines between the log and the composer: who is typing, the conversation having ended
//! (with the way to a new one), and the site's consent text (with "I agree" when the site asks
//! for explicit consent). Each stays in place and is hidden when empty, which costs the wasm
//! less than views that come and go; the typing and closed lines are status regions, so a
//! change is announced.

use leptos::prelude::*;

use crate::chat::{Chat, Words};

/// "Dana is typing…" (`#pl-typing`).
#[component]
pub fn Typing() -> impl IntoView {
    let chat = expect_context::<Chat>();
    view! { <p id="pl-typing" class="pl-typing" role="status">{move || chat.typing.get()}</p> }
}

/// "This conversation has ended" (`#pl-closed`) and the button that starts a new one.
#[component]
pub fn Closed() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let t: Words = expect_context();
    let closed = move || chat.closed.get();
    view! {
        <div class="pl-closed">
            <p id="pl-closed" role="status">
                {move || closed().then_some(t.ended.as_str())}
            </p>
            <button id="pl-new-conversation" class="pl-action" type="button"
                hidden=move || !closed() on:click=move |_| chat.new_conversation()>
                {t.new_conversation.as_str()}
            </button>
        </div>
    }
}

/// The consent text (`#pl-consent`) until a conversation exists, with "I agree"
/// (`#pl-consent-agree`) while explicit consent is still to be given.
#[component]
pub fn Consent() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let t: Words = expect_context();
    let text = move || {
        let shown = chat.config.with(|c| {
            c.as_ref()
                .and_then(|c| c.consent.as_ref())
                .map(|c| c.text.clone())
        });
        shown.filter(|_| !chat.started.get())
    };
    let asking = move || !chat.started.get() && !chat.consent_given();
    view! {
        <div class="pl-consent" hidden=move || text().is_none()>
            <p id="pl-consent">{text}</p>
            <button id="pl-consent-agree" class="pl-action" type="button"
                aria-describedby="pl-consent" hidden=move || !asking()
                on:click=move |_| chat.agree()>{t.agree.as_str()}</button>
        </div>
    }
}
