//! One connection's flow: what happens before an agent answers (Messenger's greeting, an instant
//! reply, GDPR consent, routing).

use leptos::prelude::*;
use protocol::api::{AgentProfile, ChannelFlow, Connection};
use protocol::settings::{ConsentMode, RoutingMode, RoutingRule, RoutingSettings};
use protocol::Channel;

use crate::directory::Directory;
use crate::{api, checkboxes, member_options};

/// A connection's flow: what happens before an agent answers. Messenger takes a greeting and
/// consent; both channels take an instant reply and a routing rule.
///
/// - `connection`: the connection as stored, with its flow.
/// - `site`: the site's id.
/// - `members`: every member, for routing.
/// - `done`: says what was saved (the section's status line).
/// - `failed`: says why the server refused (the section's error line).
#[component]
pub fn FlowForm(
    connection: Connection,
    site: String,
    members: Signal<Vec<AgentProfile>>,
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
    let target = StoredValue::new((site, connection.id.clone(), connection.name.clone()));
    let save = Action::new_local(move |flow: &ChannelFlow| {
        let flow = flow.clone();
        async move {
            let (site, id, name) = target.get_value();
            match api::set_flow(&site, &id, &flow).await {
                Ok(_) => done.run(format!("{name}: saved.")),
                Err(e) => failed.run(e.to_string()),
            }
        }
    });
    let busy = save.pending();
    let key = connection.id.clone();
    let ids = move |what: &str| format!("flow-{key}-{what}");
    let save = {
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
            save.dispatch(flow);
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
