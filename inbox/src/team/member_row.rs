//! One member on the Team page: picture or initials, name, e-mail, availability, chat limit and
//! role; for an admin, the chat limit, the role and "Remove" (not on their own row).

use leptos::prelude::*;
use protocol::api::{AgentProfile, AgentStatus, Role};

use client::text::initials;

use super::{role_from, role_name};
use crate::api;

/// A change an admin makes to a member.
#[derive(Clone)]
enum Edit {
    Role(Role),
    Remove,
    /// The most open conversations assigned to them at once; `None`: no limit.
    ChatLimit(Option<u32>),
}

/// One member of the team.
///
/// - `member`: the member.
/// - `is_admin`: the viewer is an admin: the chat limit is editable.
/// - `editable`: role and removal are editable (an admin, on someone else's row).
/// - `error`: the page's error line; a change sets it to its refusal, or clears it.
/// - `reload`: reads the team again after a change, so the list shows what is stored.
#[component]
pub fn MemberRow(
    member: AgentProfile,
    is_admin: bool,
    editable: bool,
    error: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let id = StoredValue::new(member.id.clone());
    let edit = Action::new_local(move |edit: &Edit| {
        let edit = edit.clone();
        async move {
            let id = id.get_value();
            let result = match edit {
                Edit::Role(role) => api::set_role(&id, role).await.map(drop),
                Edit::Remove => api::remove_member(&id).await.map(drop),
                Edit::ChatLimit(limit) => api::set_chat_limit(&id, limit).await.map(drop),
            };
            error.try_set(result.err().map(|e| e.to_string()));
            // Either way the list shows what is stored.
            reload.try_run(());
        }
    });
    let busy = edit.pending();
    let change_role = move |e: leptos::ev::Event| {
        edit.dispatch(Edit::Role(role_from(&event_target_value(&e))));
    };
    let name = member.name.clone();
    let remove = move |_| {
        let question = format!("Remove {name} from the team? They are signed out at once.");
        if !window().confirm_with_message(&question).unwrap_or(false) {
            return;
        }
        edit.dispatch(Edit::Remove);
    };
    let change_limit = move |e: leptos::ev::Event| {
        let value = event_target_value(&e);
        edit.dispatch(Edit::ChatLimit(value.trim().parse::<u32>().ok()));
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
