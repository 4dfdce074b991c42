//! Connecting a new Page or number. The access token typed here goes to the server once and is
//! never shown back; the field is emptied once connected.

use leptos::prelude::*;
use protocol::api::NewConnection;
use protocol::Channel;

use crate::api;
use crate::directory::Directory;

/// Connecting a Page (its id and a Page access token) or a number (its phone number id, the
/// WhatsApp Business Account id and a system-user token).
///
/// - `site`: the site's id.
/// - `done`: says what was connected (the section's status line).
/// - `failed`: says why the server refused (the section's error line).
#[component]
pub fn ConnectForm(
    site: String,
    done: Callback<String>,
    failed: Callback<String>,
) -> impl IntoView {
    let site = StoredValue::new(site);
    let directory = Directory::get();
    let channel = RwSignal::new(Channel::Messenger);
    let account = RwSignal::new(String::new());
    let business = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let token = RwSignal::new(String::new());
    let inbox = RwSignal::new(String::new());
    let connect = Action::new_local(move |new: &NewConnection| {
        let new = new.clone();
        async move {
            match api::connect(&site.get_value(), &new).await {
                Ok(connection) => {
                    token.try_set(String::new());
                    account.try_set(String::new());
                    business.try_set(String::new());
                    name.try_set(String::new());
                    done.try_run(format!("{} is connected.", connection.name));
                }
                Err(e) => {
                    failed.try_run(e.to_string());
                }
            }
        }
    });
    let busy = connect.pending();
    let whatsapp = move || channel.get() == Channel::WhatsApp;
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let channel = channel.get_untracked();
        let new = NewConnection {
            channel,
            account_id: account.get_untracked(),
            business_account_id: (channel == Channel::WhatsApp).then(|| business.get_untracked()),
            name: name.get_untracked(),
            access_token: token.get_untracked(),
            inbox_id: Some(inbox.get_untracked()).filter(|i| !i.is_empty()),
        };
        connect.dispatch(new);
    };
    let bind =
        |signal: RwSignal<String>| move |e: leptos::ev::Event| signal.set(event_target_value(&e));
    view! {
        <form id="connect-form" class="connect-form" aria-labelledby="connect-title" on:submit=submit>
            <label for="connect-channel">"Channel"</label>
            <select id="connect-channel" on:change=move |e| {
                channel.set(if event_target_value(&e) == "whatsapp" { Channel::WhatsApp } else { Channel::Messenger });
            }>
                <option value="messenger" selected>"Messenger (a Facebook Page)"</option>
                <option value="whatsapp">"WhatsApp (a business number)"</option>
            </select>
            <label for="connect-account">{move || if whatsapp() { "Phone number id" } else { "Page id" }}</label>
            <input id="connect-account" type="text" inputmode="numeric" required autocomplete="off"
                maxlength="32" prop:value=move || account.get() on:input=bind(account) />
            {move || whatsapp().then(|| view! {
                <label for="connect-business">"WhatsApp Business Account id"</label>
                <input id="connect-business" type="text" inputmode="numeric" required autocomplete="off"
                    maxlength="32" prop:value=move || business.get() on:input=bind(business) />
            })}
            <label for="connect-name">"Name (as agents see it)"</label>
            <input id="connect-name" type="text" required maxlength="80" autocomplete="off"
                prop:value=move || name.get() on:input=bind(name) />
            <label for="connect-token">{move || if whatsapp() { "System-user access token" } else { "Page access token" }}</label>
            <input id="connect-token" type="password" required autocomplete="off" spellcheck="false"
                prop:value=move || token.get() on:input=bind(token) />
            <label for="connect-inbox">"Delivers to"</label>
            <select id="connect-inbox" on:change=move |e| inbox.set(event_target_value(&e))>
                <option value="" selected>"The website chat's inbox"</option>
                {move || directory.inboxes.get().into_iter().map(|i| view! {
                    <option value=i.id>{i.name}</option>
                }).collect_view()}
            </select>
            <button id="connect-submit" class="primary" type="submit" disabled=move || busy.get()>
                "Connect"
            </button>
        </form>
    }
}
