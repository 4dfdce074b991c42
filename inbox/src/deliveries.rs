//! The Deliveries page (admins): what the Worker's queues gave up on after every retry (dead
//! letters): an event from Messenger or WhatsApp not taken in, an e-mail or a reply not sent.
//! Each shows why, how often it failed and when, and can be sent back to its queue once the
//! cause is mended (a connection reconnected, the provider back). The bar's button says how
//! many wait.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::queues::{DeadLetter, DeadLetterList};

use crate::api;

/// What a queue carries, in words.
fn what(queue: &str) -> &'static str {
    match queue {
        "porchlight-inbound" => "A message from Messenger or WhatsApp",
        "porchlight-outbound" => "An e-mail",
        "porchlight-replies" => "A reply on Messenger or WhatsApp",
        _ => "A queued job",
    }
}

#[component]
pub fn DeliveriesPage(count: RwSignal<u32>) -> impl IntoView {
    let list = RwSignal::new(None::<DeadLetterList>);
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let load = move || {
        spawn_local(async move {
            match api::dead_letters().await {
                Ok(found) => {
                    count.try_set(found.count);
                    list.try_set(Some(found));
                    error.try_set(None);
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
        });
    };
    load();
    let retry = move |letter: DeadLetter| {
        spawn_local(async move {
            match api::retry_dead_letter(&letter.id).await {
                Ok(()) => {
                    status.try_set(Some(format!(
                        "{} was sent back to its queue.",
                        what(&letter.queue)
                    )));
                    load();
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
        });
    };
    view! {
        <main class="page deliveries" aria-labelledby="deliveries-title">
            <h1 id="deliveries-title">"Deliveries that failed"</h1>
            <p class="hint">
                "What could not be taken in or sent after every retry. Mend the cause (reconnect \
                 a channel, check the e-mail settings), then send it again."
            </p>
            <p class="error" role="alert">{move || error.get()}</p>
            <p class="status" role="status">{move || status.get()}</p>
            {move || list.get().map(|found| {
                let empty = found.dead_letters.is_empty();
                view! {
                    <p id="deliveries-count">
                        {match found.count {
                            0 => "Nothing failed.".to_owned(),
                            1 => "1 delivery failed.".to_owned(),
                            n => format!("{n} deliveries failed."),
                        }}
                    </p>
                    <table id="deliveries" class="report-table" hidden=empty>
                        <thead><tr>
                            <th scope="col">"What"</th>
                            <th scope="col">"Why"</th>
                            <th scope="col">"Failed"</th>
                            <th scope="col">"Given up"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr></thead>
                        <tbody>
                            {found.dead_letters.into_iter().map(|letter| {
                                let again = letter.clone();
                                let label = format!("Send again: {}", what(&letter.queue));
                                view! {
                                    <tr>
                                        <td>
                                            {what(&letter.queue)}
                                            <details>
                                                <summary>"Details"</summary>
                                                <pre class="dead-letter-body">{letter.body.clone()}</pre>
                                            </details>
                                        </td>
                                        <td>{letter.reason.clone()}</td>
                                        <td>{format!("{} times", letter.failures)}</td>
                                        <td>{api::when(letter.dead_at)}</td>
                                        <td>
                                            <button type="button" aria-label=label
                                                on:click=move |_| retry(again.clone())>
                                                "Send again"
                                            </button>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }
            })}
        </main>
    }
}
