//! The comparison before a merge: for each detail and property both contacts hold, differently,
//! a choice between this contact's value (the default, as the server's) and the other's; what
//! only the other holds, listed as added; what moves and that it can be undone, in words. Merge
//! sends the choices (`MergeContacts::take`); a refusal shows here and changes nothing.

use std::collections::BTreeSet;

use leptos::prelude::*;
use protocol::api::{AgentProfile, ContactPage, MergeContacts, PropertyValue};

use super::{display_name, member_name, shown, value_text};
use crate::{api, failure};

/// A detail or property as each contact holds it, shown as a person reads it.
#[derive(Clone, Debug, PartialEq)]
struct Field {
    /// Its name in `MergeContacts::take`: `name`, `email`, `phone`, `owner_id` or
    /// `properties.{key}`.
    key: String,
    label: String,
    mine: Option<String>,
    theirs: Option<String>,
    /// Whether the two hold the same value (compared as stored, not as shown: two former
    /// members read alike).
    same: bool,
}

impl Field {
    /// Whether a choice is needed: both hold a value, and they differ.
    fn differs(&self) -> bool {
        self.mine.is_some() && self.theirs.is_some() && !self.same
    }

    /// Whether the merge adds the other's value: only they hold one.
    fn added(&self) -> bool {
        self.mine.is_none() && self.theirs.is_some()
    }
}

/// A detail with a value: trimmed, none when blank.
fn held(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// Whether a property has a value (a blank string or `null` is none).
fn set(p: &PropertyValue) -> bool {
    p.value
        .as_ref()
        .is_some_and(|v| !value_text(v).trim().is_empty())
}

/// Every detail and property of the two contacts, in the page's order.
fn fields(mine: &ContactPage, theirs: &ContactPage, members: &[AgentProfile]) -> Vec<Field> {
    let (a, b) = (&mine.contact, &theirs.contact);
    let detail = |key: &str, label: &str, mine: &Option<String>, theirs: &Option<String>| Field {
        key: key.to_owned(),
        label: label.to_owned(),
        same: held(mine) == held(theirs),
        mine: held(mine),
        theirs: held(theirs),
    };
    let owner = |id: &Option<String>| held(id).map(|id| member_name(members, &id));
    let mut all = vec![
        detail("name", "Name", &a.name, &b.name),
        detail("email", "E-mail", &a.email, &b.email),
        detail("phone", "Phone", &a.phone, &b.phone),
        Field {
            key: "owner_id".to_owned(),
            label: "Owner".to_owned(),
            same: held(&a.owner_id) == held(&b.owner_id),
            mine: owner(&a.owner_id),
            theirs: owner(&b.owner_id),
        },
    ];
    // Both contacts are of one site, so they have the same properties.
    all.extend(mine.properties.iter().map(|p| {
        let other = theirs
            .properties
            .iter()
            .find(|o| o.property.key == p.property.key);
        let value = |p: &PropertyValue| set(p).then(|| shown(p));
        Field {
            key: format!("properties.{}", p.property.key),
            label: p.property.label.clone(),
            same: other.is_some_and(|o| o.value == p.value),
            mine: value(p),
            theirs: other.and_then(value),
        }
    }));
    all
}

/// The comparison and the Merge button.
///
/// - `mine`: this contact's page, the one merged into.
/// - `theirs`: the other contact's page, the one merged away.
/// - `members`: the team, for owners by name.
/// - `merged`: takes this contact's page as merged, and the other's id.
#[component]
pub fn Comparison(
    mine: ContactPage,
    theirs: ContactPage,
    members: Signal<Vec<AgentProfile>>,
    merged: Callback<(ContactPage, String)>,
) -> impl IntoView {
    let (my_name, their_name) = (display_name(&mine.contact), display_name(&theirs.contact));
    let into = StoredValue::new(mine.contact.id.clone());
    let from = StoredValue::new(theirs.contact.id.clone());
    // The fields whose value is the other contact's.
    let take = RwSignal::new(BTreeSet::<String>::new());
    let send = Action::new_local(move |body: &MergeContacts| {
        let body = body.clone();
        async move {
            let page = api::merge_contact(&into.get_value(), &body)
                .await
                .map_err(|e| e.to_string())?;
            merged.run((page, body.from));
            Ok(())
        }
    });
    let busy = send.pending();
    let refused = failure(send);
    let confirm = move |_| {
        send.dispatch(MergeContacts {
            from: from.get_value(),
            take: take.get_untracked().into_iter().collect(),
        });
    };
    let choices = move || {
        let all = members.with(|m| fields(&mine, &theirs, m));
        let (differ, added): (Vec<_>, Vec<_>) = all
            .into_iter()
            .filter(|f| f.differs() || f.added())
            .partition(Field::differs);
        let (same, none_added) = (differ.is_empty(), added.is_empty());
        view! {
            <p class="empty" hidden=!same>"No detail differs: there is nothing to choose."</p>
            {differ.into_iter().map(|f| view! { <Choice field=f take /> }).collect_view()}
            <div hidden=none_added>
                <p>"Will be added (only the other contact has them):"</p>
                <ul id="merge-added" class="merge-added">
                    {added.into_iter().map(|f| view! {
                        <li data-field=f.key>{f.label}": "{f.theirs}</li>
                    }).collect_view()}
                </ul>
            </div>
        }
    };
    view! {
        <div id="merge-compare" class="merge-compare">
            <h3>"Merge " {their_name.clone()} " into " {my_name.clone()}</h3>
            {choices}
            <p id="merge-explain">
                <strong>{their_name.clone()}</strong>"’s conversations, visitors, consent records and files move to "
                <strong>{my_name}</strong>", and "{their_name}" disappears from the directory. "
                "The merge can be undone from this contact’s page for 30 days."
            </p>
            <p id="merge-error" class="error" role="alert">{refused}</p>
            <button id="merge-confirm" class="primary" type="button" disabled=move || busy.get()
                on:click=confirm>
                "Merge"
            </button>
        </div>
    }
}

/// A field both contacts hold differently: keep this contact's value, or take the other's.
///
/// - `field`: the field.
/// - `take`: the fields whose value is the other's.
#[component]
fn Choice(field: Field, take: RwSignal<BTreeSet<String>>) -> impl IntoView {
    let key = StoredValue::new(field.key.clone());
    let taking = Signal::derive(move || take.with(|t| key.with_value(|k| t.contains(k))));
    let name = format!("merge-{}", field.key);
    view! {
        <fieldset class="merge-field" data-field=field.key.clone()>
            <legend>{field.label}</legend>
            <label>
                <input type="radio" name=name.clone() value="keep" prop:checked=move || !taking.get()
                    on:change=move |_| take.update(|t| {
                        t.remove(&key.get_value());
                    }) />
                "Keep this contact’s: " <strong>{field.mine}</strong>
            </label>
            <label>
                <input type="radio" name=name value="take" prop:checked=move || taking.get()
                    on:change=move |_| take.update(|t| {
                        t.insert(key.get_value());
                    }) />
                "Take the other’s: " <strong>{field.theirs}</strong>
            </label>
        </fieldset>
    }
}
