//! The admins' panel of contact properties: the site's properties, in the order they were made,
//! each relabelled, its options changed (a choice) or deleted ([`super::property_row`]), and
//! the form that adds one. The key and kind are fixed once made, as the server requires. The
//! site is the one whose chat delivers to an inbox, as on the Settings page.

use leptos::prelude::*;
use protocol::api::{Property, PropertyInput, PropertyKind};

use super::property_row::PropertyRow;
use crate::directory::chat_site;
use crate::{api, failure, last_ok, load_error};

/// The kinds in the order the form offers them: (kind, its value in the select, in words).
pub const KINDS: [(PropertyKind, &str, &str); 4] = [
    (PropertyKind::Text, "text", "Text"),
    (PropertyKind::Number, "number", "Number"),
    (PropertyKind::Date, "date", "Date"),
    (PropertyKind::Choice, "choice", "Choice"),
];

/// A kind in words.
pub fn kind_name(kind: PropertyKind) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map_or("", |(_, _, name)| name)
}

/// A choice's options as typed, one a line: trimmed, blank lines left out.
pub fn options_from(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The site and its properties, or why they could not be had.
async fn load() -> Result<(String, Vec<Property>), String> {
    let list = api::inboxes().await.map_err(|e| e.to_string())?;
    let site = chat_site(&list.inboxes)
        .ok_or_else(|| "No site's chat delivers to an inbox you see.".to_owned())?;
    let properties = api::contact_properties(&site)
        .await
        .map_err(|e| e.to_string())?;
    Ok((site, properties.properties))
}

/// The panel (admins only: the page shows it to them alone, and the server refuses others).
/// It has no props: it finds the site itself.
#[component]
pub fn Properties() -> impl IntoView {
    let loaded = LocalResource::new(load);
    let known = last_ok(loaded);
    let reload = Callback::new(move |()| loaded.refetch());
    let site = Signal::derive(move || known.with(|k| k.as_ref().map(|(s, _)| s.clone())));
    view! {
        <section class="contact-properties" aria-labelledby="properties-title">
            <h2 id="properties-title">"Contact properties"</h2>
            <p>"What the team records about each contact, on this site. Agents fill them in on a contact's page."</p>
            <p class="error" role="alert">{move || load_error(loaded)}</p>
            <ul id="property-list" class="property-list">
                <For each=move || known.get().map(|(_, p)| p).unwrap_or_default()
                    key=|p| format!("{}\u{1f}{}\u{1f}{}", p.key, p.label, p.options.join("\u{1e}"))
                    let(property)>
                    <PropertyRow site property reload />
                </For>
            </ul>
            <p class="empty" hidden=move || known.with(|k| k.as_ref().is_none_or(|(_, p)| !p.is_empty()))>
                "No properties yet."
            </p>
            <AddProperty site reload />
        </section>
    }
}

/// The form that adds a property: key, label, kind, and a choice's options one a line.
///
/// - `site`: the site's id, once known (the form waits for it).
/// - `reload`: reads the properties again after one is added.
#[component]
fn AddProperty(site: Signal<Option<String>>, reload: Callback<()>) -> impl IntoView {
    let key = RwSignal::new(String::new());
    let label = RwSignal::new(String::new());
    let kind = RwSignal::new(PropertyKind::Text);
    let options = RwSignal::new(String::new());
    let add = Action::new_local(move |(site, input): &(String, PropertyInput)| {
        let (site, input) = (site.clone(), input.clone());
        async move {
            api::create_property(&site, &input)
                .await
                .map_err(|e| e.to_string())?;
            key.try_set(String::new());
            label.try_set(String::new());
            options.try_set(String::new());
            reload.run(());
            Ok(())
        }
    });
    let busy = add.pending();
    let refused = failure(add);
    let done = move || add.value().with(|v| matches!(v, Some(Ok(())))) && !busy.get();
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let Some(site) = site.get_untracked() else {
            return;
        };
        let kind = kind.get_untracked();
        add.dispatch((
            site,
            PropertyInput {
                key: Some(key.get_untracked().trim().to_owned()),
                label: label.get_untracked().trim().to_owned(),
                kind: Some(kind),
                options: if kind == PropertyKind::Choice {
                    options_from(&options.get_untracked())
                } else {
                    Vec::new()
                },
            },
        ));
    };
    view! {
        <h3 id="property-add-title">"Add a property"</h3>
        <form id="property-add-form" class="property-form" aria-labelledby="property-add-title" on:submit=submit>
            <label for="property-key">"Key"</label>
            <input id="property-key" type="text" required maxlength="40" autocomplete="off"
                pattern="[a-z][a-z0-9_]*" aria-describedby="property-key-hint"
                prop:value=move || key.get() on:input=move |e| key.set(event_target_value(&e)) />
            <span id="property-key-hint" class="hint">
                "Lower-case letters, digits and _, starting with a letter (plan, company_size); fixed once made."
            </span>
            <label for="property-label">"Label"</label>
            <input id="property-label" type="text" required maxlength="80" autocomplete="off"
                prop:value=move || label.get() on:input=move |e| label.set(event_target_value(&e)) />
            <label for="property-kind">"Kind"</label>
            <select id="property-kind" on:change=move |e| {
                let value = event_target_value(&e);
                if let Some((k, _, _)) = KINDS.iter().find(|(_, v, _)| *v == value) {
                    kind.set(*k);
                }
            }>
                {KINDS.map(|(_, value, name)| view! { <option value=value>{name}</option> })}
            </select>
            <label for="property-options" hidden=move || kind.get() != PropertyKind::Choice>
                "Options, one a line"
            </label>
            <textarea id="property-options" rows="4" hidden=move || kind.get() != PropertyKind::Choice
                prop:value=move || options.get() on:input=move |e| options.set(event_target_value(&e)) />
            <button id="property-add" class="primary" type="submit"
                disabled=move || busy.get() || site.with(Option::is_none)>
                "Add property"
            </button>
            <p class="ok" role="status">{move || done().then_some("Added.")}</p>
            <p class="error" role="alert">{move || refused.get()}</p>
        </form>
    }
}
