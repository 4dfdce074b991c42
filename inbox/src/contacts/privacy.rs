//! The admins' privacy panel, below the contact properties: visitors' requests to be erased,
//! waiting for an admin (each erased or declined in [`super::erasure_request`]), and the latest
//! erasures, each as the accounts keep it: when, by whom, how much went, and whether it is done
//! or a part is being retried. Both lists load again after every answer, and when a contact
//! was erased from their page.

use leptos::html;
use leptos::prelude::*;
use protocol::api::{AgentProfile, Erasure};

use super::erasure_request::RequestRow;
use super::{member_name, moment};
use crate::{api, last_ok, load_error};

/// The panel (admins only: the page shows it to them alone, and the server refuses others).
///
/// - `members`: the team, for who erased.
/// - `open`: opens a contact's page, given its id.
/// - `gone`: takes the id of a contact erased here, for the directory to drop.
/// - `changes`: a count that goes up after each erasure or answer; both lists load again.
#[component]
pub fn Privacy(
    members: Signal<Vec<AgentProfile>>,
    open: Callback<String>,
    gone: Callback<String>,
    changes: RwSignal<u32>,
) -> impl IntoView {
    let requests = LocalResource::new(move || {
        changes.track();
        async {
            api::erasure_requests()
                .await
                .map(|l| l.requests)
                .map_err(|e| e.to_string())
        }
    });
    let erasures = LocalResource::new(move || {
        changes.track();
        async {
            api::erasures()
                .await
                .map(|l| l.erasures)
                .map_err(|e| e.to_string())
        }
    });
    let waiting = last_ok(requests);
    let done_list = last_ok(erasures);
    let status = RwSignal::new(None::<String>);
    let heading = NodeRef::<html::H3>::new();
    // An answer to a request: what it did, and the contact erased, if it was.
    let answered = Callback::new(move |(outcome, erased): (String, Option<String>)| {
        status.set(Some(outcome));
        if let Some(id) = erased {
            gone.run(id);
        }
        changes.update(|n| *n += 1);
        // The row answered goes; the focus goes to the list's heading rather than be lost.
        request_animation_frame(move || {
            if let Some(h) = heading.get_untracked() {
                let _ = h.focus();
            }
        });
    });
    let no_requests = move || waiting.with(|w| w.as_ref().is_none_or(Vec::is_empty));
    let no_erasures = move || done_list.with(|d| d.as_ref().is_none_or(Vec::is_empty));
    view! {
        <section class="privacy" aria-labelledby="privacy-title">
            <h2 id="privacy-title">"Privacy"</h2>
            <p>"Erasing a contact deletes everything stored of them, on every channel. Open a contact to erase them, or answer a visitor who asked."</p>
            <button id="privacy-refresh" type="button" on:click=move |_| changes.update(|n| *n += 1)>
                "Refresh"
            </button>
            <p id="privacy-status" class="ok" role="status">{move || status.get()}</p>
            <section id="erasure-requests" aria-labelledby="erasure-requests-title">
                <h3 id="erasure-requests-title" node_ref=heading tabindex="-1">"Erasure requests"</h3>
                <p class="error" role="alert">{move || load_error(requests)}</p>
                <p class="empty" hidden=move || !no_requests() || waiting.with(Option::is_none)>
                    "No requests waiting: visitors can ask from the chat to be erased."
                </p>
                <ul class="contact-list erasure-requests" hidden=no_requests>
                    <For each=move || waiting.get().unwrap_or_default() key=|r| r.id.clone() let(request)>
                        <RequestRow request open answered />
                    </For>
                </ul>
            </section>
            <section id="erasures" aria-labelledby="erasures-title">
                <h3 id="erasures-title">"Erasures"</h3>
                <p class="error" role="alert">{move || load_error(erasures)}</p>
                <p class="empty" hidden=move || !no_erasures() || done_list.with(Option::is_none)>
                    "No erasures yet."
                </p>
                <table id="erasures-table" class="report-table" hidden=no_erasures>
                    <caption>"The latest first. A record names nobody: only when, by whom, and how much went."</caption>
                    <thead><tr>
                        <th scope="col">"When"</th>
                        <th scope="col">"By"</th>
                        <th scope="col">"Conversations"</th>
                        <th scope="col">"Files"</th>
                        <th scope="col">"State"</th>
                    </tr></thead>
                    <tbody>
                        <For each=move || done_list.get().unwrap_or_default()
                            key=|e| (e.id.clone(), e.completed_at, e.last_error.clone())
                            let(erasure)>
                            <ErasureRow erasure members />
                        </For>
                    </tbody>
                </table>
            </section>
        </section>
    }
}

/// One erasure: when, by whom, how many conversations and files went, and its state ("done"
/// with when it finished, or "retrying" with why the last attempt stopped short).
///
/// - `erasure`: as listed.
/// - `members`: the team, for who erased.
#[component]
fn ErasureRow(erasure: Erasure, members: Signal<Vec<AgentProfile>>) -> impl IntoView {
    let by = erasure.requested_by.clone();
    let by = move || match by.as_deref() {
        Some(member) => members.with(|m| member_name(m, member)),
        None => "A former member".to_owned(),
    };
    let state = match erasure.completed_at {
        Some(at) => view! {
            <span class="badge-done">"done"</span>" "{moment(at)}
        }
        .into_any(),
        None => view! {
            <span class="badge-retrying">"retrying"</span>" "
            {erasure.last_error.clone().unwrap_or_default()}
        }
        .into_any(),
    };
    view! {
        <tr class="erasure-row" data-id=erasure.id.clone()
            data-state=if erasure.completed_at.is_some() { "done" } else { "retrying" }>
            <td>{moment(erasure.requested_at)}</td>
            <td>{by}</td>
            <td>{erasure.conversations}</td>
            <td>{erasure.files}</td>
            <td>{state}</td>
        </tr>
    }
}
