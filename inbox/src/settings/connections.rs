//! Messenger and WhatsApp connections of the site: each connected Page or number with where its
//! conversations go, a clear mark when Meta has refused its token (the admin must connect it
//! again), the Page's m.me link with a copy button, and Disconnect (after a confirmation); and
//! the form connecting a new one. The access token typed there goes to the server once and is
//! never shown back: the API does not return tokens, and the field is emptied once connected.
//! An expired connection takes a new token in place ("Reconnect"). Each connection's flow
//! (what happens before an agent answers: Messenger's greeting, an instant reply, GDPR consent
//! and routing) has its own form.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::{AgentProfile, ChannelFlow, Connection, NewConnection, TokenState};
use protocol::settings::{ConsentMode, RoutingMode, RoutingRule, RoutingSettings};
use protocol::Channel;

use crate::api;
use crate::directory::Directory;
use crate::{checkboxes, member_options};

fn channel_name(channel: Channel) -> &'static str {
    match channel {
        Channel::Chat => "Website chat",
        Channel::Messenger => "Messenger",
        Channel::WhatsApp => "WhatsApp",
    }
}

#[component]
pub fn Connections(site: String) -> impl IntoView {
    let directory = Directory::get();
    let site = StoredValue::new(site);
    let connections = RwSignal::new(None::<Vec<Connection>>);
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let load = move || {
        spawn_local(async move {
            match api::connections(&site.get_value()).await {
                Ok(list) => {
                    connections.try_set(Some(list.connections));
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
        });
    };
    load();
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
    // Members, for the flows' routing.
    let members = RwSignal::new(Vec::<AgentProfile>::new());
    spawn_local(async move {
        if let Ok(team) = api::team().await {
            members.try_set(team.members);
        }
    });
    view! {
        <section id="set-connections" aria-labelledby="set-connections-title">
            <h2 id="set-connections-title">"Messenger and WhatsApp"</h2>
            <p>"Messages to a connected Facebook Page or WhatsApp number arrive in the inbox chosen for it, beside the website's chats."</p>
            <p class="error" role="alert">{move || error.get()}</p>
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

/// A connection: its name, channel, id and inbox; its token's state; the m.me link of a Page.
#[component]
fn ConnectionRow(
    connection: Connection,
    site: String,
    members: RwSignal<Vec<AgentProfile>>,
    done: Callback<String>,
    failed: Callback<String>,
) -> impl IntoView {
    let flow_form = view! {
        <FlowForm connection=connection.clone() site=site.clone() members done failed />
    };
    let new_token = RwSignal::new(String::new());
    let reconnect = {
        let (site, id, name) = (site.clone(), connection.id.clone(), connection.name.clone());
        move |e: leptos::ev::SubmitEvent| {
            e.prevent_default();
            let (site, id, name) = (site.clone(), id.clone(), name.clone());
            let token = new_token.get_untracked();
            spawn_local(async move {
                match api::replace_token(&site, &id, token).await {
                    Ok(_) => {
                        new_token.try_set(String::new());
                        done.run(format!("{name} is connected again."));
                    }
                    Err(e) => failed.run(e.to_string()),
                }
            });
        }
    };
    let token_id = format!("reconnect-{}", connection.id);
    let directory = Directory::get();
    let busy = RwSignal::new(false);
    let copied = RwSignal::new(false);
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
            let clipboard = window().navigator().clipboard();
            let link = link.clone();
            spawn_local(async move {
                let done = wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&link)).await;
                copied.try_set(done.is_ok());
            });
        }
    };
    let disconnect = {
        let (id, name) = (connection.id.clone(), name.clone());
        move |_| {
            let question = format!(
                "Disconnect {name}? Its messages stop arriving; conversations already here stay."
            );
            if !window().confirm_with_message(&question).unwrap_or(false) {
                return;
            }
            let (site, id, name) = (site.clone(), id.clone(), name.clone());
            busy.set(true);
            spawn_local(async move {
                let _ = match api::disconnect(&site, &id).await {
                    Ok(()) => done.try_run(format!("{name} was disconnected.")),
                    Err(e) => failed.try_run(e.to_string()),
                };
                busy.try_set(false);
            });
        }
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
                            {move || if copied.get() { "Copied" } else { "Copy link" }}
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

/// Connecting a Page (its id and a Page access token) or a number (its phone number id, the
/// WhatsApp Business Account id and a system-user token).
#[component]
fn ConnectForm(site: String, done: Callback<String>, failed: Callback<String>) -> impl IntoView {
    let directory = Directory::get();
    let channel = RwSignal::new(Channel::Messenger);
    let account = RwSignal::new(String::new());
    let business = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let token = RwSignal::new(String::new());
    let inbox = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
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
        let site = site.clone();
        busy.set(true);
        spawn_local(async move {
            match api::connect(&site, &new).await {
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
            busy.try_set(false);
        });
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

/// A connection's flow: what happens before an agent answers. Messenger takes a greeting and
/// consent; both channels take an instant reply and a routing rule.
#[component]
fn FlowForm(
    connection: Connection,
    site: String,
    members: RwSignal<Vec<AgentProfile>>,
    done: Callback<String>,
    failed: Callback<String>,
) -> impl IntoView {
    let directory = Directory::get();
    let messenger = connection.channel == Channel::Messenger;
    let flow = connection.flow.clone();
    let greeting = RwSignal::new(flow.greeting.clone());
    let instant = RwSignal::new(flow.instant_reply.clone());
    let consent = RwSignal::new(flow.consent);
    let consent_text = RwSignal::new(flow.consent_text.clone());
    // Messenger and WhatsApp contacts have no owner: the members rule or none.
    let (mode, agents, teams) = flow.routing.rule.choices();
    let routed = RwSignal::new(mode != RoutingMode::Off);
    let agent_ids = RwSignal::new(agents);
    let team_ids = RwSignal::new(teams);
    let only_available = RwSignal::new(flow.routing.only_available);
    let busy = RwSignal::new(false);
    let key = connection.id.clone();
    let ids = move |what: &str| format!("flow-{key}-{what}");
    let save = {
        let (site, id, name) = (site, connection.id.clone(), connection.name.clone());
        move |e: leptos::ev::SubmitEvent| {
            e.prevent_default();
            let flow = ChannelFlow {
                greeting: greeting.get_untracked(),
                instant_reply: instant.get_untracked(),
                consent: consent.get_untracked(),
                consent_text: consent_text.get_untracked(),
                routing: RoutingSettings {
                    rule: RoutingRule::from_choices(
                        if routed.get_untracked() {
                            RoutingMode::Members
                        } else {
                            RoutingMode::Off
                        },
                        agent_ids.get_untracked(),
                        team_ids.get_untracked(),
                    ),
                    only_available: only_available.get_untracked(),
                },
            };
            let (site, id, name) = (site.clone(), id.clone(), name.clone());
            busy.set(true);
            spawn_local(async move {
                match api::set_flow(&site, &id, &flow).await {
                    Ok(_) => done.run(format!("{name}: saved.")),
                    Err(e) => failed.run(e.to_string()),
                }
                busy.try_set(false);
            });
        }
    };
    let bind =
        |signal: RwSignal<String>| move |e: leptos::ev::Event| signal.set(event_target_value(&e));
    let consent_choice = move |mode: ConsentMode, value: &'static str, label: &'static str| {
        view! { <option value=value selected=consent.get_untracked() == mode>{label}</option> }
    };
    let not_routed = Signal::derive(move || !routed.get() || busy.get());
    let member_options = move || member_options(members);
    let team_options = move || directory.team_options();
    view! {
        <details class="connection-flow">
            <summary>"Before an agent answers"</summary>
            <form class="flow-form" on:submit=save>
                {messenger.then(|| view! {
                    <label for=ids("greeting")>"Greeting (on the Page's welcome screen, at most 160 characters)"</label>
                    <textarea id=ids("greeting") class="flow-greeting" maxlength="160" rows="2"
                        prop:value=move || greeting.get() on:input=bind(greeting)></textarea>
                })}
                <label for=ids("instant")>"Instant reply (after the first message of each new conversation; empty for none)"</label>
                <textarea id=ids("instant") class="flow-instant" maxlength="2000" rows="2"
                    prop:value=move || instant.get() on:input=bind(instant)></textarea>
                {messenger.then(|| view! {
                    <label for=ids("consent")>"GDPR consent"</label>
                    <select id=ids("consent") class="flow-consent" on:change=move |e| {
                        consent.set(match event_target_value(&e).as_str() {
                            "implicit" => ConsentMode::Implicit,
                            "explicit" => ConsentMode::Explicit,
                            _ => ConsentMode::Off,
                        });
                    }>
                        {consent_choice(ConsentMode::Off, "off", "Off")}
                        {consent_choice(ConsentMode::Implicit, "implicit", "Implicit: the text goes with the greeting")}
                        {consent_choice(ConsentMode::Explicit, "explicit", "Explicit: messages wait until the person taps “I agree”")}
                    </select>
                    <label for=ids("consent-text")>"Consent text"</label>
                    <textarea id=ids("consent-text") class="flow-consent-text" maxlength="2000" rows="2"
                        prop:value=move || consent_text.get() on:input=bind(consent_text)></textarea>
                })}
                <label class="check">
                    <input type="checkbox" class="flow-routed" prop:checked=move || routed.get()
                        on:change=move |e| routed.set(event_target_checked(&e)) />
                    "Assign new conversations as they arrive"
                </label>
                <fieldset class="flow-members" disabled=move || !routed.get()>
                    <legend>"To these members"</legend>
                    {move || checkboxes("flow-members", member_options(), agent_ids, not_routed)}
                </fieldset>
                <fieldset class="flow-teams" disabled=move || !routed.get()>
                    <legend>"And these teams"</legend>
                    {move || checkboxes("flow-teams", team_options(), team_ids, not_routed)}
                </fieldset>
                <label class="check">
                    <input type="checkbox" class="flow-available" prop:checked=move || only_available.get()
                        on:change=move |e| only_available.set(event_target_checked(&e)) />
                    "Only to members available now"
                </label>
                <button type="submit" class="primary flow-save" disabled=move || busy.get()>"Save"</button>
            </form>
        </details>
    }
}
