//! One contact property in the admins' panel: its key and kind (fixed), its label and a
//! choice's options (editable, saved by "Save"), and "Delete", which asks once more first, since
//! deleting also deletes every contact's value of it.

use leptos::prelude::*;
use protocol::api::{Property, PropertyInput, PropertyKind};

use super::properties::{kind_name, options_from};
use crate::{api, failure};

/// What a row asks the server to do.
#[derive(Clone)]
enum Change {
    Update(PropertyInput),
    Delete,
}

/// One property.
///
/// - `site`: the site's id (known once the row shows).
/// - `property`: the property as stored.
/// - `reload`: reads the properties again after a change.
#[component]
pub fn PropertyRow(
    site: Signal<Option<String>>,
    property: Property,
    reload: Callback<()>,
) -> impl IntoView {
    let key = StoredValue::new(property.key.clone());
    let choice = property.kind == PropertyKind::Choice;
    let label = RwSignal::new(property.label.clone());
    let options = RwSignal::new(property.options.join("\n"));
    let confirming = RwSignal::new(false);
    let change = Action::new_local(move |change: &Change| {
        let change = change.clone();
        async move {
            let site = site.get_untracked().unwrap_or_default();
            let key = key.get_value();
            match change {
                Change::Update(input) => api::update_property(&site, &key, &input).await,
                Change::Delete => api::delete_property(&site, &key).await,
            }
            .map_err(|e| e.to_string())?;
            reload.run(());
            Ok(())
        }
    });
    let busy = change.pending();
    let refused = failure(change);
    let save = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        change.dispatch(Change::Update(PropertyInput {
            key: None,
            label: label.get_untracked().trim().to_owned(),
            kind: None,
            options: if choice {
                options_from(&options.get_untracked())
            } else {
                Vec::new()
            },
        }));
    };
    let delete = move |_| {
        confirming.set(false);
        change.dispatch(Change::Delete);
    };
    let k = property.key.clone();
    let label_id = format!("property-label-{k}");
    let options_id = format!("property-options-{k}");
    view! {
        <li class="property-row" data-key=k.clone()>
            <form class="property-form" on:submit=save aria-label=format!("Property {k}")>
                <span class="property-key"><code>{k.clone()}</code>" · "{kind_name(property.kind)}</span>
                <label for=label_id.clone()>"Label"</label>
                <input id=label_id type="text" required maxlength="80" autocomplete="off"
                    class="property-label"
                    prop:value=move || label.get() on:input=move |e| label.set(event_target_value(&e)) />
                {choice.then(|| view! {
                    <label for=options_id.clone()>"Options, one a line"</label>
                    <textarea id=options_id.clone() class="property-options" rows="3"
                        prop:value=move || options.get()
                        on:input=move |e| options.set(event_target_value(&e)) />
                })}
                <div class="property-actions">
                    <button type="submit" class="property-save" disabled=move || busy.get()>"Save"</button>
                    <button type="button" class="property-delete" hidden=move || confirming.get()
                        disabled=move || busy.get() on:click=move |_| confirming.set(true)>
                        "Delete"
                    </button>
                </div>
                <div class="property-confirm" role="group" aria-label="Confirm deleting" hidden=move || !confirming.get()>
                    <p>{format!("Delete “{}” and every contact's value of it?", property.label)}</p>
                    <button type="button" class="property-delete-confirm danger" on:click=delete>
                        "Delete it"
                    </button>
                    <button type="button" class="property-delete-cancel" on:click=move |_| confirming.set(false)>
                        "Keep it"
                    </button>
                </div>
                <p class="error" role="alert">{move || refused.get()}</p>
            </form>
        </li>
    }
}
