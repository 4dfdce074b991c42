//! The widget's components: a header with the site's heading, its availability and a close
//! button, the message log, the availability notice, a notice line and the composer. Every body
//! is rendered as a text node, never as HTML, and no element carries a `style` attribute (the
//! frame's CSP forbids them): looks come from `widget.css` classes and `data-*` attributes.
//!
//! Views avoid type erasure (`into_any`) where an `Option` or an attribute will do: each erased
//! type costs the widget's wasm more than the branch it replaces.

use client::{Delivery, Entry, LinkState};
use leptos::ev;
use leptos::prelude::*;
use protocol::Author;

use crate::availability::{AvailabilityNotice, AwayMarker, ReplyTime};
use crate::chat::Chat;
use crate::frame::FrameParams;

/// The whole chat, for the frame's parameters.
pub fn app(params: FrameParams) -> impl IntoView {
    let chat = Chat::new(params);
    provide_context(chat);
    chat.start();
    // Escape anywhere in the frame closes the chat, as the close button does.
    let _ = window_event_listener(ev::keydown, move |e| {
        if e.key() == "Escape" && !e.is_composing() {
            chat.close();
        }
    });
    view! {
        <main class="pl-chat">
            <Header />
            <Log />
            <AvailabilityNotice />
            <Notice />
            <Composer />
        </main>
    }
}

#[component]
fn Header() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let heading = move || {
        chat.config
            .with(|c| c.as_ref().map(|c| c.heading.clone()))
            .unwrap_or_else(|| "Chat".into())
    };
    let status = move || match chat.link.get() {
        Some(LinkState::Connecting) => "Connecting…",
        Some(LinkState::Closed) => "Offline, reconnecting…",
        _ => "",
    };
    view! {
        <header class="pl-header">
            <div class="pl-titles">
                <h1 id="pl-heading" class="pl-heading">{heading}</h1>
                <ReplyTime />
                <p class="pl-status" role="status">{status}</p>
            </div>
            <AwayMarker />
            <button id="pl-close" class="pl-close" type="button" aria-label="Close chat"
                on:click=move |_| chat.close()>
                <span aria-hidden="true">"×"</span>
            </button>
        </header>
    }
}

#[component]
fn Log() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let welcome = move || {
        chat.config
            .with(|c| c.as_ref().map(|c| c.welcome_message.trim().to_owned()))
            .unwrap_or_default()
    };
    // The welcome is not a stored message, so not `.pl-msg`: tests counting messages skip it.
    // Bubbles are redrawn as a plain list, not a keyed `<For>`: the list is short, a redraw
    // only touches text and attributes that changed (so the live region does not re-announce),
    // and keyed diffing would cost the wasm 3 KB gzip.
    view! {
        <ol id="pl-log" class="pl-log" role="log" aria-live="polite" aria-label="Messages">
            <li class="pl-welcome" data-author="agent" hidden=move || welcome().is_empty()>
                <p class="pl-body">{welcome}</p>
            </li>
            {move || chat.entries.get().into_iter().map(|entry| view! { <Bubble entry /> }).collect_view()}
        </ol>
    }
}

#[component]
fn Bubble(entry: Entry) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let (author, name) = match &entry.author {
        Author::Visitor => ("visitor", None),
        Author::Agent { name, .. } => ("agent", Some(name.clone())),
    };
    let state = match entry.delivery {
        Delivery::Sent => "sent",
        Delivery::Pending => "pending",
        Delivery::Failed { .. } => "failed",
    };
    let sending = (entry.delivery == Delivery::Pending)
        .then(|| view! { <span class="pl-meta">"Sending…"</span> });
    let client_id = entry.client_id;
    let failed = match entry.delivery {
        Delivery::Failed { reason } => Some(view! {
            <span class="pl-meta pl-error">"Not sent: " {reason} " "</span>
            <button class="pl-retry" type="button" aria-label="Retry sending this message"
                on:click=move |_| chat.retry(client_id.clone())>"Retry"</button>
        }),
        _ => None,
    };
    let time = entry
        .sent_at
        .map(|at| view! { <span class="pl-meta">{clock(at)}</span> });
    view! {
        <li class="pl-msg" data-author=author data-state=state>
            {name.map(|name| view! { <span class="pl-author">{name}</span> })}
            <p class="pl-body">{entry.body}</p>
            {sending}
            {failed}
            {time}
        </li>
    }
}

#[component]
fn Notice() -> impl IntoView {
    let chat = expect_context::<Chat>();
    view! {
        <p class="pl-notice" role="alert">{move || chat.notice.get()}</p>
    }
}

#[component]
fn Composer() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let draft = RwSignal::new(String::new());
    let submit = move || {
        if chat.send(&draft.get_untracked()) {
            draft.set(String::new());
        }
    };
    view! {
        <form class="pl-composer" on:submit=move |e| { e.prevent_default(); submit(); }>
            <label class="pl-hidden" for="pl-composer">"Message"</label>
            <textarea id="pl-composer" rows="2" placeholder="Write a message…"
                maxlength=protocol::limits::MESSAGE_MAX_CHARS.to_string()
                prop:value=move || draft.get()
                on:input=move |e| draft.set(event_target_value(&e))
                on:keydown=move |e| {
                    // Enter sends, Shift+Enter is a new line; never mid-composition (IME).
                    if e.key() == "Enter" && !e.shift_key() && !e.is_composing() {
                        e.prevent_default();
                        submit();
                    }
                }></textarea>
            <button id="pl-send" class="pl-send" type="submit" aria-label="Send message"
                disabled=move || chat.busy.get()>"Send"</button>
        </form>
    }
}

/// A message time as the visitor's clock shows it (`14:05`).
fn clock(at: protocol::Millis) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}
