//! The merges into a contact that can still be undone, on its page: who was merged in, when and
//! by whom (a member, or Porchlight when a verified address or number matched), each with an
//! Undo until its 30 days are over. An undo answers with the contact's page as it is after, so
//! the list shrinks by the merge undone; a refusal (too old, undone already, or a later merge
//! to undo first) shows below the list and changes nothing.

use leptos::prelude::*;
use protocol::api::{AgentProfile, ContactMerge, ContactPage};
use protocol::Millis;

use super::{day, member_name};
use crate::{api, failure};

/// The "Merged into this contact" section; nothing when `merges` is empty.
///
/// - `merges`: as the contact's page lists them, newest first.
/// - `members`: the team, for who merged.
/// - `undone`: takes the contact's page as it is after an undo.
#[component]
pub fn Merges(
    merges: Vec<ContactMerge>,
    members: Signal<Vec<AgentProfile>>,
    undone: Callback<ContactPage>,
) -> impl IntoView {
    let undo = Action::new_local(move |merge: &String| {
        let merge = merge.clone();
        async move {
            let page = api::undo_merge(&merge).await.map_err(|e| e.to_string())?;
            undone.run(page);
            Ok(())
        }
    });
    let busy = undo.pending();
    let refused = failure(undo);
    (!merges.is_empty()).then(|| {
        // Read once: a page left open past a merge's last day still offers it, and the server's
        // refusal then says why.
        let now = js_sys::Date::now() as Millis;
        view! {
            <section id="contact-merges" aria-labelledby="contact-merges-title">
                <h2 id="contact-merges-title">"Merged into this contact"</h2>
                <ul class="contact-list">
                    {merges.into_iter().map(|m| view! { <Row merge=m members now busy undo /> }).collect_view()}
                </ul>
                <p id="merge-undo-error" class="error" role="alert">{refused}</p>
            </section>
        }
    })
}

/// One merge: "{who} — merged {day} by {whom}", and its Undo.
///
/// - `merge`: the merge.
/// - `members`: the team, for who merged.
/// - `now`: when the list was drawn, for whether it can still be undone.
/// - `busy`: whether an undo is under way (every Undo waits for it).
/// - `undo`: undoes a merge, given its id.
#[component]
fn Row(
    merge: ContactMerge,
    members: Signal<Vec<AgentProfile>>,
    now: Millis,
    busy: Memo<bool>,
    undo: Action<String, Result<(), String>>,
) -> impl IntoView {
    let who = merge
        .from_name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| merge.from_id.clone());
    let by = merge.merged_by.clone();
    let by = move || match by.as_deref() {
        Some(member) => members.with(|m| member_name(m, member)),
        None => "Porchlight (same verified address or number)".to_owned(),
    };
    let open = now <= merge.undo_until;
    let until = if open {
        format!("Can be undone until {}.", day(merge.undo_until))
    } else {
        "Can no longer be undone.".to_owned()
    };
    let hint = format!("merge-until-{}", merge.id);
    // Each row's button says whose merge it undoes; the name starts with what it shows.
    let label = format!("Undo merging {who}");
    let id = merge.id.clone();
    view! {
        <li class="contact-merge-row" data-id=merge.id.clone()>
            <span class="contact-preview">
                {who}" — merged "{day(merge.merged_at)}" by "{by}
            </span>
            <span id=hint.clone() class="contact-meta">{until}</span>
            <button type="button" class="merge-undo" aria-label=label aria-describedby=hint
                disabled=move || !open || busy.get()
                on:click=move |_| {
                    undo.dispatch(id.clone());
                }>
                "Undo"
            </button>
        </li>
    }
}
