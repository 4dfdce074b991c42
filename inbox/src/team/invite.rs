//! The invitation form of the Team page (admins): e-mail, name, role, and the inboxes and teams
//! the invitee joins; the link it makes is shown once, with a copy button.

use leptos::html;
use leptos::prelude::*;
use protocol::api::NewInvitation;

use super::role_from;
use crate::api;
use crate::directory::Directory;
use crate::{checkboxes, clipboard, copied};

/// The invitation form; the link it makes is e-mailed to the invitee when the team has a sender
/// address, and shown once, with a copy button.
///
/// - `reload`: reads the team and the invitations again once one is made.
/// - `error`: the page's error line; gets a refusal, cleared by an invitation that is made.
#[component]
pub fn Invite(reload: Callback<()>, error: RwSignal<Option<String>>) -> impl IntoView {
    let email = NodeRef::<html::Input>::new();
    let name = NodeRef::<html::Input>::new();
    let role = NodeRef::<html::Select>::new();
    // (e-mail, link, what became of e-mailing it: `Ok` sent on, `Err` why not).
    let link = RwSignal::new(None::<(String, String, Result<(), String>)>);
    let directory = Directory::get();
    let inbox_ids = RwSignal::new(Vec::<String>::new());
    let team_ids = RwSignal::new(Vec::<String>::new());
    let make = Action::new_local(move |new: &NewInvitation| {
        let new = new.clone();
        async move {
            match api::invite(&new).await {
                Ok(created) => {
                    let emailed = if created.emailed {
                        Ok(())
                    } else {
                        Err(created.not_emailed_because.unwrap_or_default())
                    };
                    link.try_set(Some((created.invitation.email, created.url, emailed)));
                    for input in [email, name] {
                        if let Some(input) = input.get_untracked() {
                            input.set_value("");
                        }
                    }
                    inbox_ids.try_set(Vec::new());
                    team_ids.try_set(Vec::new());
                    error.try_set(None);
                    reload.try_run(());
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
        }
    });
    let busy = make.pending();
    // "Copied" from a copy that worked until the next invitation is made.
    let copy = clipboard();
    let copied = copied(copy);
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let (Some(email_input), Some(name_input), Some(role)) =
            (email.get(), name.get(), role.get())
        else {
            return;
        };
        copy.clear();
        make.dispatch(NewInvitation {
            email: email_input.value(),
            name: name_input.value(),
            role: role_from(&role.value()),
            inbox_ids: inbox_ids.get_untracked(),
            team_ids: team_ids.get_untracked(),
        });
    };
    let copy = move |_| {
        if let Some((_, url, _)) = link.get_untracked() {
            copy.dispatch(url);
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
                            {move || if copied() { "Copied" } else { "Copy link" }}
                        </button>
                    </span>
                </div>
            })}
        </section>
    }
}
