//! The thread's header: whether the conversation is open or closed, the button that closes or
//! reopens it, the inbox it is in (movable to another the agent sees), who it is assigned to
//! (any member who sees it may reassign it, to a member who sees it) and the team it is given
//! to (one that sees its inbox; routing then gives it to a free member of the team), and which
//! other agents are viewing it (so two people do not answer at once). While a chatflow bot holds
//! it, the header says so and offers "Take over": the agent takes it, and the bot goes silent
//! (as it does when a member writes).

use leptos::html;
use leptos::prelude::*;
use protocol::api::{AgentProfile, ConversationSummary};
use protocol::frame::AgentRef;
use protocol::ConversationStatus;

use super::live::Live;
use crate::directory::Directory;
use crate::{api, failure};

/// A change the header makes to its conversation.
#[derive(Clone)]
enum Edit {
    /// Close or reopen it.
    Status(ConversationStatus),
    /// Assign it to this member, or to nobody.
    Assign(Option<String>),
    /// Give it to this team, or to none.
    Team(Option<String>),
    /// Move it to this inbox.
    Move(String),
}

/// The header of one conversation.
///
/// - `id`: the conversation's id.
/// - `me`: the signed-in agent's id (marked "(me)" among the assignees).
/// - `live`: the thread's live state (status, viewers).
/// - `assignee`, `inbox`, `team`: whom, where and to which team it is assigned, as the list
///   knows it now.
/// - `bot`: whether a chatflow bot holds it, as the list knows it now.
/// - `members`: the team, for the assignee choice.
/// - `changed`: gets the row the server answers a change with, so the list need not wait for
///   the list socket.
#[component]
pub fn ThreadHeader(
    id: String,
    me: String,
    live: Live,
    assignee: Signal<Option<String>>,
    inbox: Signal<Option<String>>,
    team: Signal<Option<String>>,
    bot: Signal<bool>,
    members: RwSignal<Vec<AgentProfile>>,
    changed: Callback<ConversationSummary>,
) -> impl IntoView {
    let directory = Directory::get();
    let me_id = StoredValue::new(me.clone());
    let close_button = NodeRef::<html::Button>::new();
    let reopen_button = NodeRef::<html::Button>::new();
    let id = StoredValue::new(id);
    // Every change: the controls wait while it is out, the row the server answers goes to the
    // list, a refusal shows.
    let edit = Action::new_local(move |edit: &Edit| {
        let edit = edit.clone();
        async move {
            let id = id.get_value();
            let answer = match &edit {
                Edit::Status(status) => api::set_conversation_status(&id, *status).await,
                Edit::Assign(agent) => api::assign(&id, agent.clone()).await,
                Edit::Team(team) => api::assign_team(&id, team.clone()).await,
                Edit::Move(target) => api::move_conversation(&id, target.clone()).await,
            };
            let row = answer.map_err(|e| e.to_string())?;
            if let Edit::Status(status) = edit {
                live.status.try_set(Some(row.status));
                // The pressed button is hidden now; keep the keyboard on its counterpart.
                let next = match status {
                    ConversationStatus::Closed => reopen_button,
                    ConversationStatus::Open => close_button,
                };
                request_animation_frame(move || {
                    if let Some(button) = next.get_untracked() {
                        let _ = button.focus();
                    }
                });
            }
            let _ = changed.try_run(row);
            Ok(())
        }
    });
    let busy = edit.pending();
    let error = failure(edit);
    let set_status = move |status| {
        edit.dispatch(Edit::Status(status));
    };
    // A choice left empty ("Nobody", "No team") is `None`.
    let chosen = |e: &leptos::ev::Event| Some(event_target_value(e)).filter(|v| !v.is_empty());
    let assign = move |e: leptos::ev::Event| {
        edit.dispatch(Edit::Assign(chosen(&e)));
    };
    let give_to_team = move |e: leptos::ev::Event| {
        edit.dispatch(Edit::Team(chosen(&e)));
    };
    let move_to = move |e: leptos::ev::Event| {
        edit.dispatch(Edit::Move(event_target_value(&e)));
    };
    let inbox_options = move || crate::id_options(directory.inbox_names(), inbox.get().as_deref());
    // Rendered with the current choice marked, whenever the members or the assignee change;
    // the select itself stays, and keeps the focus. Only members who see the conversation's
    // inbox are offered (the server refuses the others).
    let options = move || {
        let current = assignee.get();
        let me = me.clone();
        let inbox = inbox.get().unwrap_or_default();
        let nobody = view! { <option value="" selected=current.is_none()>"Nobody"</option> };
        let members = members
            .get()
            .into_iter()
            .filter(|m| current.as_deref() == Some(m.id.as_str()) || directory.sees(&inbox, m))
            .map(|m| {
                let label = if m.id == me {
                    format!("{} (me)", m.name)
                } else {
                    m.name
                };
                (m.id, label)
            })
            .collect();
        (nobody, crate::id_options(members, current.as_deref()))
    };
    // The teams that see the conversation's inbox (and the one it has, whatever happened since).
    let team_options = move || {
        let current = team.get();
        let inbox = inbox.get().unwrap_or_default();
        let seen_by = |t: &str| {
            directory.inboxes.with(|all| {
                all.iter()
                    .find(|i| i.id == inbox)
                    .is_none_or(|i| client::access::team_sees(i, t))
            })
        };
        let none = view! { <option value="" selected=current.is_none()>"No team"</option> };
        let teams = directory
            .teams
            .get()
            .into_iter()
            .filter(|t| current.as_deref() == Some(t.id.as_str()) || seen_by(&t.id))
            .map(|t| (t.id, t.name))
            .collect();
        (none, crate::id_options(teams, current.as_deref()))
    };
    let label = move || match live.status.get() {
        Some(ConversationStatus::Open) => "Open",
        Some(ConversationStatus::Closed) => "Closed",
        None => "",
    };
    view! {
        <header class="thread-head">
            <span id="thread-status" class="thread-status"
                data-status=move || live.status.get().map(api::status_name)>{label}</span>
            <p id="thread-viewers" class="viewers" role="status"
                hidden=move || live.viewers.with(Vec::is_empty)>
                {move || live.viewers.with(|v| also_viewing(v))}
            </p>
            <label class="inbox-choice" hidden=move || directory.inboxes.with(|i| i.len() < 2)>
                "Inbox "
                <select id="thread-inbox" disabled=move || busy.get() on:change=move_to>{inbox_options}</select>
            </label>
            <label class="assignee">
                "Assigned to "
                <select id="assignee" disabled=move || busy.get() on:change=assign>{options}</select>
            </label>
            <label class="team-choice" hidden=move || directory.teams.with(Vec::is_empty)>
                "Team "
                <select id="thread-team" disabled=move || busy.get() on:change=give_to_team>{team_options}</select>
            </label>
            <p id="thread-bot" class="thread-bot" hidden=move || !bot.get()>
                "A chatflow bot is answering. "
                <button id="take-over" type="button" disabled=move || busy.get()
                    on:click=move |_| {
                        edit.dispatch(Edit::Assign(Some(me_id.get_value())));
                    }>"Take over"</button>
            </p>
            <p class="error" role="alert">{move || error.get()}</p>
            <button id="close-conversation" type="button" node_ref=close_button
                hidden=move || live.status.get() != Some(ConversationStatus::Open)
                disabled=move || busy.get()
                on:click=move |_| set_status(ConversationStatus::Closed)>"Close conversation"</button>
            <button id="reopen-conversation" type="button" node_ref=reopen_button
                hidden=move || live.status.get() != Some(ConversationStatus::Closed)
                disabled=move || busy.get()
                on:click=move |_| set_status(ConversationStatus::Open)>"Reopen conversation"</button>
        </header>
    }
}

/// "Sam is also viewing", "Sam and Alex are also viewing", "Sam, Alex and Kim are …".
fn also_viewing(agents: &[AgentRef]) -> String {
    let names: Vec<&str> = agents.iter().map(|a| a.name.as_str()).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => format!("{one} is also viewing"),
        [rest @ .., last] => format!("{} and {last} are also viewing", rest.join(", ")),
    }
}
