//! The directory: a search box (the search goes out a moment after typing stops, or at once on
//! Enter), the owner, channel, last-seen and open-conversation filters, and the table of
//! contacts, most recently seen first, a page at a time ("Load more"). Only the answer to the
//! filters as they are now counts: a slower answer to an earlier search is dropped.

use leptos::leptos_dom::helpers::TimeoutHandle;
use leptos::prelude::*;
use protocol::api::{AgentProfile, ContactQuery, ContactSummary};
use protocol::{Channel, Millis};

use super::{display_name, member_name};
use crate::api::{self, channel_value};
use crate::ui::{channel_label, CHANNELS};
use crate::{id_options, member_options};

/// How long after the last keystroke a search goes out.
pub(super) const SEARCH_DELAY: std::time::Duration = std::time::Duration::from_millis(250);

const DAY_MS: Millis = 24 * 60 * 60 * 1000;

/// What the directory is narrowed to, each as its control holds it (`""`: any).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Criteria {
    q: String,
    /// A member's id, or `none`.
    owner: String,
    /// A channel's wire name.
    channel: String,
    /// Seen within this many days.
    days: String,
    /// `true` or `false`.
    open: String,
}

impl Criteria {
    /// The query for the page after `after` (the first page without), "seen since" counted
    /// back from `now`.
    fn query(&self, now: Millis, after: Option<String>) -> ContactQuery {
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        ContactQuery {
            site: None,
            q: some(&self.q),
            owner: some(&self.owner),
            channel: CHANNELS
                .iter()
                .map(|(c, _)| *c)
                .find(|c| channel_value(*c) == self.channel),
            seen_since: self.days.parse::<i64>().ok().map(|d| now - d * DAY_MS),
            open: match self.open.as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            after,
        }
    }

    /// Whether anything narrows the directory (for what an empty answer says).
    fn narrowed(&self) -> bool {
        *self != Self::default()
    }
}

/// The directory's controls and table.
///
/// - `rows`: the contacts loaded so far (shared with the page, which updates a saved one).
/// - `members`: the team, for the owner filter and column.
/// - `open`: opens a contact's page, given its id.
/// - `reloads`: a count that loads the first page again each time it goes up.
#[component]
pub fn ContactList(
    rows: RwSignal<Vec<ContactSummary>>,
    members: Signal<Vec<AgentProfile>>,
    open: Callback<String>,
    reloads: RwSignal<u32>,
) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let channel = RwSignal::new(String::new());
    let days = RwSignal::new(String::new());
    let open_filter = RwSignal::new(String::new());
    let criteria = Memo::new(move |_| Criteria {
        q: q.get(),
        owner: owner.get(),
        channel: channel.get(),
        days: days.get(),
        open: open_filter.get(),
    });
    let next = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let loaded = RwSignal::new(false);
    // The page last asked for (`None`: the first), for "Try again".
    let asked = StoredValue::new(None::<String>);
    // An action, not a resource: "Load more" adds to the rows, and a saved edit changes one.
    let load = Action::new_local(move |(wanted, after): &(Criteria, Option<String>)| {
        let (wanted, after) = (wanted.clone(), after.clone());
        asked.set_value(after.clone());
        async move {
            let query = wanted.query(js_sys::Date::now() as Millis, after.clone());
            let answer = api::contacts(&query).await;
            if criteria.try_get_untracked().as_ref() != Some(&wanted) {
                return;
            }
            match answer {
                Ok(list) => {
                    if after.is_some() {
                        rows.try_update(|r| r.extend(list.contacts));
                    } else {
                        rows.try_set(list.contacts);
                    }
                    next.try_set(list.next);
                    error.try_set(None);
                    loaded.try_set(true);
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
        }
    });
    Effect::watch(
        move || (criteria.get(), reloads.get()),
        move |(wanted, _), _, _| {
            load.dispatch((wanted.clone(), None));
        },
        true,
    );
    let busy = load.pending();
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let stop_timer = move || {
        if let Some(handle) = pending.try_get_value().flatten() {
            handle.clear();
        }
    };
    // A search still waiting to go out goes with the page.
    on_cleanup(stop_timer);
    let on_input = move |e: leptos::ev::Event| {
        let text = event_target_value(&e);
        typed.set(text.clone());
        stop_timer();
        let go = move || q.set(text.trim().to_owned());
        pending.set_value(set_timeout_with_handle(go, SEARCH_DELAY).ok());
    };
    // Enter searches at once.
    let on_submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        stop_timer();
        q.set(typed.get_untracked().trim().to_owned());
    };
    let retry = move |_| {
        load.dispatch((criteria.get_untracked(), asked.get_value()));
    };
    let more = move |_| {
        if let Some(after) = next.get_untracked() {
            load.dispatch((criteria.get_untracked(), Some(after)));
        }
    };
    let owner_options = move || id_options(member_options(members), Some(&owner.get()));
    let empty = move || {
        (loaded.get() && !busy.get() && rows.with(Vec::is_empty)).then(|| {
            if criteria.with(Criteria::narrowed) {
                "No contacts match."
            } else {
                "No contacts yet: people appear here once they have written on a channel."
            }
        })
    };
    view! {
        <form class="contacts-filters" role="search" aria-label="Contacts" on:submit=on_submit>
            <label for="contacts-search">"Search"</label>
            <input id="contacts-search" type="search" maxlength="200" autocomplete="off"
                placeholder="Name, e-mail, phone or property"
                prop:value=move || typed.get() on:input=on_input />
            <label for="contacts-owner">"Owner"</label>
            <select id="contacts-owner" on:change=move |e| owner.set(event_target_value(&e))>
                <option value="">"Anyone"</option>
                <option value="none">"No owner"</option>
                {owner_options}
            </select>
            <label for="contacts-channel">"Channel"</label>
            <select id="contacts-channel" on:change=move |e| channel.set(event_target_value(&e))>
                <option value="">"Any channel"</option>
                {CHANNELS.map(|(c, label)| view! { <option value=channel_value(c)>{label}</option> })}
            </select>
            <label for="contacts-seen">"Last seen"</label>
            <select id="contacts-seen" on:change=move |e| days.set(event_target_value(&e))>
                <option value="">"Any time"</option>
                <option value="1">"In the last 24 hours"</option>
                <option value="7">"In the last 7 days"</option>
                <option value="30">"In the last 30 days"</option>
            </select>
            <label for="contacts-open">"Open conversation"</label>
            <select id="contacts-open" on:change=move |e| open_filter.set(event_target_value(&e))>
                <option value="">"Any"</option>
                <option value="true">"Yes"</option>
                <option value="false">"No"</option>
            </select>
        </form>
        <p class="loading-line" role="status">{move || busy.get().then_some("Loading…")}</p>
        <p class="error" role="alert">{move || error.get()}</p>
        <button id="contacts-retry" type="button" hidden=move || error.with(Option::is_none)
            disabled=move || busy.get() on:click=retry>
            "Try again"
        </button>
        <p id="contacts-empty" class="empty" role="status">{empty}</p>
        <table id="contacts-table" class="report-table contacts-table" hidden=move || rows.with(Vec::is_empty)>
            <thead><tr>
                <th scope="col">"Name"</th>
                <th scope="col">"E-mail"</th>
                <th scope="col">"Phone"</th>
                <th scope="col">"Channels"</th>
                <th scope="col">"Owner"</th>
                <th scope="col">"Last seen"</th>
                <th scope="col">"Open"</th>
            </tr></thead>
            <tbody>
                <For each=move || rows.get() key=|c| (c.id.clone(), c.name.clone(), c.email.clone(), c.phone.clone(), c.owner_id.clone()) let(contact)>
                    <Row contact members open />
                </For>
            </tbody>
        </table>
        <button id="contacts-more" type="button" hidden=move || next.with(Option::is_none)
            disabled=move || busy.get() on:click=more>
            "Load more"
        </button>
    }
}

/// One contact in the table; a click anywhere on it (or Enter on its name) opens their page.
///
/// - `contact`: the row.
/// - `members`: the team, for the owner's name.
/// - `open`: opens the contact's page.
#[component]
fn Row(
    contact: ContactSummary,
    members: Signal<Vec<AgentProfile>>,
    open: Callback<String>,
) -> impl IntoView {
    let id = contact.id.clone();
    let owner = contact.owner_id.clone();
    let owner = move || {
        owner
            .as_deref()
            .map(|o| members.with(|m| member_name(m, o)))
            .unwrap_or_default()
    };
    let channels = contact
        .channels
        .iter()
        .map(|c: &Channel| channel_label(*c))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <tr class="contact-row" data-id=contact.id.clone() on:click=move |_| open.run(id.clone())>
            <th scope="row">
                <button type="button" class="contact-open">{display_name(&contact)}</button>
            </th>
            <td>{contact.email.clone()}</td>
            <td>{contact.phone.clone()}</td>
            <td>{channels}</td>
            <td>{owner}</td>
            <td>{contact.last_seen_at.map_or_else(|| "—".to_owned(), api::when)}</td>
            <td>{contact.open.then(|| view! { <span class="badge-open">"Open"</span> })}</td>
        </tr>
    }
}
