//! The Settings page (admins): the site's chat settings, edited as one draft and sent whole by
//! one Save (`PUT /api/admin/sites/{site}/settings`); nothing is stored before. The server
//! validates and normalises: its refusal (naming the field) is announced and the draft kept to
//! be fixed; on success the form shows what it stored. Below the form: installing the widget,
//! with a live preview of the saved settings, and the Messenger and WhatsApp connections. The
//! site is the one whose chat delivers to an inbox (`GET /api/agent/inboxes`).
//!
//! # Layout
//! - this file: finding the site, loading, the draft, Save.
//! - [`fields`]: the draft and the controls bound to it.
//! - [`branding`]: accent colour, font, launcher, heading (and the people heading the chat)
//!   and welcome.
//! - [`people`]: the form of a rule choosing people, for routing and the heading.
//! - [`availability`]: when the chat is available and what visitors see when it is not;
//!   [`hours`] the business-hours editor.
//! - [`consent`], [`languages`], [`attachments`], [`routing`], [`email`], [`ask_email`],
//!   [`retention`]: one section each.
//! - [`targeting`]: where the widget shows (page rules, devices, allowed domains).
//! - [`identity`]: identified visitors, and the identity secret.
//! - [`install`]: the snippet, the guides and the preview; its own module, loaded when the
//!   page draws it ([`install_panel`], see [`crate::lazy`]).
//! - [`connections`]: Messenger Pages and WhatsApp numbers.

mod ask_email;
mod attachments;
mod availability;
mod branding;
mod connections;
mod consent;
mod email;
mod fields;
mod hours;
mod identity;
mod install;
mod languages;
mod people;
mod retention;
mod routing;
mod secret;
mod targeting;
mod webhooks;

use leptos::prelude::*;
use leptos::wasm_split::wasm_split;
use protocol::settings::ChatSettings;

use crate::api;
use crate::directory::chat_site;
use crate::lazy::{lazy, Draw, Missing, Place};
use fields::Draft;

/// The Install panel, given the site's id and the count of saves (each loads the preview
/// anew). Prefetched with the Settings page.
#[wasm_split(install, fallible, preload(preload_install), wasm_split_path = ::leptos::wasm_split)]
pub(crate) fn install_panel() -> Result<Draw<(String, RwSignal<u32>)>, Missing> {
    Ok(|(site, preview)| view! { <install::Install site preview /> }.into_any())
}

/// Where the Install panel shows while it loads, or why not.
const INSTALL: Place = Place::Panel {
    class: "install-part",
    failed: "The install guide could not be loaded.",
    retry: "install-retry",
};

/// The site and its settings, or why they could not be had.
async fn load_site() -> Result<(String, ChatSettings), String> {
    let list = api::inboxes().await.map_err(|e| e.to_string())?;
    let site = chat_site(&list.inboxes)
        .ok_or_else(|| "No site's chat delivers to an inbox you see.".to_owned())?;
    let settings = api::site_settings(&site).await.map_err(|e| e.to_string())?;
    Ok((site, settings))
}

/// The page (admins only: the section is not offered to agents, and the server refuses them).
/// It has no props: it finds the site itself.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let load = LocalResource::new(load_site);
    view! {
        <main class="page settings" aria-labelledby="settings-title">
            <h1 id="settings-title">"Settings"</h1>
            // A transition, not a suspense: the sections load more (the team, the connections)
            // and read them again after changes; only the first load shows "Loading…", and
            // the form stays while they reload.
            <Transition fallback=|| view! { <p class="loading" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match load.await {
                        Ok((site, settings)) => view! { <SiteSettings site settings /> }.into_any(),
                        Err(why) => view! { <p class="error" role="alert">{why}</p> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

/// The sections in the order the page shows them: (id, title).
const CONTENTS: [(&str, &str); 14] = [
    ("set-branding", "Branding and greeting"),
    ("set-availability", "Availability"),
    ("set-consent", "Consent"),
    ("set-languages", "Languages"),
    ("set-attachments", "Attachments"),
    ("set-routing", "Routing"),
    ("set-email", "E-mail"),
    ("set-ask-email", "Asking for e-mail"),
    ("set-targeting", "Where the widget shows"),
    ("set-identity", "Identity"),
    ("set-retention", "Retention"),
    ("set-install", "Install"),
    ("set-connections", "Messenger and WhatsApp"),
    ("set-webhooks", "Chatflow webhooks"),
];

/// The site's settings once loaded: the form, its Save, the install guide and connections.
///
/// - `site`: the site's id.
/// - `settings`: its settings as stored.
#[component]
fn SiteSettings(site: String, settings: ChatSettings) -> impl IntoView {
    let saved = RwSignal::new(settings.clone());
    let draft = Draft::new(settings);
    // Counted up to draw the sections again from the draft (after a save, or a discard).
    let drawn = RwSignal::new(0u32);
    // Counted up to load the preview again (after a save).
    let preview = RwSignal::new(0u32);
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<&'static str>);
    let changed = Memo::new(move |_| draft.read(|d| saved.with(|s| d != s)));
    // The members, for routing and the heading; none while loading (or if the load failed).
    let team = LocalResource::new(api::team);
    let members = Signal::derive(move || {
        team.with(|t| {
            t.as_ref()
                .and_then(|t| t.as_ref().ok())
                .map(|t| t.members.clone())
        })
        .unwrap_or_default()
    });
    let site = StoredValue::new(site);
    let save = Action::new_local(move |settings: &ChatSettings| {
        let settings = settings.clone();
        async move {
            let site = site.get_value();
            match api::put_site_settings(&site, &settings).await {
                Ok(stored) => {
                    saved.try_set(stored.clone());
                    draft.set(stored);
                    drawn.try_update(|n| *n += 1);
                    error.try_set(None);
                    status.try_set(Some("Saved. The form shows the settings as stored."));
                    // The widget reads its config through the browser's cache: refreshed
                    // first, the preview loaded next shows what was just saved.
                    let _ = api::widget_config(&site).await;
                    preview.try_update(|n| *n += 1);
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
        }
    });
    let busy = save.pending();
    let save = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        status.set(None);
        save.dispatch(draft.get());
    };
    let discard = move |_| {
        draft.set(saved.get_untracked());
        drawn.update(|n| *n += 1);
        error.set(None);
        status.set(Some("Changes discarded."));
    };
    // Keyed by the count, the sections are made anew (not patched in place, which would leave
    // fields showing what was typed rather than what was stored).
    let sections = {
        let site = site.get_value();
        view! {
            <For each=move || [drawn.get()] key=|n| *n let(_drawn)>
                <branding::Branding draft members />
                <availability::Availability draft />
                <consent::Consent draft />
                <languages::Languages draft />
                <attachments::Attachments draft />
                <routing::Routing draft members />
                <email::Email draft />
                <ask_email::AskEmail draft />
                <targeting::Targeting draft />
                <identity::Identity draft site=site.clone() />
                <retention::Retention draft />
            </For>
        }
    };
    view! {
        <nav class="settings-contents" aria-label="Settings sections">
            <ul>
                {CONTENTS.iter().map(|(id, title)| view! {
                    <li><a href=format!("#{id}")>{*title}</a></li>
                }).collect_view()}
            </ul>
        </nav>
        <form id="settings-form" class="settings-form" on:submit=save>
            {sections}
            <div class="settings-actions">
                <button id="settings-save" class="primary" type="submit" disabled=move || busy.get()>
                    "Save"
                </button>
                <button id="settings-discard" type="button"
                    disabled=move || busy.get() || !changed.get() on:click=discard>
                    "Discard changes"
                </button>
                <span class="settings-dirty" hidden=move || !changed.get()>"Unsaved changes"</span>
                <p id="settings-status" class="ok" role="status">{move || status.get()}</p>
                <p id="settings-error" class="error" role="alert">{move || error.get()}</p>
            </div>
        </form>
        {lazy(INSTALL, install_panel, (site.get_value(), preview))}
        <connections::Connections site=site.get_value() />
        <webhooks::Webhooks site=site.get_value() />
    }
}
