//! Routing: whether each new conversation is assigned as it starts, and to whom: the least busy
//! of the chosen members and the chosen teams' members (never beyond a chat limit), or the
//! visitor's contact owner with those members and teams for everyone else; and whether only
//! members available at that moment count. The chosen members and teams are kept while routing
//! is switched off, so switching it on again gives them back.

use leptos::prelude::*;
use protocol::api::AgentProfile;

use super::fields::{checkbox, Draft};
use super::people::{rule_fields, RuleForm};

const RULE: RuleForm = RuleForm {
    id: "routing",
    legend: "Assign new conversations",
    labels: [
        "No: the team picks them up",
        "Yes: to the least busy of these members and teams",
        "To the visitor's contact owner (e-mailed when away); anyone else to the least busy of these members and teams",
    ],
    owner_hint: "Visitors without an owner stay unassigned when no member or team is chosen.",
    get: |s| &s.routing.rule,
    set: |s, rule| s.routing.rule = rule,
};

/// The Routing section.
///
/// - `draft`: the settings being edited.
/// - `members`: every member, for the rule's choice.
#[component]
pub fn Routing(draft: Draft, members: Signal<Vec<AgentProfile>>) -> impl IntoView {
    view! {
        <section id="set-routing" aria-labelledby="set-routing-title">
            <h2 id="set-routing-title">"Routing"</h2>
            <div class="settings-grid">
                {rule_fields(draft, members, RULE)}
                {checkbox(draft, "routing-only-available", "Only assign to members who are available now",
                    |s| s.routing.only_available, |s, v| s.routing.only_available = v)}
                <p class="settings-hint">
                    "With routing on, only the chosen members' presence makes the chat available."
                </p>
            </div>
        </section>
    }
}
