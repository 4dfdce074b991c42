//! Routing: whether each new conversation is assigned as it starts, and to whom (the least busy
//! of the chosen members and the chosen teams' members, never beyond a chat limit), and whether
//! only members available at that moment count. The chosen members and teams are kept while
//! routing is switched off, so switching it on again gives them back.

use leptos::prelude::*;
use protocol::api::AgentProfile;
use protocol::settings::RoutingRule;

use super::fields::{checkbox, Draft};
use crate::inboxes::{checkboxes, member_options, Directory};

#[component]
pub fn Routing(draft: Draft, members: RwSignal<Vec<AgentProfile>>) -> impl IntoView {
    let directory = Directory::get();
    let (routed, agents, teams) = draft.peek(|s| s.routing.rule.choices());
    let routed = RwSignal::new(routed);
    let agent_ids = RwSignal::new(agents);
    let team_ids = RwSignal::new(teams);
    // The rule follows the choices.
    Effect::new(move |_| {
        let rule = RoutingRule::from_choices(routed.get(), agent_ids.get(), team_ids.get());
        if draft.peek(|s| s.routing.rule != rule) {
            draft.edit(|s| s.routing.rule = rule);
        }
    });
    let off = Signal::derive(move || !routed.get());
    let member_options = move || member_options(members);
    let team_options = move || directory.team_options();
    view! {
        <section id="set-routing" aria-labelledby="set-routing-title">
            <h2 id="set-routing-title">"Routing"</h2>
            <div class="settings-grid">
                <fieldset class="settings-choices settings-wide">
                    <legend>"Assign new conversations"</legend>
                    <label class="check">
                        <input type="radio" name="routing" id="routing-off"
                            prop:checked=move || !routed.get() on:change=move |_| routed.set(false) />
                        "No: the team picks them up"
                    </label>
                    <label class="check">
                        <input type="radio" name="routing" id="routing-members"
                            prop:checked=move || routed.get() on:change=move |_| routed.set(true) />
                        "Yes: to the least busy of these members and teams"
                    </label>
                </fieldset>
                <fieldset class="settings-choices settings-wide routing-members" disabled=move || off.get()>
                    <legend>"Members"</legend>
                    {move || checkboxes("routing-members", member_options(), agent_ids, off)}
                </fieldset>
                <fieldset class="settings-choices settings-wide routing-teams" disabled=move || off.get()>
                    <legend>"Teams"</legend>
                    <p class="settings-hint" hidden=move || directory.teams.with(|t| !t.is_empty())>
                        "No teams yet (see Inboxes)."
                    </p>
                    {move || checkboxes("routing-teams", team_options(), team_ids, off)}
                </fieldset>
                {checkbox(draft, "routing-only-available", "Only assign to members who are available now",
                    |s| s.routing.only_available, |s, v| s.routing.only_available = v)}
                <p class="settings-hint">
                    "With routing on, only the chosen members' presence makes the chat available."
                </p>
            </div>
        </section>
    }
}
