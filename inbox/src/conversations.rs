//! The conversation list. The inbox socket is opened before the list is fetched, and the list
//! is fetched again each time that socket (re)opens, so no change falls between the snapshot
//! and the live rows; [`ConversationIndex`] merges the two without letting a row go back in
//! time.

use client::{ConversationIndex, Link, LinkHandlers, LinkState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::ConversationSummary;
use protocol::frame::InboxFrame;
use protocol::ConversationStatus;

use crate::api;

/// The live list, as signals; the socket closes when the owning view goes away.
#[derive(Clone, Copy)]
pub struct Conversations {
    pub index: RwSignal<ConversationIndex>,
    pub error: RwSignal<Option<String>>,
    _link: StoredValue<Link, LocalStorage>,
}

impl Conversations {
    /// Opens the inbox socket and loads the list once it is open.
    pub fn open() -> Self {
        let index = RwSignal::new(ConversationIndex::new());
        let error = RwSignal::new(None);
        let loaded = StoredValue::new(false);
        let load = move || {
            spawn_local(async move {
                match api::conversations().await {
                    Ok(list) => {
                        index.try_update(|i| i.merge(list.conversations));
                        error.try_set(None);
                    }
                    Err(e) => {
                        error.try_set(Some(e.to_string()));
                    }
                }
            });
        };
        let handlers = LinkHandlers {
            url: Box::new(api::inbox_socket_url),
            on_state: Box::new(move |state| {
                // Load on every open; and once anyway if the first attempt fails, so the list
                // shows while the socket retries.
                let first = !loaded.try_get_value().unwrap_or(true);
                if state == LinkState::Open || (state == LinkState::Closed && first) {
                    loaded.try_set_value(true);
                    load();
                }
            }),
            on_text: Box::new(move |text| {
                // Frames this build does not know are skipped.
                if let Ok(frame) = serde_json::from_str::<InboxFrame>(&text) {
                    index.try_update(|i| i.apply(frame));
                }
                Vec::new()
            }),
        };
        Self {
            index,
            error,
            _link: StoredValue::new_local(Link::open(Vec::new(), handlers)),
        }
    }
}

/// The list of rows; `selected` is the open conversation's id.
#[component]
pub fn ConversationList(
    conversations: Conversations,
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    let rows = move || conversations.index.with(|i| i.rows().to_vec());
    view! {
        <nav class="list" aria-label="Conversations">
            <p class="error" role="alert">{move || conversations.error.get()}</p>
            <p class="empty" hidden=move || !conversations.index.with(|i| i.rows().is_empty())>
                "No conversations yet."
            </p>
            <ul>
                // Keyed by content too, so a changed row is redrawn.
                <For each=rows key=|r| (r.id.clone(), r.last_seq, r.status == ConversationStatus::Open)
                    let(row)>
                    <Row row selected />
                </For>
            </ul>
        </nav>
    }
}

#[component]
fn Row(row: ConversationSummary, selected: RwSignal<Option<String>>) -> impl IntoView {
    let id = row.id.clone();
    let is_selected = {
        let id = id.clone();
        move || selected.with(|s| s.as_deref() == Some(id.as_str()))
    };
    let closed = row.status == ConversationStatus::Closed;
    let preview = if row.last_message_preview.is_empty() {
        "(no messages)".to_owned()
    } else {
        row.last_message_preview
    };
    view! {
        <li class="conversation-row" data-id=row.id.clone()
            aria-current=move || is_selected().then_some("true")
            on:click=move |_| selected.set(Some(id.clone()))>
            <button type="button" class="row-open">
                <span class="row-preview">{preview}</span>
                <span class="row-meta">
                    {closed.then_some(view! { <span class="row-closed">"Closed"</span> })}
                    <time class="row-time">{api::when(row.last_message_at)}</time>
                </span>
            </button>
        </li>
    }
}
