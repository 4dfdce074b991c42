//! The reply composer: sends through the thread's outbox on Enter or the button, tells the
//! visitor while the agent types (at most every [`TYPING_REFRESH_MS`], and that it stopped on
//! send or clear), and is disabled, with the reason, while the conversation is closed.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::SendMessage;
use protocol::ConversationStatus;

use super::live::Live;
use super::socket::ThreadSocket;

/// How often a continuing "typing" is repeated: well within the receiver's
/// [`protocol::frame::TYPING_EXPIRES_MS`], and rare enough to keep the socket quiet.
const TYPING_REFRESH_MS: f64 = 3_000.0;

#[component]
pub fn Composer(
    id: String,
    socket: StoredValue<ThreadSocket, LocalStorage>,
    live: Live,
) -> impl IntoView {
    let draft = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<String>);
    let uploading = RwSignal::new(false);
    // When "typing" last went out; `None` while the visitor has been told nothing (or "stopped").
    let typing_since = StoredValue::new(None::<f64>);
    // `try_`: this also runs as the thread goes, when the socket may be gone already.
    let stop_typing = move || {
        if typing_since
            .try_update_value(Option::take)
            .flatten()
            .is_some()
        {
            socket.try_with_value(|s| s.typing(false));
        }
    };
    // Switching to another conversation is stopping too.
    on_cleanup(stop_typing);
    let typed = move |text: String| {
        let empty = text.trim().is_empty();
        draft.set(text);
        if empty {
            return stop_typing();
        }
        let now = js_sys::Date::now();
        if typing_since
            .get_value()
            .is_none_or(|at| now - at >= TYPING_REFRESH_MS)
        {
            typing_since.set_value(Some(now));
            socket.with_value(|s| s.typing(true));
        }
    };
    let send = move || {
        if live.status.get_untracked() == Some(ConversationStatus::Closed) {
            return;
        }
        let Some(client_id) = client::new_client_id() else {
            return;
        };
        let body = draft.get_untracked();
        let send = SendMessage {
            client_id,
            body,
            attachment: None,
        };
        match domain::message::validate_send(&send) {
            Ok(ok) => {
                notice.set(None);
                draft.set(String::new());
                stop_typing();
                socket.with_value(|s| s.send(ok.client_id, ok.body, None));
            }
            Err(rejection) if !draft.get_untracked().trim().is_empty() => {
                notice.set(Some(rejection.message))
            }
            Err(_) => {}
        }
    };
    let closed = move || live.is_closed();
    // A file goes up first, then out as a reply of its own.
    let attach = move |file: web_sys::File| {
        let id = id.clone();
        uploading.set(true);
        notice.set(Some(format!("Uploading {}…", file.name())));
        spawn_local(async move {
            let uploaded = crate::api::upload(&id, &file).await;
            uploading.set(false);
            match uploaded {
                Ok(file) => {
                    notice.set(None);
                    if let Some(client_id) = client::new_client_id() {
                        socket.with_value(|s| s.send(client_id, String::new(), Some(file)));
                    }
                }
                Err(e) => notice.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <p class="error" role="alert">{move || notice.get()}</p>
        <p id="thread-closed" class="closed-note" hidden=move || !closed()>
            "This conversation is closed. Reopen it to reply."
        </p>
        <form class="composer" on:submit=move |e| { e.prevent_default(); send(); }>
            <label class="visually-hidden" for="reply">"Reply"</label>
            <textarea id="reply" rows="3" placeholder="Write a reply…"
                maxlength=protocol::limits::MESSAGE_MAX_CHARS.to_string()
                disabled=closed
                aria-describedby=move || closed().then_some("thread-closed")
                prop:value=move || draft.get()
                on:input=move |e| typed(event_target_value(&e))
                on:blur=move |_| stop_typing()
                on:keydown=move |e| {
                    // Enter sends, Shift+Enter is a new line; never mid-composition (IME).
                    if e.key() == "Enter" && !e.shift_key() && !e.is_composing() {
                        e.prevent_default();
                        send();
                    }
                }></textarea>
            <label class="attach">
                <input id="reply-file" class="visually-hidden" type="file"
                    disabled=move || closed() || uploading.get()
                    on:change=move |e| {
                        let input: web_sys::HtmlInputElement = event_target(&e);
                        if let Some(file) = input.files().and_then(|f| f.get(0)) {
                            attach(file);
                        }
                        input.set_value("");
                    } />
                "Attach"
            </label>
            <button id="reply-send" class="primary" type="submit" disabled=closed>"Send"</button>
        </form>
    }
}
