//! The parts of the Contacts page that are wasm modules of their own (see [`crate::lazy`]).
//! The page's own module is the directory; the rest is fetched the first time it shows:
//!
//! - `contact_view`: one contact's page ([`super::page`], with [`super::history`],
//!   [`super::merges`] and [`super::edit`]), when a contact opens; prefetched for everyone
//!   once the inbox is idle, since opening a contact is what the directory is for.
//! - `contact_merge`: the merge panel and its comparison ([`super::merge`],
//!   [`super::merge_compare`]), when "Merge with another contact…" is pressed: most visits to
//!   a contact merge nothing.
//! - `contacts_admin`: what only admins see: the contact properties and privacy panels below
//!   the directory ([`super::properties`], [`super::privacy`]) and the erase panel on a
//!   contact's page ([`super::erase`]). The panels show as an admin opens the page, so the
//!   erase panel is loaded by the time "Erase…" is pressed; agents never fetch any of it.
//!   Prefetched for admins.
//!
//! Each shows "Loading…" in its place while it loads, or an alert with a retry.

use leptos::prelude::*;
use leptos::wasm_split::wasm_split;
use protocol::api::{AgentProfile, ContactPage, ContactSummary, Erasure};

use super::erase::ErasePanel;
use super::merge::MergePanel;
use super::page::ContactView;
use super::privacy::Privacy;
use super::properties::Properties;
use crate::lazy::{Draw, Missing, Place};

/// What a contact's page is drawn with (see [`ContactView`] for each).
#[derive(Clone)]
pub struct OneContact {
    pub id: String,
    pub is_admin: bool,
    pub members: Signal<Vec<AgentProfile>>,
    pub back: Callback<()>,
    pub saved: Callback<ContactSummary>,
    pub gone: Callback<String>,
    pub restored: Callback<()>,
    pub erased: Callback<(String, Erasure)>,
}

/// One contact's page. Prefetched for everyone.
#[wasm_split(contact_view, fallible, preload(preload_contact_view), wasm_split_path = ::leptos::wasm_split)]
pub(crate) fn contact_view() -> Result<Draw<OneContact>, Missing> {
    Ok(|c| {
        view! {
            <ContactView id=c.id is_admin=c.is_admin members=c.members back=c.back saved=c.saved
                gone=c.gone restored=c.restored erased=c.erased />
        }
        .into_any()
    })
}

/// Where a contact's page shows while it loads, or why not.
pub const CONTACT: Place = Place::Panel {
    class: "contact-part",
    failed: "This contact's page could not be loaded.",
    retry: "contact-part-retry",
};

/// What the merge panel is drawn with (see [`MergePanel`] for each).
#[derive(Clone)]
pub struct Merging {
    pub page: ContactPage,
    pub members: Signal<Vec<AgentProfile>>,
    pub merged: Callback<(ContactPage, String)>,
    pub close: Callback<()>,
}

/// The merge panel, with its comparison.
#[wasm_split(contact_merge, fallible, wasm_split_path = ::leptos::wasm_split)]
pub(crate) fn contact_merge() -> Result<Draw<Merging>, Missing> {
    Ok(|m| {
        view! { <MergePanel page=m.page members=m.members merged=m.merged close=m.close /> }
            .into_any()
    })
}

/// Where the merge panel shows while it loads, or why not.
pub const MERGE: Place = Place::Panel {
    class: "merge-part",
    failed: "The merge panel could not be loaded.",
    retry: "merge-part-retry",
};

/// What the admins' panels below the directory are drawn with (see [`Privacy`] for each).
#[derive(Clone)]
pub struct AdminPanels {
    pub members: Signal<Vec<AgentProfile>>,
    pub open: Callback<String>,
    pub gone: Callback<String>,
    pub changes: RwSignal<u32>,
}

/// The contact properties and privacy panels (admins). Prefetched for admins.
#[wasm_split(contacts_admin, fallible, preload(preload_contacts_admin), wasm_split_path = ::leptos::wasm_split)]
pub(crate) fn admin_panels() -> Result<Draw<AdminPanels>, Missing> {
    Ok(|a| {
        view! {
            <Properties />
            <Privacy members=a.members open=a.open gone=a.gone changes=a.changes />
        }
        .into_any()
    })
}

/// Where the admins' panels show while they load, or why not.
pub const ADMIN: Place = Place::Panel {
    class: "admin-part",
    failed: "The contact properties and privacy panels could not be loaded.",
    retry: "admin-part-retry",
};

/// What the erase panel is drawn with (see [`ErasePanel`] for each).
#[derive(Clone)]
pub struct Erasing {
    pub contact: ContactSummary,
    pub erased: Callback<Erasure>,
    pub close: Callback<()>,
}

/// The erase panel (admins): in the admins' module, which their directory has loaded already.
#[wasm_split(contacts_admin, fallible, wasm_split_path = ::leptos::wasm_split)]
pub(crate) fn erase_panel() -> Result<Draw<Erasing>, Missing> {
    Ok(|e| view! { <ErasePanel contact=e.contact erased=e.erased close=e.close /> }.into_any())
}

/// Where the erase panel shows while it loads, or why not.
pub const ERASE: Place = Place::Panel {
    class: "erase-part",
    failed: "The erase panel could not be loaded.",
    retry: "erase-part-retry",
};
