//! One inbox's form on the Inboxes page: its name, who sees it, the channels delivering to it;
//! saved, or deleted (its conversations and channels move to another inbox).

use leptos::prelude::*;
use protocol::api::{AgentProfile, Inbox, InboxInput};

use super::channel_label;
use crate::api;
use crate::directory::Directory;
use crate::{checkboxes, member_options};

/// What an inbox's form asks of the server.
#[derive(Clone)]
enum Edit {
    /// Create the inbox (no id) or save it.
    Save(Option<String>, InboxInput),
    /// Delete inbox `id`, moving what is in it to the inbox `target` named `target_name`.
    Delete {
        id: String,
        target: String,
        target_name: String,
    },
}

/// An inbox's form: an existing one (rename, access, delete) or, with `None`, a new one.
///
/// - `inbox`: the inbox as stored, or `None` for the "New inbox" form.
/// - `members`: every member, for the "Members" checkboxes.
/// - `done`: says what was saved or deleted (the page's status line; the page then reads its
///   directory again).
/// - `failed`: says why the server refused (the page's error line).
#[component]
pub fn InboxForm(
    inbox: Option<Inbox>,
    members: Signal<Vec<AgentProfile>>,
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
    let edit = Action::new_local(move |edit: &Edit| {
        let edit = edit.clone();
        async move {
            match edit {
                Edit::Save(id, input) => {
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
                }
                Edit::Delete {
                    id,
                    target,
                    target_name,
                } => match api::delete_inbox(&id, &target).await {
                    Ok(()) => done.run(format!(
                        "Inbox deleted; its conversations are in “{target_name}”."
                    )),
                    Err(e) => failed.run(e.to_string()),
                },
            }
        }
    });
    let busy = edit.pending();
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
            edit.dispatch(Edit::Save(id.clone(), input));
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
            edit.dispatch(Edit::Delete {
                id,
                target,
                target_name,
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
