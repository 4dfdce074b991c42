//! Merging another contact into this one, from its page: a panel with a search of the same
//! site's directory (as the directory searches, a moment after typing stops), the candidates
//! (this contact left out), and for the one chosen the comparison ([`super::merge_compare`]),
//! read from its own page, that sends the merge. The panel's heading takes the focus when it
//! opens; Cancel or Escape closes it, and the page gives the focus back to its button.

use leptos::html;
use leptos::leptos_dom::helpers::TimeoutHandle;
use leptos::prelude::*;
use protocol::api::{AgentProfile, ContactPage, ContactQuery, ContactSummary};

use super::display_name;
use super::list::SEARCH_DELAY;
use super::merge_compare::Comparison;
use crate::api;

/// The merge panel.
///
/// - `page`: this contact's page, the one merged into.
/// - `members`: the team, for owners by name.
/// - `merged`: takes this contact's page as merged, and the id of the contact merged away.
/// - `close`: closes the panel without merging.
#[component]
pub fn MergePanel(
    page: ContactPage,
    members: Signal<Vec<AgentProfile>>,
    merged: Callback<(ContactPage, String)>,
    close: Callback<()>,
) -> impl IntoView {
    let me = StoredValue::new(page.contact.clone());
    let mine = StoredValue::new(page);
    let typed = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    // A resource: only the answer to the words as they are now shows (a slower answer to an
    // earlier search is dropped), and no words, no search.
    let found = LocalResource::new(move || {
        let q = q.get();
        let me = me.get_value();
        async move {
            if q.is_empty() {
                return Ok(Vec::new());
            }
            let query = ContactQuery {
                site: Some(me.site_id.clone()),
                q: Some(q),
                ..ContactQuery::default()
            };
            api::contacts(&query)
                .await
                .map(|list| {
                    list.contacts
                        .into_iter()
                        .filter(|c| c.id != me.id)
                        .collect::<Vec<_>>()
                })
                .map_err(|e| e.to_string())
        }
    });
    let chosen = RwSignal::new(None::<String>);
    // The chosen contact's own page, for its values beside this contact's.
    let other = LocalResource::new(move || {
        let id = chosen.get();
        async move {
            match id {
                Some(id) => api::contact(&id).await.map(Some).map_err(|e| e.to_string()),
                None => Ok(None),
            }
        }
    });
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let stop_timer = move || {
        if let Some(handle) = pending.try_get_value().flatten() {
            handle.clear();
        }
    };
    on_cleanup(stop_timer);
    let on_input = move |e: leptos::ev::Event| {
        let text = event_target_value(&e);
        typed.set(text.clone());
        stop_timer();
        let go = move || q.set(text.trim().to_owned());
        pending.set_value(set_timeout_with_handle(go, SEARCH_DELAY).ok());
    };
    let on_submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        stop_timer();
        q.set(typed.get_untracked().trim().to_owned());
    };
    let on_keydown = move |e: leptos::ev::KeyboardEvent| {
        if e.key() == "Escape" {
            e.prevent_default();
            close.run(());
        }
    };
    let heading = NodeRef::<html::H2>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    let candidates = move || {
        match found.get() {
        None => None,
        Some(Err(why)) => Some(view! { <p class="error" role="alert">{why}</p> }.into_any()),
        Some(Ok(list)) if list.is_empty() => (!q.with(String::is_empty)).then(|| {
            view! { <p id="merge-none" class="empty" role="status">"No other contact matches."</p> }
                .into_any()
        }),
        Some(Ok(list)) => Some(
            view! {
                <ul id="merge-candidates" class="contact-list">
                    {list.into_iter().map(|c| view! { <li><Candidate contact=c chosen /></li> }).collect_view()}
                </ul>
            }
            .into_any(),
        ),
    }
    };
    let comparison = move || {
        let wanted = chosen.get()?;
        Some(match other.get() {
            Some(Ok(Some(theirs))) if theirs.contact.id == wanted => view! {
                <Comparison mine=mine.get_value() theirs members merged />
            }
            .into_any(),
            Some(Err(why)) => view! { <p class="error" role="alert">{why}</p> }.into_any(),
            _ => view! { <p class="loading-line" role="status">"Loading…"</p> }.into_any(),
        })
    };
    view! {
        <section id="contact-merge-panel" class="merge-panel" aria-labelledby="merge-title"
            on:keydown=on_keydown>
            <h2 id="merge-title" node_ref=heading tabindex="-1">"Merge with another contact"</h2>
            <p>
                "Find the other record of this person. It is merged into "
                <strong>{display_name(&me.get_value())}</strong>", which stays."
            </p>
            <form class="merge-search" role="search" aria-label="Other contacts" on:submit=on_submit>
                <label for="merge-search">"Search"</label>
                <input id="merge-search" type="search" maxlength="200" autocomplete="off"
                    placeholder="Name, e-mail, phone or property"
                    prop:value=move || typed.get() on:input=on_input />
            </form>
            {candidates}
            {comparison}
            <div class="merge-actions">
                <button id="merge-cancel" type="button" on:click=move |_| close.run(())>"Cancel"</button>
            </div>
        </section>
    }
}

/// A contact to merge in: their name, e-mail and phone; pressed once chosen.
///
/// - `contact`: the candidate.
/// - `chosen`: the id of the one chosen.
#[component]
fn Candidate(contact: ContactSummary, chosen: RwSignal<Option<String>>) -> impl IntoView {
    let id = contact.id.clone();
    let pressed = {
        let id = id.clone();
        move || (chosen.with(|c| c.as_deref() == Some(id.as_str()))).to_string()
    };
    let details = [&contact.email, &contact.phone]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <button type="button" class="merge-candidate" data-id=contact.id.clone()
            aria-pressed=pressed on:click=move |_| {
                // Chosen again, it stays as it is: its comparison keeps the choices made.
                if chosen.with_untracked(|c| c.as_deref() != Some(id.as_str())) {
                    chosen.set(Some(id.clone()));
                }
            }>
            <span class="contact-preview">{display_name(&contact)}</span>
            <span class="contact-meta">{details}</span>
        </button>
    }
}
