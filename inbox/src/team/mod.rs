//! The Team page: every member with their role, availability and chat limit (the most open
//! conversations assigned to them at once); for admins also the chat limit, the role control
//! and "Remove" on each other member, the invitation form (its link shown once, with a
//! copy button) and the pending invitations, each withdrawable. The server decides every rule
//! (the last admin stays; only admins change anything); this page shows its refusals.
//!
//! # Layout
//! - this file: the page, its loads and its one error line.
//! - [`member_row`]: one member, with the admin's controls.
//! - [`invite`]: the invitation form and the link it made.
//! - [`pending`]: the pending invitations.

mod invite;
mod member_row;
mod pending;

use leptos::prelude::*;
use protocol::api::{AgentProfile, Role};

use crate::{api, last_ok, load_error};
use invite::Invite;
use member_row::MemberRow;
use pending::Pending;

/// A role, in words.
fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "Admin",
        Role::Agent => "Agent",
    }
}

/// A role from a role select's value.
fn role_from(value: &str) -> Role {
    if value == "admin" {
        Role::Admin
    } else {
        Role::Agent
    }
}

/// The Team page.
///
/// - `me`: the signed-in agent; whether they are an admin decides whether the admin controls
///   show.
#[component]
pub fn TeamPage(me: AgentProfile) -> impl IntoView {
    let is_admin = me.role == Role::Admin;
    // The members, and (admins) the pending invitations; both read again after every change.
    let team = LocalResource::new(|| async { api::team().await.map_err(|e| e.to_string()) });
    let invited = LocalResource::new(move || async move {
        if is_admin {
            api::invitations()
                .await
                .map(|list| list.invitations)
                .map_err(|e| e.to_string())
        } else {
            Ok(Vec::new())
        }
    });
    let members = Signal::derive({
        let team = last_ok(team);
        move || team.with(|t| t.as_ref().map(|t| t.members.clone()).unwrap_or_default())
    });
    let invitations = Signal::derive({
        let invited = last_ok(invited);
        move || invited.get().unwrap_or_default()
    });
    // What the changes below were refused for; a failed load shows here too.
    let error = RwSignal::new(None::<String>);
    let shown_error = move || {
        error
            .get()
            .or_else(|| load_error(team))
            .or_else(|| load_error(invited))
    };
    let reload = Callback::new(move |()| {
        team.refetch();
        invited.refetch();
    });
    let my_id = me.id.clone();
    view! {
        <main class="page team" aria-labelledby="team-title">
            <h1 id="team-title">"Team"</h1>
            <p class="error" role="alert">{shown_error}</p>
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
