//! One team's form on the Inboxes page: its name and members; saved, or deleted.

use leptos::prelude::*;
use protocol::api::{AgentProfile, Team, TeamInput};

use crate::api;
use crate::{checkboxes, member_options};

/// What a team's form asks of the server.
#[derive(Clone)]
enum Edit {
    /// Create the team (no id) or save it.
    Save(Option<String>, TeamInput),
    /// Delete team `id`.
    Delete(String),
}

/// A team's form: an existing one (rename, members, delete) or, with `None`, a new one.
///
/// - `team`: the team as stored, or `None` for the "New team" form.
/// - `members`: every member, for the "Members" checkboxes.
/// - `done`: says what was saved or deleted (the page's status line; the page then reads its
///   directory again).
/// - `failed`: says why the server refused (the page's error line).
#[component]
pub fn TeamForm(
    team: Option<Team>,
    members: Signal<Vec<AgentProfile>>,
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
    let edit = Action::new_local(move |edit: &Edit| {
        let edit = edit.clone();
        async move {
            match edit {
                Edit::Save(id, input) => {
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
                }
                Edit::Delete(id) => match api::delete_team(&id).await {
                    Ok(()) => done.run("Team deleted.".into()),
                    Err(e) => failed.run(e.to_string()),
                },
            }
        }
    });
    let busy = edit.pending();
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
            edit.dispatch(Edit::Save(id.clone(), input));
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
            edit.dispatch(Edit::Delete(id));
        }
    };
    let disabled: Signal<bool> = busy.into();
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
