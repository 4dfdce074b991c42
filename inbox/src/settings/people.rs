//! A rule choosing people (`protocol::settings::PeopleRule`), as routing and the chat heading
//! edit it: how (nobody, these members and teams, or the contact owner with these for everyone
//! else), and the members and teams it names. The chosen members and teams are kept while the
//! rule is off, so switching it on again gives them back.

use leptos::prelude::*;
use protocol::api::AgentProfile;
use protocol::settings::{ChatSettings, PeopleRule, RoutingMode};

use super::fields::Draft;
use crate::directory::Directory;
use crate::{checkboxes, member_options};

/// Where a rule lives in the settings, and the words its form uses.
#[derive(Clone, Copy)]
pub struct RuleForm {
    /// The prefix of the form's ids and names (`routing`: `routing-off`, `routing-members`, …).
    pub id: &'static str,
    pub legend: &'static str,
    /// The choices' labels: off, members, contact owner.
    pub labels: [&'static str; 3],
    /// Said under the contact owner choice.
    pub owner_hint: &'static str,
    pub get: fn(&ChatSettings) -> &PeopleRule,
    pub set: fn(&mut ChatSettings, PeopleRule),
}

/// The fields of `form`'s rule in `draft`, which follows them.
pub fn rule_fields(
    draft: Draft,
    members: Signal<Vec<AgentProfile>>,
    form: RuleForm,
) -> impl IntoView {
    let directory = Directory::get();
    let (mode, agents, teams) = draft.peek(|s| (form.get)(s).choices());
    let mode = RwSignal::new(mode);
    let agent_ids = RwSignal::new(agents);
    let team_ids = RwSignal::new(teams);
    // The rule follows the choices.
    Effect::new(move |_| {
        let rule = PeopleRule::from_choices(mode.get(), agent_ids.get(), team_ids.get());
        if draft.peek(|s| *(form.get)(s) != rule) {
            draft.edit(|s| (form.set)(s, rule));
        }
    });
    let off = Signal::derive(move || mode.get() == RoutingMode::Off);
    let by_owner = move || mode.get() == RoutingMode::ContactOwner;
    let modes = [
        (RoutingMode::Off, "off"),
        (RoutingMode::Members, "members"),
        (RoutingMode::ContactOwner, "owner"),
    ];
    let radios = modes
        .into_iter()
        .zip(form.labels)
        .map(|((choice, suffix), label)| {
            view! {
                <label class="check">
                    <input type="radio" name=form.id id=format!("{}-{suffix}", form.id)
                        prop:checked=move || mode.get() == choice
                        on:change=move |_| mode.set(choice) />
                    {label}
                </label>
            }
        })
        .collect_view();
    let member_group = format!("{}-members", form.id);
    let team_group = format!("{}-teams", form.id);
    let (member_class, team_class) = (
        format!("settings-choices settings-wide {member_group}"),
        format!("settings-choices settings-wide {team_group}"),
    );
    view! {
        <fieldset class="settings-choices settings-wide">
            <legend>{form.legend}</legend>
            {radios}
            <p class="settings-hint" hidden=move || !by_owner()>{form.owner_hint}</p>
        </fieldset>
        <fieldset class=member_class disabled=move || off.get()>
            <legend>"Members"</legend>
            {move || checkboxes(&member_group, member_options(members), agent_ids, off)}
        </fieldset>
        <fieldset class=team_class disabled=move || off.get()>
            <legend>"Teams"</legend>
            <p class="settings-hint" hidden=move || directory.teams.with(|t| !t.is_empty())>
                "No teams yet (see Inboxes)."
            </p>
            {move || checkboxes(&team_group, directory.team_options(), team_ids, off)}
        </fieldset>
    }
}
