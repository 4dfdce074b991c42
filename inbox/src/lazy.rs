//! What the inbox loads when first needed. At open, a page loads the app's core: signing in,
//! the bar, the conversation list and the open thread (with its composer), which is what an
//! agent works in all day. Everything else is its own wasm module (`cargo xtask build` splits
//! the app at the `#[wasm_split]` functions: see `xtask/src/apps.rs`), fetched the first time
//! it shows:
//!
//! - each page under the bar: Contacts, Team, Inboxes, Reports, Deliveries, Settings and
//!   Account (here);
//! - the WhatsApp template picker, in the composer only past WhatsApp's 24-hour window
//!   (`thread::composer`);
//! - the Install panel, inside the Settings page (`settings`);
//! - inside the Contacts page, a contact's page, the merge panel, and the admins' panels with
//!   the erase panel (`contacts::parts`).
//!
//! Why: most of an agent's day is the list and a thread, and the pages are most of the code
//! (Settings alone is a large form); loaded at open, they made every sign-in wait for code
//! that most visits never run. Once the signed-in page shows, the pages this agent can open
//! load when the browser is idle ([`prefetch`]), so a click on one seldom waits on the network.
//!
//! A split function hands out the function that draws its view ([`Draw`]); only the code that
//! nothing else reaches moves into the split's module, so a page's component is named here and
//! nowhere in the core. [`lazy`] shows "Loading…" while the module loads, the view once it has,
//! or, if it could not be loaded (offline, a flaky connection, or a build deployed since the
//! inbox opened), an alert with a retry: the rest of the app keeps working, and the loader
//! remembers no failure, so trying again fetches anew.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use protocol::api::AgentProfile;

use crate::account::AccountPage;
use crate::contacts::ContactsPage;
use crate::deliveries::DeliveriesPage;
use crate::inboxes::InboxesPage;
use crate::reports::ReportsPage;
use crate::settings::SettingsPage;
use crate::team::TeamPage;

/// A split-off module could not be loaded.
#[derive(Debug, Clone, Copy)]
pub struct Missing;

impl From<SplitLoaderError> for Missing {
    fn from(_: SplitLoaderError) -> Self {
        Missing
    }
}

/// What a split function hands out: the function that draws its view from what it is given.
pub type Draw<P> = fn(P) -> AnyView;

/// Where a split-off view goes, which decides how it shows while its module loads and when it
/// could not be loaded.
#[derive(Clone, Copy)]
pub enum Place {
    /// A page under the bar: the placeholder is a page of its own.
    Page,
    /// A panel within a page or the thread.
    Panel {
        /// The placeholder's CSS class.
        class: &'static str,
        /// What the alert says when the panel could not be loaded.
        failed: &'static str,
        /// The id of the "Try again" button.
        retry: &'static str,
    },
}

/// The view `load`'s module draws with `props`; "Loading…" while the module loads, or, if it
/// could not be loaded, an alert with a "Try again" that loads it again.
///
/// An [`AsyncDerived`] rather than a `LocalResource`: a module already loaded (opened before,
/// or prefetched) resolves on the first poll, and an `AsyncDerived` takes that answer at once,
/// so the view shows without a flash of "Loading…" (a `LocalResource` always waits a tick).
/// Each try makes a new one, so a retry shows "Loading…" again.
pub fn lazy<P, Fut>(place: Place, load: fn() -> Fut, props: P) -> AnyView
where
    P: Clone + Send + 'static,
    Fut: Future<Output = Result<Draw<P>, Missing>> + 'static,
{
    let tries = RwSignal::new(0u32);
    (move || {
        tries.track();
        let module = AsyncDerived::new_unsync_threadsafe_storage(load);
        let props = props.clone();
        move || match module.get() {
            Some(Ok(draw)) => draw(props.clone()),
            Some(Err(Missing)) => placeholder(place, Some(tries)),
            None => placeholder(place, None),
        }
    })
    .into_any()
}

/// What shows in `place` while its module loads or, with the count of tries, once it failed.
fn placeholder(place: Place, failed: Option<RwSignal<u32>>) -> AnyView {
    let (message, retry) = match place {
        Place::Page => ("This page could not be loaded.", "page-retry"),
        Place::Panel { failed, retry, .. } => (failed, retry),
    };
    let body = match failed {
        None => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
        Some(tries) => view! {
            <p class="error" role="alert">{message}</p>
            <button id=retry type="button" on:click=move |_| tries.update(|n| *n += 1)>
                "Try again"
            </button>
        }
        .into_any(),
    };
    match place {
        Place::Page => view! { <main class="page">{body}</main> }.into_any(),
        Place::Panel { class, .. } => view! { <div class=class>{body}</div> }.into_any(),
    }
}

/// The Contacts page, given the signed-in agent (admins also edit the contact properties and
/// answer visitors' requests to be erased).
#[wasm_split(contacts_page, fallible, preload(preload_contacts_page), wasm_split_path = ::leptos::wasm_split)]
pub fn contacts_page() -> Result<Draw<AgentProfile>, Missing> {
    Ok(|me| view! { <ContactsPage me /> }.into_any())
}

/// The Team page.
#[wasm_split(team_page, fallible, preload(preload_team_page), wasm_split_path = ::leptos::wasm_split)]
pub fn team_page() -> Result<Draw<AgentProfile>, Missing> {
    Ok(|me| view! { <TeamPage me /> }.into_any())
}

/// The Inboxes page (admins).
#[wasm_split(inboxes_page, fallible, preload(preload_inboxes_page), wasm_split_path = ::leptos::wasm_split)]
pub fn inboxes_page() -> Result<Draw<()>, Missing> {
    Ok(|()| view! { <InboxesPage /> }.into_any())
}

/// The Reports page (admins).
#[wasm_split(reports_page, fallible, preload(preload_reports_page), wasm_split_path = ::leptos::wasm_split)]
pub fn reports_page() -> Result<Draw<()>, Missing> {
    Ok(|()| view! { <ReportsPage /> }.into_any())
}

/// The Deliveries page (admins), given the bar's count of failed deliveries.
#[wasm_split(deliveries_page, fallible, preload(preload_deliveries_page), wasm_split_path = ::leptos::wasm_split)]
pub fn deliveries_page() -> Result<Draw<RwSignal<u32>>, Missing> {
    Ok(|count| view! { <DeliveriesPage count /> }.into_any())
}

/// The Settings page (admins).
#[wasm_split(settings_page, fallible, preload(preload_settings_page), wasm_split_path = ::leptos::wasm_split)]
pub fn settings_page() -> Result<Draw<()>, Missing> {
    Ok(|()| view! { <SettingsPage /> }.into_any())
}

/// The Account page, given how to return to the sign-in form.
#[wasm_split(account_page, fallible, preload(preload_account_page), wasm_split_path = ::leptos::wasm_split)]
pub fn account_page() -> Result<Draw<Callback<Option<String>>>, Missing> {
    Ok(|signed_out| view! { <AccountPage signed_out /> }.into_any())
}

/// Loads the modules of the pages this agent can open (an admin: every page, Settings' Install
/// panel and the Contacts page's admin panels; an agent: Contacts, Team and Account), with a
/// contact's page for everyone, when the browser is next idle, or after
/// `client::idle::WITHOUT_IDLE_MS` where it cannot say, so that opening one does not wait on the
/// network. A module that fails to load here is simply loaded again when its page opens.
pub fn prefetch(admin: bool) {
    let load = move || {
        spawn_local(async move {
            let _ = preload_contacts_page().await;
            let _ = crate::contacts::preload_contact_view().await;
            if admin {
                let _ = crate::contacts::preload_contacts_admin().await;
            }
        });
        spawn_local(async {
            let _ = preload_team_page().await;
        });
        spawn_local(async {
            let _ = preload_account_page().await;
        });
        if admin {
            spawn_local(async {
                let _ = preload_inboxes_page().await;
            });
            spawn_local(async {
                let _ = preload_reports_page().await;
            });
            spawn_local(async {
                let _ = preload_deliveries_page().await;
            });
            spawn_local(async {
                let _ = preload_settings_page().await;
                let _ = crate::settings::preload_install().await;
            });
        }
    };
    client::idle::when_idle(load);
}
