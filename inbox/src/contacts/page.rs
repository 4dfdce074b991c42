//! One contact's page: the heading with their name, their details (e-mail, marked when the
//! site verified it, phone, owner, since when), the site's properties with their values, then
//! their conversations, consent records and files ([`super::history`]). "Edit" swaps the
//! details for the form ([`super::edit`]); what it saves is what the page shows next. "Merge
//! with another contact…" opens the merge panel ([`super::merge`]), the merges that can still
//! be undone are listed ([`super::merges`]), and admins get a link to the contact's export and
//! "Erase…", which opens the erase panel ([`super::erase`]). Both panels are modules of their
//! own, loaded when first opened ([`super::parts`]).

use leptos::html;
use leptos::prelude::*;
use protocol::api::{AgentProfile, ContactPage, ContactSummary, Erasure};

use super::edit::EditForm;
use super::history::{Consents, Conversations, Files};
use super::merges::Merges;
use super::parts::{contact_merge, erase_panel, Erasing, Merging, ERASE, MERGE};
use super::{day, display_name, member_name, shown};
use crate::api;
use crate::lazy::lazy;

/// One contact's page.
///
/// - `id`: the contact's id.
/// - `is_admin`: whether the reader is an admin (who may export and erase the contact).
/// - `members`: the team, for the owner's name and the edit form.
/// - `back`: returns to the directory.
/// - `saved`: the contact as stored after an edit or a merge, for the directory's row.
/// - `gone`: the id of a contact merged into this one, for the directory to drop.
/// - `restored`: a merge was undone (the directory reloads: the other contact is back).
/// - `erased`: the contact's id and the server's answer once an admin erased them (the page
///   returns to the directory, which says how it went).
#[component]
pub fn ContactView(
    id: String,
    is_admin: bool,
    members: Signal<Vec<AgentProfile>>,
    back: Callback<()>,
    saved: Callback<ContactSummary>,
    gone: Callback<String>,
    restored: Callback<()>,
    erased: Callback<(String, Erasure)>,
) -> impl IntoView {
    let page = RwSignal::new(None::<ContactPage>);
    let error = RwSignal::new(None::<String>);
    let editing = RwSignal::new(false);
    let merging = RwSignal::new(false);
    let erasing = RwSignal::new(false);
    let status = RwSignal::new(None::<&'static str>);
    // An action, not a resource: a save replaces the page with the server's answer.
    let load = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            match api::contact(&id).await {
                Ok(p) => {
                    page.try_set(Some(p));
                    error.try_set(None);
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
        }
    });
    load.dispatch(id.clone());
    let retry = {
        let id = id.clone();
        move |_| {
            load.dispatch(id.clone());
        }
    };
    let stored = Callback::new(move |p: ContactPage| {
        saved.run(p.contact.clone());
        page.set(Some(p));
        editing.set(false);
        status.set(Some("Saved."));
    });
    let cancel = Callback::new(move |()| editing.set(false));
    let merge_button = NodeRef::<html::Button>::new();
    let close_merge = Callback::new(move |()| {
        merging.set(false);
        // Back to the button that opened the panel.
        request_animation_frame(move || {
            if let Some(b) = merge_button.get_untracked() {
                let _ = b.focus();
            }
        });
    });
    // The page as merged replaces this one; its heading takes the focus, as when it opened.
    let merged = Callback::new(move |(p, from): (ContactPage, String)| {
        saved.run(p.contact.clone());
        gone.run(from);
        merging.set(false);
        page.set(Some(p));
        status.set(Some("Merged."));
    });
    let undone = Callback::new(move |p: ContactPage| {
        saved.run(p.contact.clone());
        restored.run(());
        page.set(Some(p));
        status.set(Some("Merge undone."));
    });
    let erase_button = NodeRef::<html::Button>::new();
    let close_erase = Callback::new(move |()| {
        erasing.set(false);
        request_animation_frame(move || {
            if let Some(b) = erase_button.get_untracked() {
                let _ = b.focus();
            }
        });
    });
    let gone_for_good = {
        let id = id.clone();
        Callback::new(move |erasure: Erasure| erased.run((id.clone(), erasure)))
    };
    let heading = NodeRef::<html::H1>::new();
    // The heading takes the focus once the page shows, so a screen reader starts there.
    Effect::new(move |_| {
        if let (Some(h), true) = (heading.get(), page.with(Option::is_some)) {
            let _ = h.focus();
        }
    });
    view! {
        <section id="contact-page" class="contact-page" aria-labelledby="contact-title">
            <button id="contact-back" type="button" class="back-link" on:click=move |_| back.run(())>
                "← All contacts"
            </button>
            <p class="loading" role="status" hidden=move || page.with(Option::is_some) || error.with(Option::is_some)>
                "Loading…"
            </p>
            <p class="error" role="alert">{move || error.get()}</p>
            <button id="contact-retry" type="button" hidden=move || error.with(Option::is_none)
                on:click=retry>
                "Try again"
            </button>
            <p id="contact-status" class="ok" role="status">{move || status.get()}</p>
            {move || page.get().map(|p| {
                let editable = p.clone();
                let mergeable = p.clone();
                let erasable = p.contact.clone();
                let export = is_admin.then(|| api::export_url(&p.contact.id));
                view! {
                    <div class="contact-head">
                        <h1 id="contact-title" node_ref=heading tabindex="-1">{display_name(&p.contact)}</h1>
                        <button id="contact-edit" type="button"
                            hidden=move || editing.get() || merging.get() || erasing.get()
                            on:click=move |_| {
                                status.set(None);
                                editing.set(true);
                            }>
                            "Edit"
                        </button>
                        <button id="contact-merge" type="button" node_ref=merge_button
                            hidden=move || editing.get() || erasing.get()
                            aria-expanded=move || merging.get().to_string()
                            aria-controls=move || merging.get().then_some("contact-merge-panel")
                            on:click=move |_| {
                                if merging.get_untracked() {
                                    close_merge.run(());
                                } else {
                                    status.set(None);
                                    merging.set(true);
                                }
                            }>
                            "Merge with another contact…"
                        </button>
                        {export.map(|href| view! {
                            <a id="contact-export" class="button-link" href=href download="">"Export (zip)"</a>
                        })}
                        {is_admin.then(|| view! {
                            <button id="contact-erase" type="button" class="danger" node_ref=erase_button
                                hidden=move || editing.get() || merging.get()
                                aria-expanded=move || erasing.get().to_string()
                                aria-controls=move || erasing.get().then_some("contact-erase-panel")
                                on:click=move |_| {
                                    if erasing.get_untracked() {
                                        close_erase.run(());
                                    } else {
                                        status.set(None);
                                        erasing.set(true);
                                    }
                                }>
                                "Erase…"
                            </button>
                        })}
                    </div>
                    {move || erasing.get().then(|| {
                        let panel = Erasing { contact: erasable.clone(), erased: gone_for_good, close: close_erase };
                        lazy(ERASE, erase_panel, panel)
                    })}
                    {move || merging.get().then(|| {
                        let panel = Merging { page: mergeable.clone(), members, merged, close: close_merge };
                        lazy(MERGE, contact_merge, panel)
                    })}
                    {move || if editing.get() {
                        view! { <EditForm page=editable.clone() members saved=stored cancel /> }.into_any()
                    } else {
                        view! { <Details page=editable.clone() members /> }.into_any()
                    }}
                    <Merges merges=p.merges.clone() members undone />
                    <Conversations conversations=p.conversations.clone() />
                    <Consents consents=p.consents.clone() meta=p.meta_consents.clone() />
                    <Files files=p.files.clone() />
                }
            })}
        </section>
    }
}

/// The contact's details and properties, as stored.
///
/// - `page`: the contact's page.
/// - `members`: the team, for the owner's name.
#[component]
fn Details(page: ContactPage, members: Signal<Vec<AgentProfile>>) -> impl IntoView {
    let c = page.contact.clone();
    let verified = page
        .verified_email
        .as_deref()
        .is_some_and(|v| Some(v) == c.email.as_deref());
    let owner = c.owner_id.clone();
    let owner = move || match owner.as_deref() {
        Some(o) => members.with(|m| member_name(m, o)),
        None => "Nobody".to_owned(),
    };
    let unset = || view! { <span class="unset">"—"</span> };
    view! {
        <dl id="contact-details" class="contact-details">
            <dt>"E-mail"</dt>
            <dd id="contact-email">
                {c.email.clone().map_or_else(|| unset().into_any(), |e| view! {
                    {e}
                    {verified.then(|| view! { " " <span class="badge-verified">"verified"</span> })}
                }.into_any())}
            </dd>
            <dt>"Phone"</dt>
            <dd id="contact-phone">{c.phone.clone().map_or_else(|| unset().into_any(), |p| p.into_any())}</dd>
            <dt>"Owner"</dt>
            <dd id="contact-owner">{owner}</dd>
            <dt>"Contact since"</dt>
            <dd>{day(page.created_at)}</dd>
        </dl>
        <section aria-labelledby="contact-props-title">
            <h2 id="contact-props-title">"Properties"</h2>
            <p class="empty" hidden=!page.properties.is_empty()>"The site has no contact properties."</p>
            <dl id="contact-properties" class="contact-details" hidden=page.properties.is_empty()>
                {page.properties.iter().map(|p| view! {
                    <dt>{p.property.label.clone()}</dt>
                    <dd data-key=p.property.key.clone()>{shown(p)}</dd>
                }).collect_view()}
            </dl>
        </section>
    }
}
