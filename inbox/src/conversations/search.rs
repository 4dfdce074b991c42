//! Searching the conversations: the search box, and a line saying what was found. A search goes
//! out a moment after typing stops, and only the answer to what is typed now counts.

use leptos::leptos_dom::helpers::TimeoutHandle;
use leptos::prelude::*;
use protocol::api::ConversationSummary;

use crate::api;

/// How long after the last keystroke a search goes out.
const SEARCH_DELAY: std::time::Duration = std::time::Duration::from_millis(250);

/// What was searched for and what was found; `None` while the box is empty.
pub type Found = Option<(String, Vec<ConversationSummary>)>;

/// The search box and its summary.
///
/// - `results`: set to what was found for what is typed (the list then shows it instead of a
///   view), back to `None` when the box is emptied.
/// - `error`: the list's error line; gets a failed search's reason.
#[component]
pub fn Search(results: RwSignal<Found>, error: RwSignal<Option<String>>) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let search = Action::new_local(move |q: &String| {
        let q = q.clone();
        async move {
            match api::search(&q).await {
                // Only the answer to what is typed now counts.
                Ok(list) if query.get_untracked() == q => {
                    results.try_set(Some((q, list.conversations)));
                }
                Ok(_) => {}
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
        }
    });
    let pending = StoredValue::new(None::<TimeoutHandle>);
    // A search still waiting to go out goes with the list (its action would be gone).
    on_cleanup(move || {
        if let Some(handle) = pending.try_get_value().flatten() {
            handle.clear();
        }
    });
    let typed = move |q: String| {
        query.set(q.clone());
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        if q.trim().is_empty() {
            results.set(None);
            return;
        }
        let go = move || {
            search.dispatch(q);
        };
        pending.set_value(set_timeout_with_handle(go, SEARCH_DELAY).ok());
    };
    let searching = move || results.with(Option::is_some);
    view! {
        <div class="search">
            <input id="search" type="search" placeholder="Search messages, names, e-mails"
                aria-label="Search conversations" maxlength="200" autocomplete="off"
                prop:value=move || query.get()
                on:input=move |e| typed(event_target_value(&e)) />
            <p id="search-summary" class="search-summary" role="status" hidden=move || !searching()>
                {move || results.with(|r| r.as_ref().map(|(q, rows)| match rows.len() {
                    0 => format!("Nothing found for “{q}”."),
                    1 => format!("1 conversation for “{q}”."),
                    n => format!("{n} conversations for “{q}”."),
                }))}
            </p>
        </div>
    }
}
