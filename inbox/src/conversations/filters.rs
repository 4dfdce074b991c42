//! Narrowing the conversation list to one inbox, channel or team.

use leptos::prelude::*;
use protocol::api::ConversationSummary;

use crate::api::channel_value;
use crate::directory::Directory;
use crate::ui::CHANNELS;

/// What the list is narrowed to: an inbox, a channel and a team, each by its filter's value
/// (`""`: all); `Copy`.
#[derive(Clone, Copy)]
pub struct Narrowed {
    inbox: RwSignal<String>,
    channel: RwSignal<String>,
    team: RwSignal<String>,
}

impl Narrowed {
    /// Narrowed to nothing: every inbox, channel and team.
    pub fn new() -> Self {
        Self {
            inbox: RwSignal::new(String::new()),
            channel: RwSignal::new(String::new()),
            team: RwSignal::new(String::new()),
        }
    }

    /// Whether `row` is among those shown (tracked).
    pub fn shows(&self, row: &ConversationSummary) -> bool {
        self.inbox.with(|i| i.is_empty() || *i == row.inbox_id)
            && self
                .channel
                .with(|c| c.is_empty() || c == channel_value(row.channel))
            && self
                .team
                .with(|t| t.is_empty() || Some(t.as_str()) == row.team_id.as_deref())
    }
}

/// The inbox, channel and team filters; the inbox filter shows only to an agent who sees
/// several inboxes, the team filter only when there are teams.
///
/// - `narrowed`: what the filters choose.
#[component]
pub fn Filters(narrowed: Narrowed) -> impl IntoView {
    let directory = Directory::get();
    let Narrowed {
        inbox,
        channel,
        team,
    } = narrowed;
    let several_inboxes = move || directory.inboxes.with(|i| i.len() > 1);
    let inbox_options = move || crate::id_options(directory.inbox_names(), Some(&inbox.get()));
    let team_options = move || crate::id_options(directory.team_names(), Some(&team.get()));
    view! {
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
    }
}
