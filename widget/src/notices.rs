//! The lines between the log and the composer: who is typing, the conversation having ended
//! (with the way to a new one), and the site's consent text (with "I agree" when the site asks
//! for explicit consent). Each stays in place and is hidden when empty, which costs the wasm
//! less than views that come and go; the typing and closed lines are status regions, so a
//! change is announced. The closed and consent lines are parts of their own (`crate::parts`),
//! each drawn into its place (`#pl-closed-part`, `#pl-consent-part`) once loaded.

use leptos::mount::mount_to;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::chat::{Chat, Words};

/// Installs the `closed` part (`crate::parts`): draws it into its place.
pub fn draw_closed(chat: Chat) {
    draw_part("pl-closed-part", chat, || view! { <Closed /> });
}

/// Installs the `consent` part (`crate::parts`): draws it into its place.
pub fn draw_consent(chat: Chat) {
    draw_part("pl-consent-part", chat, || view! { <Consent /> });
}

/// Installs the `privacy` part (`crate::parts`): draws "Your data" at the end of the header.
pub fn draw_privacy(chat: Chat) {
    draw_part("pl-header", chat, || view! { <crate::privacy::Privacy /> });
}

/// Installs the `ask_email` part (`crate::parts`): draws it into its place.
pub fn draw_ask_email(chat: Chat) {
    draw_part(
        "pl-email-part",
        chat,
        || view! { <crate::ask_email::AskEmail /> },
    );
}

/// Installs the `replies` part (`crate::parts`): draws it into its place.
pub fn draw_replies(chat: Chat) {
    draw_part(
        "pl-replies-part",
        chat,
        || view! { <crate::replies::QuickReplies /> },
    );
}

/// Mounts a part's view into its place, with the chat and its words as context, for the life
/// of the page. Parts load once the chat is drawn, so its words and places exist.
fn draw_part<V: IntoView + 'static>(place: &str, chat: Chat, view: impl FnOnce() -> V + 'static) {
    let (Some(words), Some(place)) = (
        chat.words.get_untracked(),
        document()
            .get_element_by_id(place)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()),
    ) else {
        return;
    };
    mount_to(place, move || {
        provide_context(chat);
        provide_context(words);
        view()
    })
    .forget();
    chat.refocus();
}

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
