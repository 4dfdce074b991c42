//! The conversation list. It shows one view at a time (`client::View`: unassigned, mine, all
//! open, closed), narrowed to one inbox, channel or team when asked; a row moves between them
//! live when anyone assigns, closes or reopens it. A search shows what it found instead.
//!
//! # Layout
//! - this file: [`ConversationList`], with the view tabs and the rows.
//! - [`list_socket`]: the list socket and the live rows it keeps.
//! - [`search`]: the search box.
//! - [`filters`]: the inbox, channel and team filters.
//! - [`row`]: one row.

mod filters;
mod list_socket;
mod row;
mod search;

pub use list_socket::ListSocket;

use client::View;
use leptos::prelude::*;
use protocol::api::AgentProfile;
use protocol::ConversationStatus;

use crate::directory::Directory;
use filters::{Filters, Narrowed};
use row::Row;
use search::{Found, Search};

/// The list of rows in the chosen view.
///
/// - `conversations`: the live rows, from the list socket.
/// - `selected`: the open conversation's id; a click on a row sets it.
/// - `me`: the signed-in agent's id (for the "Mine" view).
/// - `members`: the team, for assignees' names.
#[component]
pub fn ConversationList(
    conversations: ListSocket,
    selected: RwSignal<Option<String>>,
    me: String,
    members: RwSignal<Vec<AgentProfile>>,
) -> impl IntoView {
    let me = StoredValue::new(me);
    let view = RwSignal::new(View::Open);
    let directory = Directory::get();
    let narrowed = Narrowed::new();
    let rows = Memo::new(move |_| {
        let wanted = view.get();
        conversations.index.with(|i| {
            i.rows()
                .iter()
                .filter(|r| wanted.shows(r, &me.read_value()) && narrowed.shows(r))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let count = move |v: View| {
        conversations.index.with(|i| {
            i.rows()
                .iter()
                .filter(|r| v.shows(r, &me.read_value()) && narrowed.shows(r))
                .count()
        })
    };
    let several_inboxes = move || directory.inboxes.with(|i| i.len() > 1);
    let tab = move |v: View, id: &'static str, label: &'static str| {
        view! {
            <button id=id type="button" class="view-tab"
                aria-pressed=move || (view.get() == v).to_string()
                on:click=move |_| view.set(v)>
                {label}" "<span class="view-count">{move || count(v)}</span>
            </button>
        }
    };
    let empty = move || match view.get() {
        View::Unassigned => "Nothing waiting for someone to pick it up.",
        View::Mine => "Nothing assigned to you.",
        View::Open => "No open conversations.",
        View::Closed => "No closed conversations.",
    };
    let name_of =
        move |id: &str| members.with(|m| m.iter().find(|a| a.id == id).map(|a| a.name.clone()));
    // What the search found, for what is typed; `None` while the box is empty.
    let results = RwSignal::<Found>::new(None);
    let searching = move || results.with(Option::is_some);
    let shown = move || match results.get() {
        Some((_, rows)) => rows.into_iter().filter(|r| narrowed.shows(r)).collect(),
        None => rows.get(),
    };
    let team_name = move |id: &str| {
        directory
            .teams
            .with(|all| all.iter().find(|t| t.id == id).map(|t| t.name.clone()))
    };
    view! {
        <nav class="list" aria-label="Conversations">
            <Search results error=conversations.error />
            <Filters narrowed />
            <div class="views" role="group" aria-label="Show conversations" hidden=searching>
                {tab(View::Unassigned, "view-unassigned", "Unassigned")}
                {tab(View::Mine, "view-mine", "Mine")}
                {tab(View::Open, "view-open", "All open")}
                {tab(View::Closed, "view-closed", "Closed")}
            </div>
            <p class="error" role="alert">{move || conversations.error.get()}</p>
            <p class="empty" hidden=move || searching() || rows.with(|r| !r.is_empty())>{empty}</p>
            <ul>
                // Keyed by content too, so a changed row is redrawn.
                <For each=shown
                    key=|r| (r.id.clone(), r.last_seq, r.status == ConversationStatus::Open, r.assignee_id.clone(), r.inbox_id.clone(), r.team_id.clone(), r.bot_active)
                    let(row)>
                    {
                        let assignee = row.assignee_id.as_deref().and_then(name_of);
                        let inbox_name = several_inboxes()
                            .then(|| directory.inbox_name(&row.inbox_id))
                            .flatten();
                        let team_name = row.team_id.as_deref().and_then(team_name);
                        view! { <Row row selected assignee inbox_name team_name /> }
                    }
                </For>
            </ul>
        </nav>
    }
}
