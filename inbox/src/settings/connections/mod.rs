//! Messenger and WhatsApp connections of the site: each connected Page or number with where its
//! conversations go, a clear mark when Meta has refused its token (the admin must connect it
//! again), the Page's m.me link with a copy button, and Disconnect (after a confirmation); and
//! the form connecting a new one. The access token typed there goes to the server once and is
//! never shown back: the API does not return tokens, and the field is emptied once connected.
//! An expired connection takes a new token in place ("Reconnect"). Each connection's flow
//! (what happens before an agent answers: Messenger's greeting, an instant reply, GDPR consent
//! and routing) has its own form.
//!
//! # Layout
//! - this file: the section, its list and its lines for what was done and refused.
//! - [`connection_row`]: one connection, reconnected, copied or disconnected.
//! - [`flow_form`]: one connection's flow.
//! - [`connect_form`]: connecting a new Page or number.

mod connect_form;
mod connection_row;
mod flow_form;

use leptos::prelude::*;
use protocol::api::TokenState;
use protocol::Channel;

use crate::directory::Directory;
use crate::{api, last_ok, load_error};
use connect_form::ConnectForm;
use connection_row::ConnectionRow;

/// A channel, in words.
fn channel_name(channel: Channel) -> &'static str {
    match channel {
        Channel::Chat => "Website chat",
        Channel::Messenger => "Messenger",
        Channel::WhatsApp => "WhatsApp",
    }
}

/// The Messenger and WhatsApp section.
///
/// - `site`: the site's id.
#[component]
pub fn Connections(site: String) -> impl IntoView {
    let directory = Directory::get();
    let site = StoredValue::new(site);
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    // Read again after every change; the last list stays while a read fails.
    let load = LocalResource::new(move || {
        let site = site.get_value();
        async move {
            api::connections(&site)
                .await
                .map(|list| list.connections)
                .map_err(|e| e.to_string())
        }
    });
    let connections = last_ok(load);
    let shown_error = move || error.get().or_else(|| load_error(load));
    let load = move || load.refetch();
    let done = Callback::new(move |said: String| {
        error.set(None);
        status.set(Some(said));
        load();
        // The Inboxes page lists channels too.
        directory.reload();
    });
    let failed = Callback::new(move |e: String| {
        status.set(None);
        error.set(Some(e));
    });
    let none = move || connections.with(|c| c.as_ref().is_some_and(Vec::is_empty));
    // Members, for the flows' routing; none while loading (or if the load failed).
    let team = LocalResource::new(api::team);
    let members = Signal::derive(move || {
        team.with(|t| {
            t.as_ref()
                .and_then(|t| t.as_ref().ok())
                .map(|t| t.members.clone())
        })
        .unwrap_or_default()
    });
    view! {
        <section id="set-connections" aria-labelledby="set-connections-title">
            <h2 id="set-connections-title">"Messenger and WhatsApp"</h2>
            <p>"Messages to a connected Facebook Page or WhatsApp number arrive in the inbox chosen for it, beside the website's chats."</p>
            <p class="error" role="alert">{shown_error}</p>
            <p class="saved" role="status">{move || status.get()}</p>
            <p class="empty" hidden=move || !none()>"No Page or number is connected."</p>
            <ul class="connections" hidden=none>
                <For each=move || connections.get().unwrap_or_default()
                    key=|c| (c.id.clone(), c.token_state == TokenState::Valid, c.inbox_id.clone())
                    let(connection)>
                    <ConnectionRow connection site=site.get_value() members done failed />
                </For>
            </ul>
            <h3 id="connect-title">"Connect a Page or number"</h3>
            <ConnectForm site=site.get_value() done failed />
        </section>
    }
}
