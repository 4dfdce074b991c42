//! One open conversation: its messages over the conversation socket (cookie-authenticated,
//! replayed from the start with `after=0`) and the reply composer, sending through the shared
//! outbox so a reply survives a dropped connection and is stored once.

use client::{ConversationEvent, ConversationSocket, Delivery, Entry, LinkState, Outbox};
use leptos::prelude::*;
use protocol::api::{AgentProfile, SendMessage};
use protocol::Author;

use crate::api;

/// The thread of conversation `id`, replying as `me`. The socket closes when the view goes.
#[component]
pub fn Thread(id: String, me: AgentProfile) -> impl IntoView {
    let entries = RwSignal::new(Vec::<Entry>::new());
    let link = RwSignal::new(None::<LinkState>);
    let notice = RwSignal::new(None::<String>);
    let outbox = Outbox::new(Author::Agent {
        id: me.id,
        name: me.name,
    });
    let socket = ConversationSocket::open(
        &api::conversation_socket_url(&id),
        Vec::new(),
        outbox,
        move |event| match event {
            ConversationEvent::Changed { entries: e, .. } => {
                entries.try_set(e);
                scroll_to_end();
            }
            ConversationEvent::State(state) => {
                link.try_set(Some(state));
            }
            ConversationEvent::Refused { message, .. } => {
                notice.try_set(Some(message));
            }
        },
    );
    let socket = StoredValue::new_local(socket);
    let draft = RwSignal::new(String::new());
    let send = move || {
        let Some(client_id) = client::new_client_id() else {
            return;
        };
        let body = draft.get_untracked();
        match domain::message::validate_send(&SendMessage { client_id, body }) {
            Ok(ok) => {
                notice.set(None);
                draft.set(String::new());
                socket.with_value(|s| s.send(ok.client_id, ok.body));
            }
            Err(rejection) if !draft.get_untracked().trim().is_empty() => {
                notice.set(Some(rejection.message))
            }
            Err(_) => {}
        }
    };
    let status = move || match link.get() {
        Some(LinkState::Connecting) => "Connecting…",
        Some(LinkState::Closed) => "Reconnecting…",
        _ => "",
    };
    view! {
        <section class="thread" aria-label="Conversation">
            <p class="status" role="status">{status}</p>
            <ol id="thread-log" class="messages" role="log" aria-live="polite" aria-label="Messages">
                <For each=move || entries.get() key=|e| e.key.clone() let(entry)>
                    <Bubble entry socket />
                </For>
            </ol>
            <p class="error" role="alert">{move || notice.get()}</p>
            <form class="composer" on:submit=move |e| { e.prevent_default(); send(); }>
                <label class="visually-hidden" for="reply">"Reply"</label>
                <textarea id="reply" rows="3" placeholder="Write a reply…"
                    maxlength=protocol::limits::MESSAGE_MAX_CHARS.to_string()
                    prop:value=move || draft.get()
                    on:input=move |e| draft.set(event_target_value(&e))
                    on:keydown=move |e| {
                        // Enter sends, Shift+Enter is a new line; never mid-composition (IME).
                        if e.key() == "Enter" && !e.shift_key() && !e.is_composing() {
                            e.prevent_default();
                            send();
                        }
                    }></textarea>
                <button id="reply-send" class="primary" type="submit">"Send"</button>
            </form>
        </section>
    }
}

#[component]
fn Bubble(entry: Entry, socket: StoredValue<ConversationSocket, LocalStorage>) -> impl IntoView {
    let (author, name) = match &entry.author {
        Author::Visitor => ("visitor", "Visitor".to_owned()),
        Author::Agent { name, .. } => ("agent", name.clone()),
    };
    let (state, note) = match &entry.delivery {
        Delivery::Sent => ("sent", None),
        Delivery::Pending => ("pending", Some("Sending…".to_owned())),
        Delivery::Failed { reason } => ("failed", Some(format!("Not sent: {reason}"))),
    };
    let failed = matches!(entry.delivery, Delivery::Failed { .. });
    let client_id = entry.client_id;
    view! {
        <li class="msg" data-author=author data-state=state>
            <span class="msg-meta">
                <span class="msg-author">{name}</span>
                {entry.sent_at.map(|at| view! { <time>{api::when(at)}</time> })}
            </span>
            <p class="msg-body">{entry.body}</p>
            {note.map(|note| view! { <span class="msg-note">{note}</span> })}
            {failed.then(|| view! {
                <button type="button" class="retry" aria-label="Retry sending this reply"
                    on:click=move |_| socket.with_value(|s| s.retry(&client_id))>"Retry"</button>
            })}
        </li>
    }
}

/// Keeps the newest message in view after the list has been redrawn.
fn scroll_to_end() {
    request_animation_frame(|| {
        if let Some(log) = document().get_element_by_id("thread-log") {
            log.set_scroll_top(log.scroll_height());
        }
    });
}
