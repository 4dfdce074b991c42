//! The Inboxes page (admins): each inbox (a shared queue of conversations) with its name, who
//! sees it (everyone, or chosen members and teams) and the channels delivering to it; where
//! each channel delivers; the teams and their members. The server decides every rule (names
//! used once, nothing left in a deleted inbox, the last inbox kept); this page shows its
//! refusals.
//!
//! # Layout
//! - this file: the page, with its one line for what was done and what was refused.
//! - [`channels`]: where each channel delivers.
//! - [`inbox_form`]: one inbox's form, or a new one's.
//! - [`team_form`]: one team's form, or a new one's.

mod channels;
mod inbox_form;
mod team_form;

use leptos::prelude::*;
use protocol::Channel;

use crate::api;
use crate::directory::Directory;
use channels::Channels;
use inbox_form::InboxForm;
use team_form::TeamForm;

/// A channel's kind, in words.
fn channel_label(channel: Channel) -> &'static str {
    match channel {
        Channel::Chat => "Website chat",
        Channel::Messenger => "Messenger",
        Channel::WhatsApp => "WhatsApp",
    }
}

/// The page (admins only: the section is not offered to agents, and the server refuses them).
/// It has no props: it reads the [`Directory`] and loads the team.
#[component]
pub fn InboxesPage() -> impl IntoView {
    let directory = Directory::get();
    // The members, for each form's choice; none while loading (or if the load failed).
    let team = LocalResource::new(api::team);
    let members = Signal::derive(move || {
        team.with(|t| {
            t.as_ref()
                .and_then(|t| t.as_ref().ok())
                .map(|t| t.members.clone())
        })
        .unwrap_or_default()
    });
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    directory.reload();
    let done = Callback::new(move |said: String| {
        error.set(None);
        status.set(Some(said));
        directory.reload();
    });
    let failed = Callback::new(move |e: String| {
        status.set(None);
        error.set(Some(e));
    });
    view! {
        <main class="page inboxes" aria-labelledby="inboxes-title">
            <h1 id="inboxes-title">"Inboxes"</h1>
            <p class="intro">
                "Each channel delivers to one inbox. Agents see an inbox open to everyone, one they are given, \
                 or one given to a team of theirs; admins see every inbox."
            </p>
            <p class="error" role="alert">{move || error.get()}</p>
            <p class="saved" role="status">{move || status.get()}</p>
            <section aria-labelledby="channels-title">
                <h2 id="channels-title">"Channels"</h2>
                <Channels done failed />
            </section>
            <section aria-labelledby="inbox-list-title">
                <h2 id="inbox-list-title">"Inboxes"</h2>
                <ul class="inbox-list">
                    <For each=move || directory.inboxes.get()
                        key=|i| (i.id.clone(), i.name.clone(), i.everyone, i.member_ids.clone(), i.team_ids.clone(), i.channels.len())
                        let(inbox)>
                        <InboxForm inbox=Some(inbox) members done failed />
                    </For>
                </ul>
                <h3>"New inbox"</h3>
                <ul class="inbox-list"><InboxForm inbox=None members done failed /></ul>
            </section>
            <section aria-labelledby="team-list-title">
                <h2 id="team-list-title">"Teams"</h2>
                <p class="empty" hidden=move || directory.teams.with(|t| !t.is_empty())>"No teams yet."</p>
                <ul class="team-list">
                    <For each=move || directory.teams.get()
                        key=|t| (t.id.clone(), t.name.clone(), t.member_ids.clone())
                        let(team)>
                        <TeamForm team=Some(team) members done failed />
                    </For>
                </ul>
                <h3>"New team"</h3>
                <ul class="team-list"><TeamForm team=None members done failed /></ul>
            </section>
        </main>
    }
}
