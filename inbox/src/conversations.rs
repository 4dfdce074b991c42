//! The conversation list. The inbox socket is opened before the list is fetched, and the list
//! is fetched again each time that socket (re)opens, so no change falls between the snapshot
//! and the live rows; [`ConversationIndex`] merges the two without letting a row go back in
//! time. The list shows one view at a time (`client::View`: unassigned, mine, all open,
//! closed), narrowed to one inbox, channel or team when asked; a row moves between them live
//! when anyone assigns, closes or reopens it.

use client::alerts::{alert_for, Alert};
use client::{ConversationIndex, Link, LinkHandlers, LinkState, View};
use leptos::leptos_dom::helpers::TimeoutHandle;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::{AgentProfile, ConversationSummary, Mention};
use protocol::frame::{InboxFrame, SignedOut};
use protocol::{Channel, ConversationStatus};

use crate::api;
use crate::directory::Directory;

/// How long after the last keystroke a search goes out.
const SEARCH_DELAY: std::time::Duration = std::time::Duration::from_millis(250);

/// The live list, as signals; the socket closes when the owning view goes.
#[derive(Clone, Copy)]
pub struct Conversations {
    pub index: RwSignal<ConversationIndex>,
    pub error: RwSignal<Option<String>>,
    _link: StoredValue<Link, LocalStorage>,
}

impl Conversations {
    /// Opens the inbox socket and loads the list once it is open. `alerted` gets each change
    /// `me` should be alerted to (`client::alerts`); `mentioned` gets each
    /// @mention of the agent as it is written; `signed_out` runs when the server says the
    /// agent's sessions have ended; `access_changed` when the inboxes they see changed (the
    /// list is then read afresh, dropping rows no longer theirs).
    pub fn open(
        me: String,
        alerted: Callback<(Alert, ConversationSummary)>,
        mentioned: Callback<Mention>,
        signed_out: Callback<SignedOut>,
        access_changed: Callback<()>,
    ) -> Self {
        let index = RwSignal::new(ConversationIndex::new());
        let error = RwSignal::new(None);
        let loaded = StoredValue::new(false);
        let load = move |afresh: bool| {
            spawn_local(async move {
                match api::conversations().await {
                    Ok(list) if afresh => {
                        index.try_update(|i| i.reset(list.conversations));
                        error.try_set(None);
                    }
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
                    load(false);
                }
            }),
            on_text: Box::new(move |text| {
                // Frames this build does not know are skipped.
                match client::json::parse::<InboxFrame>(&text) {
                    Some(InboxFrame::Mention(mention)) => {
                        let _ = mentioned.try_run(mention);
                    }
                    Some(InboxFrame::SignedOut(why)) => {
                        let _ = signed_out.try_run(why);
                    }
                    Some(InboxFrame::AccessChanged) => {
                        load(true);
                        let _ = access_changed.try_run(());
                    }
                    Some(gone @ InboxFrame::Gone(_)) => {
                        index.try_update(|i| i.apply(gone));
                    }
                    Some(InboxFrame::Conversation(row)) => {
                        let before = index.with_untracked(|i| i.get(&row.id).cloned());
                        let alert = alert_for(before.as_ref(), &row, &me, false);
                        index.try_update(|i| i.apply(InboxFrame::Conversation(row.clone())));
                        if let Some(alert) = alert {
                            let _ = alerted.try_run((alert, row));
                        }
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

    /// Who conversation `id` is assigned to, as the list has it now.
    pub fn assignee(&self, id: String) -> Signal<Option<String>> {
        let index = self.index;
        Signal::derive(move || index.with(|i| i.get(&id).and_then(|r| r.assignee_id.clone())))
    }

    /// The team conversation `id` is given to, as the list has it now.
    pub fn team(&self, id: String) -> Signal<Option<String>> {
        let index = self.index;
        Signal::derive(move || index.with(|i| i.get(&id).and_then(|r| r.team_id.clone())))
    }

    /// The inbox conversation `id` is in, as the list has it now.
    pub fn inbox(&self, id: String) -> Signal<Option<String>> {
        let index = self.index;
        Signal::derive(move || index.with(|i| i.get(&id).map(|r| r.inbox_id.clone())))
    }

    /// The channel of conversation `id`, if the list has it.
    pub fn channel(&self, id: &str) -> Option<protocol::Channel> {
        self.index.with_untracked(|i| i.get(id).map(|r| r.channel))
    }

    /// The status of conversation `id`, if the list has it.
    pub fn status(&self, id: &str) -> Option<ConversationStatus> {
        self.index.with_untracked(|i| i.get(id).map(|r| r.status))
    }
}

/// The list of rows in the chosen view; `selected` is the open conversation's id, `me` the
/// signed-in agent's, `members` the team (for assignees' names).
#[component]
pub fn ConversationList(
    conversations: Conversations,
    selected: RwSignal<Option<String>>,
    me: String,
    members: RwSignal<Vec<AgentProfile>>,
) -> impl IntoView {
    let me = StoredValue::new(me);
    let view = RwSignal::new(View::Open);
    let directory = Directory::get();
    // Narrowed to one inbox, channel and team, or all ('') of each.
    let inbox = RwSignal::new(String::new());
    let channel = RwSignal::new(String::new());
    let team = RwSignal::new(String::new());
    let in_inbox = move |r: &ConversationSummary| {
        inbox.with(|i| i.is_empty() || *i == r.inbox_id)
            && channel.with(|c| c.is_empty() || c == channel_value(r.channel))
            && team.with(|t| t.is_empty() || Some(t.as_str()) == r.team_id.as_deref())
    };
    let rows = Memo::new(move |_| {
        let wanted = view.get();
        conversations.index.with(|i| {
            i.rows()
                .iter()
                .filter(|r| wanted.shows(r, &me.read_value()) && in_inbox(r))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let count = move |v: View| {
        conversations.index.with(|i| {
            i.rows()
                .iter()
                .filter(|r| v.shows(r, &me.read_value()) && in_inbox(r))
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
    // Search: what is typed, and the answer for it (searched a moment after typing stops).
    let query = RwSignal::new(String::new());
    let results = RwSignal::new(None::<(String, Vec<ConversationSummary>)>);
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let typed = move |q: String| {
        query.set(q.clone());
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        if q.trim().is_empty() {
            results.set(None);
            return;
        }
        let search = move || {
            spawn_local(async move {
                match api::search(&q).await {
                    // Only the answer to what is typed now counts.
                    Ok(list) if query.get_untracked() == q => {
                        results.try_set(Some((q, list.conversations)));
                    }
                    Ok(_) => {}
                    Err(e) => {
                        conversations.error.try_set(Some(e.to_string()));
                    }
                }
            });
        };
        pending.set_value(set_timeout_with_handle(search, SEARCH_DELAY).ok());
    };
    let searching = move || results.with(Option::is_some);
    let shown = move || match results.get() {
        Some((_, rows)) => rows.into_iter().filter(|r| in_inbox(r)).collect(),
        None => rows.get(),
    };
    let inbox_options = move || crate::id_options(directory.inbox_names(), Some(&inbox.get()));
    let team_options = move || crate::id_options(directory.team_names(), Some(&team.get()));
    let team_name = move |id: &str| {
        directory
            .teams
            .with(|all| all.iter().find(|t| t.id == id).map(|t| t.name.clone()))
    };
    view! {
        <nav class="list" aria-label="Conversations">
            <div class="search">
                <input id="search" type="search" placeholder="Search messages, names, e-mails"
                    aria-label="Search conversations" maxlength="200" autocomplete="off"
                    prop:value=move || query.get()
                    on:input=move |e| typed(event_target_value(&e)) />
                <p id="search-summary" class="search-summary" role="status" hidden=move || !searching()>
                    {move || results.with(|r| r.as_ref().map(|(q, rows)| match rows.len() {
                        0 => format!("Nothing found for “{q}”."),
                        1 => format!("1 conversation for “{q}”."),
                        n => format!("{n} conversations for “{q}”."),
                    }))}
                </p>
            </div>
            <label class="inbox-filter" hidden=move || !several_inboxes()>
                "Inbox "
                <select id="inbox-filter" on:change=move |e| inbox.set(event_target_value(&e))>
                    <option value="">"All inboxes"</option>
                    {inbox_options}
                </select>
            </label>
            <label class="channel-filter">
                "Channel "
                <select id="channel-filter" on:change=move |e| channel.set(event_target_value(&e))>
                    <option value="">"All channels"</option>
                    {CHANNELS.map(|(c, label)| view! { <option value=channel_value(c)>{label}</option> })}
                </select>
            </label>
            <label class="team-filter" hidden=move || directory.teams.with(Vec::is_empty)>
                "Team "
                <select id="team-filter" on:change=move |e| team.set(event_target_value(&e))>
                    <option value="">"All teams"</option>
                    {team_options}
                </select>
            </label>
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
                    key=|r| (r.id.clone(), r.last_seq, r.status == ConversationStatus::Open, r.assignee_id.clone(), r.inbox_id.clone(), r.team_id.clone())
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

/// The channels, as the channel filter offers them.
const CHANNELS: [(Channel, &str); 3] = [
    (Channel::Chat, "Website chat"),
    (Channel::Messenger, "Messenger"),
    (Channel::WhatsApp, "WhatsApp"),
];

/// A channel as the channel filter's value.
fn channel_value(channel: Channel) -> &'static str {
    match channel {
        Channel::Chat => "chat",
        Channel::Messenger => "messenger",
        Channel::WhatsApp => "whatsapp",
    }
}

#[component]
fn Row(
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
                </span>
            </button>
        </li>
    }
}
