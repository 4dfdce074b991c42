//! The Deliveries page (admins): what the Worker's queues gave up on after every retry (dead
//! letters): an event from Messenger or WhatsApp not taken in, an e-mail or a reply not sent.
//! Each shows why, how often it failed and when, and can be sent back to its queue once the
//! cause is mended (a connection reconnected, the provider back). The bar's button says how
//! many wait.

use leptos::prelude::*;
use protocol::queues::DeadLetter;

use crate::{api, failure, last_ok, load_error};

/// What a queue carries, in words.
fn what(queue: &str) -> &'static str {
    match queue {
        "porchlight-inbound" => "A message from Messenger or WhatsApp",
        "porchlight-outbound" => "An e-mail",
        "porchlight-replies" => "A reply on Messenger or WhatsApp",
        _ => "A queued job",
    }
}

/// The Deliveries page.
///
/// - `count`: how many deliveries failed for good, as the bar's badge shows it; each load
///   here sets it.
#[component]
pub fn DeliveriesPage(count: RwSignal<u32>) -> impl IntoView {
    let status = RwSignal::new(None::<String>);
    let load = LocalResource::new(move || async move {
        let found = api::dead_letters().await.map_err(|e| e.to_string())?;
        count.try_set(found.count);
        Ok(found)
    });
    let list = last_ok(load);
    let retry = Action::new_local(move |letter: &DeadLetter| {
        let letter = letter.clone();
        async move {
            api::retry_dead_letter(&letter.id)
                .await
                .map_err(|e| e.to_string())?;
            status.try_set(Some(format!(
                "{} was sent back to its queue.",
                what(&letter.queue)
            )));
            load.refetch();
            Ok(())
        }
    });
    let retry_failed = failure(retry);
    let error = move || retry_failed.get().or_else(|| load_error(load));
    let retry = move |letter: DeadLetter| {
        retry.dispatch(letter);
    };
    view! {
        <main class="page deliveries" aria-labelledby="deliveries-title">
            <h1 id="deliveries-title">"Deliveries that failed"</h1>
            <p class="hint">
                "What could not be taken in or sent after every retry. Mend the cause (reconnect \
                 a channel, check the e-mail settings), then send it again."
            </p>
            <p class="error" role="alert">{error}</p>
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
