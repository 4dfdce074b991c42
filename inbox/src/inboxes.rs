//! Inboxes and teams in the app: the [`Directory`] every part reads (the inboxes this agent
//! sees, and every team), read again whenever the server says access changed; and the Inboxes
//! page (admins): each inbox with its name, who sees it (everyone, or chosen members and teams)
//! and the channels delivering to it; where each channel delivers; the teams and their members.
//! The server decides every rule (names used once, nothing left in a deleted inbox, the last
//! inbox kept); this page shows its refusals.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::{AgentProfile, Inbox, InboxInput, Team, TeamInput};
use protocol::Channel;

use crate::api;

/// The inboxes the agent sees and every team, shared through the context.
#[derive(Clone, Copy)]
pub struct Directory {
    pub inboxes: RwSignal<Vec<Inbox>>,
    pub teams: RwSignal<Vec<Team>>,
}

impl Directory {
    /// Every inbox as `(id, name)`, for a select ([`crate::id_options`]); tracked.
    pub fn inbox_names(&self) -> Vec<(String, String)> {
        self.inboxes
            .with(|all| all.iter().map(|i| (i.id.clone(), i.name.clone())).collect())
    }

    /// Every team as `(id, name)`, for a select ([`crate::id_options`]); tracked.
    pub fn team_names(&self) -> Vec<(String, String)> {
        self.teams
            .with(|all| all.iter().map(|t| (t.id.clone(), t.name.clone())).collect())
    }

    /// Provides an empty directory; the owner loads it ([`Self::reload`]) when the list shows.
    pub fn provide() -> Self {
        let directory = Self {
            inboxes: RwSignal::new(Vec::new()),
            teams: RwSignal::new(Vec::new()),
        };
        provide_context(directory);
        directory
    }

    pub fn get() -> Self {
        expect_context::<Self>()
    }

    /// Reads both again, side by side (two requests at once, not one after the other: the
    /// fewer moments a request is in flight, the fewer a sign-out elsewhere can cut short).
    pub fn reload(self) {
        spawn_local(async move {
            if let Ok(list) = api::inboxes().await {
                self.inboxes.try_set(list.inboxes);
            }
        });
        spawn_local(async move {
            if let Ok(list) = api::teams().await {
                self.teams.try_set(list.teams);
            }
        });
    }

    /// The name of inbox `id`, if the agent sees it.
    pub fn inbox_name(self, id: &str) -> Option<String> {
        self.inboxes
            .with(|all| all.iter().find(|i| i.id == id).map(|i| i.name.clone()))
    }

    /// Every team as a checkbox option: (id, name).
    pub fn team_options(self) -> Vec<(String, String)> {
        self.teams
            .get()
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect()
    }

    /// Whether `member` sees inbox `id` (all members while it is not known yet).
    pub fn sees(self, id: &str, member: &AgentProfile) -> bool {
        let teams = self.teams;
        self.inboxes
            .with(|all| match all.iter().find(|i| i.id == id) {
                Some(inbox) => teams.with(|t| client::access::sees(inbox, t, member)),
                None => true,
            })
    }
}

fn channel_label(channel: Channel) -> &'static str {
    match channel {
        Channel::Chat => "Website chat",
        Channel::Messenger => "Messenger",
        Channel::WhatsApp => "WhatsApp",
    }
}

/// The page (admins only: the section is not offered to agents, and the server refuses them).
#[component]
pub fn InboxesPage() -> impl IntoView {
    let directory = Directory::get();
    let members = RwSignal::new(Vec::<AgentProfile>::new());
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    spawn_local(async move {
        if let Ok(team) = api::team().await {
            members.try_set(team.members);
        }
    });
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

/// Every channel with the inbox it delivers to, changeable.
#[component]
fn Channels(done: Callback<String>, failed: Callback<String>) -> impl IntoView {
    let directory = Directory::get();
    let rows = move || {
        directory.inboxes.with(|all| {
            all.iter()
                .flat_map(|inbox| {
                    inbox
                        .channels
                        .iter()
                        .map(move |c| (c.clone(), inbox.id.clone()))
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <table class="channel-table">
            <thead><tr>
                <th scope="col">"Channel"</th>
                <th scope="col">"Delivers to"</th>
            </tr></thead>
            <tbody>
                <For each=rows key=|(c, inbox)| (c.id.clone(), inbox.clone()) let((channel, current))>
                    {
                        let label = format!("{}: {}", channel_label(channel.channel), channel.name);
                        let select_label = format!("Inbox of {label}");
                        let channel = StoredValue::new(channel);
                        let change = move |e: leptos::ev::Event| {
                            let inbox = event_target_value(&e);
                            let c = channel.get_value();
                            spawn_local(async move {
                                // A site's chat is named by its site; a Page or number by its
                                // connection, on the site that owns it.
                                let connection = (c.channel != Channel::Chat).then_some(c.id.as_str());
                                match api::connect_channel(&c.site_id, connection, inbox).await {
                                    Ok(list) => {
                                        directory.inboxes.try_set(list.inboxes);
                                        done.run(format!("{} now delivers to the chosen inbox.", c.name));
                                    }
                                    Err(e) => failed.run(e.to_string()),
                                }
                            });
                        };
                        view! {
                            <tr data-channel=channel.with_value(|c| c.id.clone())>
                                <th scope="row">{label}</th>
                                <td>
                                    <select class="channel-inbox" aria-label=select_label on:change=change>
                                        {move || crate::id_options(directory.inbox_names(), Some(&current))}
                                    </select>
                                </td>
                            </tr>
                        }
                    }
                </For>
            </tbody>
        </table>
    }
}

/// Every member as a checkbox option: (id, name).
pub fn member_options(members: RwSignal<Vec<AgentProfile>>) -> Vec<(String, String)> {
    members.get().into_iter().map(|m| (m.id, m.name)).collect()
}

/// Checkboxes for each of `options` ((id, label)), checked for those in `chosen`.
pub fn checkboxes(
    group: &str,
    options: Vec<(String, String)>,
    chosen: RwSignal<Vec<String>>,
    disabled: Signal<bool>,
) -> impl IntoView {
    options
        .into_iter()
        .map(|(id, label)| {
            let checked = chosen.with_untracked(|c| c.contains(&id));
            let toggle = {
                let id = id.clone();
                move |e: leptos::ev::Event| {
                    let on = event_target_checked(&e);
                    chosen.update(|c| {
                        c.retain(|x| *x != id);
                        if on {
                            c.push(id.clone());
                        }
                    });
                }
            };
            view! {
                <label class="check">
                    <input type="checkbox" name=group.to_owned() value=id checked=checked
                        disabled=move || disabled.get() on:change=toggle />
                    {label}
                </label>
            }
        })
        .collect_view()
}

/// An inbox's form: an existing one (rename, access, delete) or, with `None`, a new one.
#[component]
fn InboxForm(
    inbox: Option<Inbox>,
    members: RwSignal<Vec<AgentProfile>>,
    done: Callback<String>,
    failed: Callback<String>,
) -> impl IntoView {
    let directory = Directory::get();
    let id = inbox.as_ref().map(|i| i.id.clone());
    let is_new = id.is_none();
    let name = RwSignal::new(inbox.as_ref().map(|i| i.name.clone()).unwrap_or_default());
    let everyone = RwSignal::new(inbox.as_ref().is_some_and(|i| i.everyone));
    let member_ids = RwSignal::new(
        inbox
            .as_ref()
            .map(|i| i.member_ids.clone())
            .unwrap_or_default(),
    );
    let team_ids = RwSignal::new(
        inbox
            .as_ref()
            .map(|i| i.team_ids.clone())
            .unwrap_or_default(),
    );
    let busy = RwSignal::new(false);
    let key = id.clone().unwrap_or_else(|| "new".into());
    let form_id = format!("inbox-{key}");
    let channels = inbox
        .as_ref()
        .map(|i| {
            i.channels
                .iter()
                .map(|c| format!("{}: {}", channel_label(c.channel), c.name))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let save = {
        let id = id.clone();
        move |e: leptos::ev::SubmitEvent| {
            e.prevent_default();
            let input = InboxInput {
                name: name.get_untracked(),
                everyone: everyone.get_untracked(),
                member_ids: member_ids.get_untracked(),
                team_ids: team_ids.get_untracked(),
            };
            let id = id.clone();
            busy.set(true);
            spawn_local(async move {
                let result = match &id {
                    Some(id) => api::update_inbox(id, &input).await,
                    None => api::create_inbox(&input).await,
                };
                match result {
                    Ok(saved) => {
                        if id.is_none() {
                            name.try_set(String::new());
                            member_ids.try_set(Vec::new());
                            team_ids.try_set(Vec::new());
                        }
                        done.run(format!("Inbox “{}” saved.", saved.name));
                    }
                    Err(e) => failed.run(e.to_string()),
                }
                busy.try_set(false);
            });
        }
    };
    let delete = {
        let id = id.clone();
        move |_| {
            let Some(id) = id.clone() else { return };
            // Whatever is in it moves to the first other inbox.
            let target = directory.inboxes.with_untracked(|all| {
                all.iter()
                    .find(|i| i.id != id)
                    .map(|i| (i.id.clone(), i.name.clone()))
            });
            let Some((target, target_name)) = target else {
                failed.run("The only inbox cannot be deleted.".into());
                return;
            };
            let question = format!(
                "Delete “{}”? Its conversations and channels move to “{target_name}”.",
                name.get_untracked()
            );
            if !window().confirm_with_message(&question).unwrap_or(false) {
                return;
            }
            busy.set(true);
            spawn_local(async move {
                match api::delete_inbox(&id, &target).await {
                    Ok(()) => done.run(format!(
                        "Inbox deleted; its conversations are in “{target_name}”."
                    )),
                    Err(e) => failed.run(e.to_string()),
                }
                busy.try_set(false);
            });
        }
    };
    let disabled = Signal::derive(move || busy.get() || everyone.get());
    let member_options = move || member_options(members);
    let team_options = move || directory.team_options();
    let name_id = format!("{form_id}-name");
    let everyone_id = format!("{form_id}-everyone");
    let title = if is_new {
        "New inbox".to_owned()
    } else {
        name.get_untracked()
    };
    view! {
        <li class="inbox-item" data-inbox=key.clone()>
            <form id=form_id class="inbox-form" aria-label=title on:submit=save>
                <label for=name_id.clone()>"Name"</label>
                <input id=name_id type="text" class="inbox-name" required maxlength="80"
                    prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e)) />
                <label class="check">
                    <input id=everyone_id type="checkbox" class="inbox-everyone"
                        prop:checked=move || everyone.get()
                        on:change=move |e| everyone.set(event_target_checked(&e)) />
                    "Every member sees it"
                </label>
                <fieldset class="inbox-members" disabled=move || everyone.get()>
                    <legend>"Members"</legend>
                    {move || checkboxes("members", member_options(), member_ids, disabled)}
                </fieldset>
                <fieldset class="inbox-teams" disabled=move || everyone.get()>
                    <legend>"Teams"</legend>
                    {move || checkboxes("teams", team_options(), team_ids, disabled)}
                </fieldset>
                {(!channels.is_empty()).then(|| view! {
                    <p class="inbox-channels">"Delivering here: "{channels.join(", ")}</p>
                })}
                <div class="form-actions">
                    <button type="submit" class="primary inbox-save" disabled=move || busy.get()>
                        {if is_new { "Create inbox" } else { "Save" }}
                    </button>
                    {(!is_new).then(|| view! {
                        <button type="button" class="inbox-delete" disabled=move || busy.get() on:click=delete>
                            "Delete"
                        </button>
                    })}
                </div>
            </form>
        </li>
    }
}

/// A team's form: an existing one (rename, members, delete) or, with `None`, a new one.
#[component]
fn TeamForm(
    team: Option<Team>,
    members: RwSignal<Vec<AgentProfile>>,
    done: Callback<String>,
    failed: Callback<String>,
) -> impl IntoView {
    let id = team.as_ref().map(|t| t.id.clone());
    let is_new = id.is_none();
    let name = RwSignal::new(team.as_ref().map(|t| t.name.clone()).unwrap_or_default());
    let member_ids = RwSignal::new(
        team.as_ref()
            .map(|t| t.member_ids.clone())
            .unwrap_or_default(),
    );
    let busy = RwSignal::new(false);
    let key = id.clone().unwrap_or_else(|| "new".into());
    let form_id = format!("team-{key}");
    let save = {
        let id = id.clone();
        move |e: leptos::ev::SubmitEvent| {
            e.prevent_default();
            let input = TeamInput {
                name: name.get_untracked(),
                member_ids: member_ids.get_untracked(),
            };
            let id = id.clone();
            busy.set(true);
            spawn_local(async move {
                let result = match &id {
                    Some(id) => api::update_team(id, &input).await,
                    None => api::create_team(&input).await,
                };
                match result {
                    Ok(saved) => {
                        if id.is_none() {
                            name.try_set(String::new());
                            member_ids.try_set(Vec::new());
                        }
                        done.run(format!("Team “{}” saved.", saved.name));
                    }
                    Err(e) => failed.run(e.to_string()),
                }
                busy.try_set(false);
            });
        }
    };
    let delete = {
        let id = id.clone();
        move |_| {
            let Some(id) = id.clone() else { return };
            let question = format!("Delete the team “{}”?", name.get_untracked());
            if !window().confirm_with_message(&question).unwrap_or(false) {
                return;
            }
            busy.set(true);
            spawn_local(async move {
                match api::delete_team(&id).await {
                    Ok(()) => done.run("Team deleted.".into()),
                    Err(e) => failed.run(e.to_string()),
                }
                busy.try_set(false);
            });
        }
    };
    let disabled = Signal::derive(move || busy.get());
    let member_options = move || member_options(members);
    let name_id = format!("{form_id}-name");
    let title = if is_new {
        "New team".to_owned()
    } else {
        name.get_untracked()
    };
    view! {
        <li class="team-item" data-team=key.clone()>
            <form id=form_id class="team-form" aria-label=title on:submit=save>
                <label for=name_id.clone()>"Name"</label>
                <input id=name_id type="text" class="team-name" required maxlength="80"
                    prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e)) />
                <fieldset class="team-members">
                    <legend>"Members"</legend>
                    {move || checkboxes("team-members", member_options(), member_ids, disabled)}
                </fieldset>
                <div class="form-actions">
                    <button type="submit" class="primary team-save" disabled=move || busy.get()>
                        {if is_new { "Create team" } else { "Save" }}
                    </button>
                    {(!is_new).then(|| view! {
                        <button type="button" class="team-delete" disabled=move || busy.get() on:click=delete>
                            "Delete"
                        </button>
                    })}
                </div>
            </form>
        </li>
    }
}
