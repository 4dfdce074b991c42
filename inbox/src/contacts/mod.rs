//! The Contacts page: the people the team talks to, one per person whatever the channel. The
//! directory ([`list`]) searches and narrows them; a row opens the person's page ([`page`]),
//! which can be edited ([`edit`]), and Back returns to the directory as it was left (it stays
//! drawn, hidden, with its filters and the rows loaded). Admins also define the site's contact
//! properties below the directory ([`properties`]), answer visitors' requests to be erased and
//! see the erasures made ([`privacy`]), and erase a contact from their page ([`erase`]).
//!
//! # Layout
//! - this file: the page, switching between the directory and one contact, and the words the
//!   parts share (a contact's name, a member's name, dates, a property's value).
//! - [`list`]: the search box, the filters and the table, page by page.
//! - [`page`]: one contact's details and properties; [`history`] their conversations, consent
//!   records and files.
//! - [`edit`]: the edit form.
//! - [`merge`] and [`merge_compare`]: merging another contact into this one; [`merges`] the
//!   merges that can still be undone.
//! - [`properties`] and [`property_row`]: the admins' panel of contact properties.
//! - [`erase`]: erasing a contact from their page, once their name is typed.
//! - [`privacy`] and [`erasure_request`]: the admins' panel of visitors' requests to be erased
//!   and of the latest erasures.
//! - [`parts`]: what loads when first shown: this file and [`list`] are the page's own
//!   module; a contact's page, the merge panel and the admins' panels are modules of their own.

mod edit;
mod erase;
mod erasure_request;
mod history;
mod list;
mod merge;
mod merge_compare;
mod merges;
mod page;
mod parts;
mod privacy;
mod properties;
mod property_row;

use leptos::prelude::*;
use protocol::api::{AgentProfile, ContactSummary, Erasure, PropertyKind, PropertyValue, Role};
use protocol::Millis;
use wasm_bindgen::JsValue;

use crate::lazy::lazy;
use crate::{api, last_ok};
use list::ContactList;
use parts::{admin_panels, contact_view, AdminPanels, OneContact, ADMIN, CONTACT};
pub(crate) use parts::{preload_contact_view, preload_contacts_admin};

/// The Contacts page.
///
/// - `me`: the signed-in agent; an admin also gets the contact properties and privacy panels.
#[component]
pub fn ContactsPage(me: AgentProfile) -> impl IntoView {
    let is_admin = me.role == Role::Admin;
    // The members, for the owner filter, the owner column and the edit form's owner.
    let team = LocalResource::new(|| async {
        api::team()
            .await
            .map(|t| t.members)
            .map_err(|e| e.to_string())
    });
    let members = Signal::derive({
        let team = last_ok(team);
        move || team.get().unwrap_or_default()
    });
    // The directory's rows: the list loads them, a saved edit updates its row in place.
    let rows = RwSignal::new(Vec::<ContactSummary>::new());
    let opened = RwSignal::new(None::<String>);
    // What became of the last contact erased from their page, said above the directory.
    let notice = RwSignal::new(None::<String>);
    let open = Callback::new(move |id| {
        notice.set(None);
        opened.set(Some(id));
    });
    let back = Callback::new(move |()| {
        let Some(id) = opened.get_untracked() else {
            return;
        };
        opened.set(None);
        // Keyboard and screen-reader users land on the row they left from.
        request_animation_frame(move || focus_row(&id));
    });
    let saved = Callback::new(move |contact: ContactSummary| {
        rows.update(|rows| {
            if let Some(row) = rows.iter_mut().find(|r| r.id == contact.id) {
                *row = contact;
            }
        });
    });
    // A contact merged away leaves the directory; an undone merge brings one back, wherever
    // it falls in the order, so the directory loads again.
    let gone = Callback::new(move |id: String| rows.update(|rows| rows.retain(|r| r.id != id)));
    let reloads = RwSignal::new(0_u32);
    let restored = Callback::new(move |()| reloads.update(|n| *n += 1));
    // Goes up after each erasure, for the privacy panel to load its lists again.
    let erasures = RwSignal::new(0_u32);
    let erased = Callback::new(move |(id, erasure): (String, Erasure)| {
        gone.run(id);
        notice.set(Some(erasure_outcome(&erasure)));
        erasures.update(|n| *n += 1);
        opened.set(None);
        // The contact's row is gone: the focus goes to the directory's heading.
        request_animation_frame(|| focus("#contacts-title"));
    });
    view! {
        <main class="page contacts">
            <section class="contacts-directory" aria-labelledby="contacts-title"
                hidden=move || opened.with(Option::is_some)>
                <h1 id="contacts-title" tabindex="-1">"Contacts"</h1>
                <p id="contacts-status" class="ok" role="status">{move || notice.get()}</p>
                <ContactList rows members open reloads />
                {is_admin.then(|| {
                    let panels = AdminPanels { members, open, gone, changes: erasures };
                    lazy(ADMIN, admin_panels, panels)
                })}
            </section>
            {move || opened.get().map(|id| {
                let contact = OneContact { id, is_admin, members, back, saved, gone, restored, erased };
                lazy(CONTACT, contact_view, contact)
            })}
        </main>
    }
}

/// Moves the focus to the open button of the directory's row for contact `id`.
fn focus_row(id: &str) {
    focus(&format!(
        ".contact-row[data-id=\"{}\"] button",
        id.replace('"', "")
    ));
}

/// Moves the focus to the element `selector` finds, if any.
fn focus(selector: &str) {
    if let Ok(Some(element)) = document().query_selector(selector) {
        if let Ok(element) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(element) {
            let _ = element.focus();
        }
    }
}

/// What became of an erasure, for a status line: done, or a part being retried and why.
fn erasure_outcome(erasure: &Erasure) -> String {
    match (erasure.completed_at, erasure.last_error.as_deref()) {
        (Some(_), _) => "Erased.".to_owned(),
        (None, Some(why)) => format!("Erasing: part of it is being retried ({why})."),
        (None, None) => "Erasing: part of it is being retried.".to_owned(),
    }
}

/// What to call a contact: their name, else their e-mail or phone, else "Unknown visitor".
fn display_name(contact: &ContactSummary) -> String {
    [&contact.name, &contact.email, &contact.phone]
        .into_iter()
        .flatten()
        .map(|s| s.trim())
        .find(|s| !s.is_empty())
        .unwrap_or("Unknown visitor")
        .to_owned()
}

/// Member `id`'s name, or a stand-in for someone no longer on the team.
fn member_name(members: &[AgentProfile], id: &str) -> String {
    members
        .iter()
        .find(|m| m.id == id)
        .map_or_else(|| "A former member".to_owned(), |m| m.name.clone())
}

/// A day in the reader's own format (`3/14/2025`, `14/03/2025`, …).
fn day(at: Millis) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(at as f64));
    String::from(date.to_locale_date_string("default", &JsValue::UNDEFINED))
}

/// A moment, date and time, in the reader's own format.
fn moment(at: Millis) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(at as f64));
    String::from(date.to_locale_string("default", &JsValue::UNDEFINED))
}

/// A property's value for reading: a date in the reader's format, the rest as stored; "—"
/// when unset.
fn shown(p: &PropertyValue) -> String {
    let Some(value) = p.value.as_ref().map(value_text).filter(|v| !v.is_empty()) else {
        return "—".to_owned();
    };
    if p.property.kind != PropertyKind::Date {
        return value;
    }
    // `YYYY-MM-DD` read as that day in the reader's own zone (not UTC midnight).
    let parts: Vec<u32> = value.split('-').filter_map(|n| n.parse().ok()).collect();
    match parts[..] {
        [y, m, d] => {
            let date = js_sys::Date::new_with_year_month_day(y, m as i32 - 1, d as i32);
            String::from(date.to_locale_date_string("default", &JsValue::UNDEFINED))
        }
        _ => value,
    }
}

/// A property's value as plain text: strings as they are (text, a date's `YYYY-MM-DD`, a
/// choice), numbers as written; what an input shows too.
fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}
