//! Editing a contact: name, e-mail, phone, owner and one control per property by its kind.
//! Save sends the four details as typed (blank clears one) and only the properties changed
//! here (`null` clears one), and the page then shows what the server stored. A refusal shows
//! beside the form, which keeps what was typed.

use std::collections::BTreeMap;

use leptos::prelude::*;
use protocol::api::{AgentProfile, ContactEdit, ContactPage, PropertyKind, PropertyValue};
use serde_json::Value;

use super::value_text;
use crate::{api, failure, id_options, member_options};

/// A property's control: the property and what it holds now (as the input holds it), beside
/// what it held when the form opened.
struct Field {
    property: PropertyValue,
    before: String,
    now: RwSignal<String>,
}

impl Field {
    /// What to send for this property, if it changed: `None` inside for cleared; an error when
    /// a number is not one.
    fn change(&self) -> Option<Result<Option<Value>, String>> {
        let now = self.now.get_untracked().trim().to_owned();
        if now == self.before {
            return None;
        }
        if now.is_empty() {
            return Some(Ok(None));
        }
        Some(match self.property.property.kind {
            PropertyKind::Number => now
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(|n| Some(Value::Number(n)))
                .ok_or_else(|| format!("{} must be a number.", self.property.property.label)),
            PropertyKind::Text | PropertyKind::Date | PropertyKind::Choice => {
                Ok(Some(Value::String(now)))
            }
        })
    }
}

/// The edit form.
///
/// - `page`: the contact's page as stored (the form starts from it).
/// - `members`: the team, for the owner.
/// - `saved`: takes the page as the server stored it.
/// - `cancel`: closes the form without saving.
#[component]
pub fn EditForm(
    page: ContactPage,
    members: Signal<Vec<AgentProfile>>,
    saved: Callback<ContactPage>,
    cancel: Callback<()>,
) -> impl IntoView {
    let c = page.contact;
    let id = StoredValue::new(c.id.clone());
    let name = RwSignal::new(c.name.unwrap_or_default());
    let email = RwSignal::new(c.email.unwrap_or_default());
    let phone = RwSignal::new(c.phone.unwrap_or_default());
    let owner = RwSignal::new(c.owner_id.unwrap_or_default());
    let fields = StoredValue::new(
        page.properties
            .into_iter()
            .map(|property| {
                let before = property.value.as_ref().map(value_text).unwrap_or_default();
                Field {
                    property,
                    now: RwSignal::new(before.clone()),
                    before,
                }
            })
            .collect::<Vec<_>>(),
    );
    let invalid = RwSignal::new(None::<String>);
    let save = Action::new_local(move |edit: &ContactEdit| {
        let edit = edit.clone();
        async move {
            let stored = api::edit_contact(&id.get_value(), &edit)
                .await
                .map_err(|e| e.to_string())?;
            saved.run(stored);
            Ok(())
        }
    });
    let busy = save.pending();
    let refused = failure(save);
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let mut properties = BTreeMap::new();
        for field in fields.with_value(|f| {
            f.iter()
                .filter_map(|f| f.change().map(|c| (f.property.property.key.clone(), c)))
                .collect::<Vec<_>>()
        }) {
            match field {
                (key, Ok(value)) => {
                    properties.insert(key, value);
                }
                (_, Err(why)) => {
                    invalid.set(Some(why));
                    return;
                }
            }
        }
        invalid.set(None);
        save.dispatch(ContactEdit {
            name: Some(name.get_untracked()),
            email: Some(email.get_untracked()),
            phone: Some(phone.get_untracked()),
            owner_id: Some(owner.get_untracked()),
            properties,
        });
    };
    let error = move || invalid.get().or_else(|| refused.get());
    // An owner no longer on the team stays offered, so a save does not drop them unseen.
    let owner_options = move || {
        let mut items = member_options(members);
        let now = owner.get_untracked();
        if !now.is_empty() && !items.iter().any(|(id, _)| *id == now) {
            items.push((now.clone(), "A former member".to_owned()));
        }
        id_options(items, Some(&now))
    };
    let inputs = fields.with_value(|f| {
        f.iter()
            .map(|f| view! { <PropertyControl property=f.property.clone() value=f.now /> })
            .collect_view()
    });
    view! {
        <form id="contact-edit-form" class="contact-edit" on:submit=submit>
            <label for="contact-name">"Name"</label>
            <input id="contact-name" type="text" maxlength="80" autocomplete="off"
                prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e)) />
            <label for="contact-email-input">"E-mail"</label>
            <input id="contact-email-input" type="email" autocomplete="off"
                prop:value=move || email.get() on:input=move |e| email.set(event_target_value(&e)) />
            <label for="contact-phone-input">"Phone"</label>
            <input id="contact-phone-input" type="tel" autocomplete="off"
                prop:value=move || phone.get() on:input=move |e| phone.set(event_target_value(&e)) />
            <label for="contact-owner-input">"Owner"</label>
            <select id="contact-owner-input" on:change=move |e| owner.set(event_target_value(&e))>
                <option value="" selected=owner.get_untracked().is_empty()>"Nobody"</option>
                {owner_options}
            </select>
            {inputs}
            <p id="contact-edit-error" class="error" role="alert">{error}</p>
            <div class="contact-edit-actions">
                <button id="contact-save" class="primary" type="submit" disabled=move || busy.get()>
                    "Save"
                </button>
                <button id="contact-cancel" type="button" disabled=move || busy.get()
                    on:click=move |_| cancel.run(())>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}

/// One property's label and control, by its kind: a line of text, a number, a date, or a
/// choice among its options (the empty one clears it).
///
/// - `property`: the property, with the value it had when the form opened.
/// - `value`: what the control holds.
#[component]
fn PropertyControl(property: PropertyValue, value: RwSignal<String>) -> impl IntoView {
    let p = property.property;
    let id = format!("contact-prop-{}", p.key);
    let on_input = move |e: leptos::ev::Event| value.set(event_target_value(&e));
    let input = |kind: &'static str| {
        view! {
            <input id=id.clone() type=kind step=(kind == "number").then_some("any")
                maxlength=(kind == "text").then_some("1000")
                prop:value=move || value.get() on:input=on_input />
        }
        .into_any()
    };
    let control = match p.kind {
        PropertyKind::Text => input("text"),
        PropertyKind::Number => input("number"),
        PropertyKind::Date => input("date"),
        PropertyKind::Choice => {
            let now = value.get_untracked();
            // A value no longer among the options stays offered, so it is not lost unseen.
            let mut options = p.options.clone();
            if !now.is_empty() && !options.contains(&now) {
                options.push(now.clone());
            }
            view! {
                <select id=id.clone() on:change=on_input>
                    <option value="" selected=now.is_empty()>"—"</option>
                    {options.into_iter().map(|o| {
                        let selected = o == now;
                        let text = o.clone();
                        view! { <option value=o selected=selected>{text}</option> }
                    }).collect_view()}
                </select>
            }
            .into_any()
        }
    };
    view! {
        <label for=id.clone()>{p.label}</label>
        {control}
    }
}
