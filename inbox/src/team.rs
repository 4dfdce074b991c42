//! The Team page: every member with their role, availability and chat limit (the most open
//! conversations assigned to them at once); for admins also the chat limit, the role control
//! and "Remove" on each other member, the invitation form (its link shown once, with a
//! copy button) and the pending invitations, each withdrawable. The server decides every rule
//! (the last admin stays; only admins change anything); this page shows its refusals.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::{AgentProfile, AgentStatus, Invitation, NewInvitation, Role};

use client::text::initials;

use crate::api;
use crate::checkboxes;
use crate::directory::Directory;

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "Admin",
        Role::Agent => "Agent",
    }
}

fn role_from(value: &str) -> Role {
    if value == "admin" {
        Role::Admin
    } else {
        Role::Agent
    }
}

/// The page; `me` decides whether the admin controls show.
#[component]
pub fn TeamPage(me: AgentProfile) -> impl IntoView {
    let is_admin = me.role == Role::Admin;
    let members = RwSignal::new(Vec::<AgentProfile>::new());
    let invitations = RwSignal::new(Vec::<Invitation>::new());
    let error = RwSignal::new(None::<String>);
    let load = move || {
        spawn_local(async move {
            match api::team().await {
                Ok(team) => {
                    members.try_set(team.members);
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
            if is_admin {
                match api::invitations().await {
                    Ok(list) => {
                        invitations.try_set(list.invitations);
                    }
                    Err(e) => {
                        error.try_set(Some(e.to_string()));
                    }
                }
            }
        });
    };
    load();
    let reload = Callback::new(move |()| load());
    let my_id = me.id.clone();
    view! {
        <main class="page team" aria-labelledby="team-title">
            <h1 id="team-title">"Team"</h1>
            <p class="error" role="alert">{move || error.get()}</p>
            <section aria-labelledby="members-title">
                <h2 id="members-title">"Members"</h2>
                <ul class="members">
                    <For each=move || members.get() key=|m| (m.id.clone(), m.role == Role::Admin, m.chat_limit) let(member)>
                        <MemberRow member=member.clone() is_admin editable=is_admin && member.id != my_id error reload />
                    </For>
                </ul>
            </section>
            {is_admin.then(|| view! {
                <Invite reload error />
                <Pending invitations reload error />
            })}
        </main>
    }
}

#[component]
fn MemberRow(
    member: AgentProfile,
    /// The viewer is an admin: the chat limit is editable.
    is_admin: bool,
    /// Role and removal are editable (an admin, on someone else's row).
    editable: bool,
    error: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let busy = RwSignal::new(false);
    let id = member.id.clone();
    let change_role = {
        let id = id.clone();
        move |e: leptos::ev::Event| {
            let role = role_from(&event_target_value(&e));
            let id = id.clone();
            busy.set(true);
            spawn_local(async move {
                let result = api::set_role(&id, role).await;
                error.try_set(result.err().map(|e| e.to_string()));
                busy.try_set(false);
                // Either way the list shows what is stored.
                reload.try_run(());
            });
        }
    };
    let name = member.name.clone();
    let remove = move |_| {
        let question = format!("Remove {name} from the team? They are signed out at once.");
        if !window().confirm_with_message(&question).unwrap_or(false) {
            return;
        }
        let id = id.clone();
        busy.set(true);
        spawn_local(async move {
            let result = api::remove_member(&id).await;
            error.try_set(result.err().map(|e| e.to_string()));
            busy.try_set(false);
            reload.try_run(());
        });
    };
    let change_limit = {
        let id = member.id.clone();
        move |e: leptos::ev::Event| {
            let value = event_target_value(&e);
            let limit = value.trim().parse::<u32>().ok();
            let id = id.clone();
            busy.set(true);
            spawn_local(async move {
                let result = api::set_chat_limit(&id, limit).await;
                error.try_set(result.err().map(|e| e.to_string()));
                busy.try_set(false);
                reload.try_run(());
            });
        }
    };
    let limit_label = format!("Chat limit of {}", member.name);
    let limit = member.chat_limit.map(|n| n.to_string()).unwrap_or_default();
    let role_label = format!("Role of {}", member.name);
    let remove_label = format!("Remove {}", member.name);
    let status = match member.status {
        AgentStatus::Available => "Available",
        AgentStatus::Away => "Away",
    };
    view! {
        <li class="member" data-agent=member.id.clone()>
            <span class="avatar" aria-hidden="true">
                {match member.avatar_url.clone() {
                    Some(src) => view! { <img src=src alt="" /> }.into_any(),
                    None => initials(&member.name).into_any(),
                }}
            </span>
            <span class="member-who">
                <span class="member-name">{member.name.clone()}</span>
                <span class="member-email">{member.email.clone()}</span>
            </span>
            <span class="member-status">{status}</span>
            {if is_admin {
                view! {
                    <input type="number" class="member-limit" min="1" max="100" inputmode="numeric"
                        placeholder="No limit" aria-label=limit_label value=limit
                        disabled=move || busy.get() on:change=change_limit />
                }
                .into_any()
            } else {
                view! {
                    <span class="member-limit">
                        {member.chat_limit.map(|n| format!("up to {n} chats"))}
                    </span>
                }
                .into_any()
            }}
            {if editable {
                view! {
                    <select class="member-role" aria-label=role_label disabled=move || busy.get()
                        on:change=change_role>
                        <option value="agent" selected=member.role == Role::Agent>"Agent"</option>
                        <option value="admin" selected=member.role == Role::Admin>"Admin"</option>
                    </select>
                    <button type="button" class="member-remove" aria-label=remove_label
                        disabled=move || busy.get() on:click=remove>
                        "Remove"
                    </button>
                }
                .into_any()
            } else {
                view! { <span class="member-role">{role_name(member.role)}</span> }.into_any()
            }}
        </li>
    }
}

/// The invitation form; the link it makes is e-mailed to the invitee when the team has a sender
/// address, and shown once, with a copy button.
#[component]
fn Invite(reload: Callback<()>, error: RwSignal<Option<String>>) -> impl IntoView {
    let email = NodeRef::<html::Input>::new();
    let name = NodeRef::<html::Input>::new();
    let role = NodeRef::<html::Select>::new();
    // (e-mail, link, what became of e-mailing it: `Ok` sent on, `Err` why not).
    let link = RwSignal::new(None::<(String, String, Result<(), String>)>);
    let directory = Directory::get();
    let inbox_ids = RwSignal::new(Vec::<String>::new());
    let team_ids = RwSignal::new(Vec::<String>::new());
    let copied = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let (Some(email_input), Some(name_input), Some(role)) =
            (email.get(), name.get(), role.get())
        else {
            return;
        };
        let new = NewInvitation {
            email: email_input.value(),
            name: name_input.value(),
            role: role_from(&role.value()),
            inbox_ids: inbox_ids.get_untracked(),
            team_ids: team_ids.get_untracked(),
        };
        busy.set(true);
        copied.set(false);
        spawn_local(async move {
            match api::invite(&new).await {
                Ok(created) => {
                    let emailed = if created.emailed {
                        Ok(())
                    } else {
                        Err(created.not_emailed_because.unwrap_or_default())
                    };
                    link.try_set(Some((created.invitation.email, created.url, emailed)));
                    email_input.set_value("");
                    name_input.set_value("");
                    inbox_ids.try_set(Vec::new());
                    team_ids.try_set(Vec::new());
                    error.try_set(None);
                    reload.try_run(());
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
            busy.try_set(false);
        });
    };
    let copy = move |_| {
        if let Some((_, url, _)) = link.get_untracked() {
            let clipboard = window().navigator().clipboard();
            spawn_local(async move {
                let done = wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&url)).await;
                copied.try_set(done.is_ok());
            });
        }
    };
    view! {
        <section aria-labelledby="invite-title">
            <h2 id="invite-title">"Invite someone"</h2>
            <form class="invite" on:submit=submit>
                <label for="invite-email">"E-mail"</label>
                <input id="invite-email" node_ref=email type="email" autocomplete="off" required />
                <label for="invite-name">"Name"</label>
                <input id="invite-name" node_ref=name type="text" autocomplete="off" required maxlength="80" />
                <label for="invite-role">"Role"</label>
                <select id="invite-role" node_ref=role>
                    <option value="agent" selected>"Agent"</option>
                    <option value="admin">"Admin"</option>
                </select>
                // Inboxes open to everyone need no choosing; admins see every inbox anyway.
                <fieldset class="invite-inboxes" hidden=move || directory.inboxes.with(|i| i.iter().all(|i| i.everyone))>
                    <legend>"Inboxes"</legend>
                    {move || checkboxes(
                        "invite-inboxes",
                        directory.inboxes.get().into_iter().filter(|i| !i.everyone).map(|i| (i.id, i.name)).collect(),
                        inbox_ids,
                        busy.into(),
                    )}
                </fieldset>
                <fieldset class="invite-teams" hidden=move || directory.teams.with(Vec::is_empty)>
                    <legend>"Teams"</legend>
                    {move || checkboxes(
                        "invite-teams",
                        directory.teams.get().into_iter().map(|t| (t.id, t.name)).collect(),
                        team_ids,
                        busy.into(),
                    )}
                </fieldset>
                <button id="invite-submit" class="primary" type="submit" disabled=move || busy.get()>
                    "Create invitation link"
                </button>
            </form>
            {move || link.get().map(|(email, url, emailed)| view! {
                <div class="invite-link" role="status">
                    <p id="invite-emailed">{match emailed {
                        Ok(()) => format!("The link is on its way to {email} by e-mail."),
                        Err(why) => format!("Not e-mailed: {why}"),
                    }}</p>
                    <label for="invite-url">"The link for "{email}": it works once, for 7 days, and is not shown again."</label>
                    <span class="invite-url-row">
                        <input id="invite-url" type="text" readonly value=url />
                        <button id="invite-copy" type="button" on:click=copy>
                            {move || if copied.get() { "Copied" } else { "Copy link" }}
                        </button>
                    </span>
                </div>
            })}
        </section>
    }
}

/// Pending invitations, each withdrawable.
#[component]
fn Pending(
    invitations: RwSignal<Vec<Invitation>>,
    reload: Callback<()>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let withdraw = move |id: String| {
        spawn_local(async move {
            let result = api::withdraw(&id).await;
            error.try_set(result.err().map(|e| e.to_string()));
            reload.try_run(());
        });
    };
    view! {
        <section aria-labelledby="pending-title">
            <h2 id="pending-title">"Pending invitations"</h2>
            <p class="empty" hidden=move || invitations.with(|i| !i.is_empty())>"None."</p>
            <ul class="invitations">
                <For each=move || invitations.get() key=|i| i.id.clone() let(invitation)>
                    <li class="invitation" data-email=invitation.email.clone()>
                        <span class="member-who">
                            <span class="member-name">{invitation.name.clone()}</span>
                            <span class="member-email">{invitation.email.clone()}</span>
                        </span>
                        <span class="member-role">{role_name(invitation.role)}</span>
                        <span class="invitation-expiry">"until "{api::when(invitation.expires_at)}</span>
                        <button type="button" class="invitation-withdraw"
                            aria-label=format!("Withdraw the invitation to {}", invitation.email)
                            on:click={
                                let id = invitation.id.clone();
                                move |_| withdraw(id.clone())
                            }>
                            "Withdraw"
                        </button>
                    </li>
                </For>
            </ul>
        </section>
    }
}
