//! One connected Page or number: its name, channel, id and inbox; its token's state (a new token
//! when Meta refused it); its flow; the m.me link of a Page; Disconnect.

use leptos::prelude::*;
use protocol::api::{AgentProfile, Connection, TokenState};
use protocol::Channel;

use super::channel_name;
use super::flow_form::FlowForm;
use crate::directory::Directory;
use crate::{api, clipboard, copied};

/// A connection: its name, channel, id and inbox; its token's state; the m.me link of a Page.
///
/// - `connection`: the connection as stored.
/// - `site`: the site's id.
/// - `members`: every member, for the flow's routing.
/// - `done`: says what was changed (the section's status line; the section then reads its
///   connections again).
/// - `failed`: says why the server refused (the section's error line).
#[component]
pub fn ConnectionRow(
    connection: Connection,
    site: String,
    members: Signal<Vec<AgentProfile>>,
    done: Callback<String>,
    failed: Callback<String>,
) -> impl IntoView {
    let site = StoredValue::new(site);
    let flow_form = view! {
        <FlowForm connection=connection.clone() site=site.get_value() members done failed />
    };
    let new_token = RwSignal::new(String::new());
    let id = StoredValue::new(connection.id.clone());
    let name = StoredValue::new(connection.name.clone());
    let reconnect = Action::new_local(move |token: &String| {
        let token = token.clone();
        async move {
            match api::replace_token(&site.get_value(), &id.get_value(), token).await {
                Ok(_) => {
                    new_token.try_set(String::new());
                    done.run(format!("{} is connected again.", name.get_value()));
                }
                Err(e) => failed.run(e.to_string()),
            }
        }
    });
    let reconnect = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        reconnect.dispatch(new_token.get_untracked());
    };
    let disconnect_action = Action::new_local(move |()| async move {
        let _ = match api::disconnect(&site.get_value(), &id.get_value()).await {
            Ok(()) => done.try_run(format!("{} was disconnected.", name.get_value())),
            Err(e) => failed.try_run(e.to_string()),
        };
    });
    let busy = disconnect_action.pending();
    let copy = clipboard();
    let copied = copied(copy);
    let token_id = format!("reconnect-{}", connection.id);
    let directory = Directory::get();
    let expired = connection.token_state == TokenState::Expired;
    let messenger = connection.channel == Channel::Messenger;
    let name = connection.name.clone();
    let id_label = if messenger { "Page" } else { "Number" };
    let inbox_id = connection.inbox_id.clone();
    let account_id = connection.account_id.clone();
    let details = move || {
        let inbox = directory
            .inbox_name(&inbox_id)
            .map(|n| format!(" · delivers to {n}"))
            .unwrap_or_default();
        format!(
            "{} · {id_label} {}{inbox}",
            channel_name(connection.channel),
            account_id
        )
    };
    let link = format!("https://m.me/{}", connection.account_id);
    let copy = {
        let link = link.clone();
        move |_| {
            copy.dispatch(link.clone());
        }
    };
    let question =
        format!("Disconnect {name}? Its messages stop arriving; conversations already here stay.");
    let disconnect = move |_| {
        if !window().confirm_with_message(&question).unwrap_or(false) {
            return;
        }
        disconnect_action.dispatch(());
    };
    view! {
        <li class="connection" data-connection=connection.id.clone()
            data-token=if expired { "expired" } else { "valid" }>
            <span class="member-who">
                <span class="member-name">{name.clone()}</span>
                <span class="member-email">{details}</span>
                {expired.then(|| view! {
                    <span class="connection-expired">
                        <span class="badge-expired">"Token expired: reconnect"</span>
                        " Meta refused its token: give it a new one."
                    </span>
                    <form class="reconnect-form" on:submit=reconnect>
                        <label for=token_id.clone()>"New access token"</label>
                        <input id=token_id type="password" required autocomplete="off" spellcheck="false"
                            prop:value=move || new_token.get()
                            on:input=move |e| new_token.set(event_target_value(&e)) />
                        <button type="submit" class="reconnect">"Reconnect"</button>
                    </form>
                })}
                {flow_form}
                {messenger.then(|| view! {
                    <span class="connection-link">
                        <a href=link.clone() rel="noopener noreferrer" target="_blank">{link.clone()}</a>
                        <button type="button" class="connection-copy" on:click=copy.clone()>
                            {move || if copied() { "Copied" } else { "Copy link" }}
                            <span class="visually-hidden">{format!(" (m.me, {name})")}</span>
                        </button>
                    </span>
                })}
            </span>
            <button type="button" class="connection-disconnect"
                aria-label=format!("Disconnect {name}") disabled=move || busy.get()
                on:click=disconnect>
                "Disconnect"
            </button>
        </li>
    }
}
