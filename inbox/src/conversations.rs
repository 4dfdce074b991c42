//! The conversation list. The inbox socket is opened before the list is fetched, and the list
//! is fetched again each time that socket (re)opens, so no change falls between the snapshot
//! and the live rows; [`ConversationIndex`] merges the two without letting a row go back in
//! time. The list shows one view at a time, open or closed conversations; a row moves between
//! them live when anyone closes or reopens it.

use client::{ConversationIndex, Link, LinkHandlers, LinkState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::ConversationSummary;
use protocol::frame::{InboxFrame, SignedOut};
use protocol::ConversationStatus;

use crate::api;

/// The live list, as signals; the socket closes when the owning view goes.
#[derive(Clone, Copy)]
pub struct Conversations {
    pub index: RwSignal<ConversationIndex>,
    pub error: RwSignal<Option<String>>,
    _link: StoredValue<Link, LocalStorage>,
}

impl Conversations {
    /// Opens the inbox socket and loads the list once it is open. `signed_out` runs when the
    /// server says the agent's sessions have ended.
    pub fn open(signed_out: Callback<SignedOut>) -> Self {
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
                match client::json::parse::<InboxFrame>(&text) {
                    Some(InboxFrame::SignedOut(why)) => {
                        let _ = signed_out.try_run(why);
                    }
                    Some(frame) => {
                        index.try_update(|i| i.apply(frame));
                    }
                    None => {}
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

    /// Takes a row the server answered with (a close or reopen), ahead of its inbox frame.
    pub fn changed(&self, row: ConversationSummary) {
        self.index
            .try_update(|i| i.apply(InboxFrame::Conversation(row)));
    }

    /// The status of conversation `id`, if the list has it.
    pub fn status(&self, id: &str) -> Option<ConversationStatus> {
        self.index.with_untracked(|i| i.get(id).map(|r| r.status))
    }
}

/// The list of rows in the chosen view; `selected` is the open conversation's id.
#[component]
pub fn ConversationList(
    conversations: Conversations,
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    let view_status = RwSignal::new(ConversationStatus::Open);
    let rows = Memo::new(move |_| {
        let wanted = view_status.get();
        conversations.index.with(|i| {
            i.rows()
                .iter()
                .filter(|r| r.status == wanted)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let count = move |status: ConversationStatus| {
        conversations
            .index
            .with(|i| i.rows().iter().filter(|r| r.status == status).count())
    };
    let tab = move |status: ConversationStatus, id: &'static str, label: &'static str| {
        view! {
            <button id=id type="button" class="view-tab"
                aria-pressed=move || (view_status.get() == status).to_string()
                on:click=move |_| view_status.set(status)>
                {label}" "<span class="view-count">{move || count(status)}</span>
            </button>
        }
    };
    let empty = move || match view_status.get() {
        ConversationStatus::Open => "No open conversations.",
        ConversationStatus::Closed => "No closed conversations.",
    };
    view! {
        <nav class="list" aria-label="Conversations">
            <div class="views" role="group" aria-label="Show conversations">
                {tab(ConversationStatus::Open, "view-open", "Open")}
                {tab(ConversationStatus::Closed, "view-closed", "Closed")}
            </div>
            <p class="error" role="alert">{move || conversations.error.get()}</p>
            <p class="empty" hidden=move || rows.with(|r| !r.is_empty())>{empty}</p>
            <ul>
                // Keyed by content too, so a changed row is redrawn.
                <For each=move || rows.get() key=|r| (r.id.clone(), r.last_seq, r.status == ConversationStatus::Open)
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
    let preview = if row.last_message_preview.is_empty() {
        "(no messages)".to_owned()
    } else {
        row.last_message_preview
    };
    view! {
        <li class="conversation-row" data-id=row.id.clone() data-status=api::status_name(row.status)
            aria-current=move || is_selected().then_some("true")
            on:click=move |_| selected.set(Some(id.clone()))>
            <button type="button" class="row-open">
                <span class="row-preview">{preview}</span>
                <span class="row-meta">
                    <time class="row-time">{api::when(row.last_message_at)}</time>
                </span>
            </button>
        </li>
    }
}
