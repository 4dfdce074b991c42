//! One row of the conversation list: its last message, when, and where it is and whose.

use leptos::prelude::*;
use protocol::api::ConversationSummary;

use crate::api;

/// One conversation in the list; a click opens it.
///
/// - `row`: the conversation as the list has it.
/// - `selected`: the open conversation's id (this row is marked when it is this one).
/// - `assignee`, `inbox_name`, `team_name`: names to show beside it, when it has them (the
///   inbox's only when the agent sees several).
#[component]
pub fn Row(
    row: ConversationSummary,
    selected: RwSignal<Option<String>>,
    assignee: Option<String>,
    inbox_name: Option<String>,
    team_name: Option<String>,
) -> impl IntoView {
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
                    {inbox_name.map(|name| view! { <span class="row-inbox">{name}</span> })}
                    {team_name.map(|name| view! { <span class="row-team">{name}</span> })}
                    {assignee.map(|name| view! { <span class="row-assignee">{name}</span> })}
                    {row.bot_active.then(|| view! { <span class="row-bot">"Bot"</span> })}
                </span>
            </button>
        </li>
    }
}
