//! One visitor's request to be erased, in the admins' privacy panel ([`super::privacy`]): who
//! (a button to their page), when they asked, the conversation they asked from (opening in the
//! inbox), and the admin's answer. "Erase" asks once more, saying what goes, since nothing
//! brings the contact back; "Decline" keeps the contact (the server records who declined).

use leptos::html;
use leptos::prelude::*;
use protocol::api::ErasureRequest;

use super::{erasure_outcome, moment};
use crate::{api, failure, ShowConversation};

/// An admin's answer to a request.
#[derive(Clone, Copy)]
enum Answer {
    Erase,
    Decline,
}

/// One request.
///
/// - `request`: as listed.
/// - `open`: opens the contact's page, given its id.
/// - `answered`: takes what the answer did, in words, and the contact's id if they were
///   erased.
#[component]
pub fn RequestRow(
    request: ErasureRequest,
    open: Callback<String>,
    answered: Callback<(String, Option<String>)>,
) -> impl IntoView {
    let show = use_context::<ShowConversation>();
    let id = StoredValue::new(request.id.clone());
    let contact = request.contact_id.clone();
    let confirming = RwSignal::new(false);
    let act = Action::new_local(move |answer: &Answer| {
        let answer = *answer;
        let contact = contact.clone();
        async move {
            let id = id.get_value();
            let outcome = match answer {
                Answer::Erase => api::confirm_erasure(&id)
                    .await
                    .map(|e| (erasure_outcome(&e), Some(contact))),
                Answer::Decline => api::decline_erasure(&id)
                    .await
                    .map(|()| ("Declined: the contact stays.".to_owned(), None)),
            };
            answered.run(outcome.map_err(|e| e.to_string())?);
            Ok(())
        }
    });
    let busy = act.pending();
    let refused = failure(act);
    let name = request
        .contact_name
        .clone()
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "Unknown visitor".to_owned());
    let erase_button = NodeRef::<html::Button>::new();
    let final_button = NodeRef::<html::Button>::new();
    // The focus follows the step: to "Erase for good" when it shows, back to "Erase" if kept.
    let step = move |asking: bool| {
        confirming.set(asking);
        request_animation_frame(move || {
            let button = if asking { final_button } else { erase_button };
            if let Some(b) = button.get_untracked() {
                let _ = b.focus();
            }
        });
    };
    let contact = request.contact_id.clone();
    let conversation = request.conversation_id.clone();
    let asked = format!("erasure-asked-{}", request.id);
    view! {
        <li class="erasure-request" data-id=request.id.clone() data-contact=request.contact_id.clone()>
            <div class="erasure-who">
                <button type="button" class="contact-open erasure-contact"
                    aria-describedby=asked.clone() on:click=move |_| open.run(contact.clone())>
                    {name.clone()}
                </button>
                <span id=asked class="contact-meta">"Asked "{moment(request.requested_at)}</span>
                <button type="button" class="contact-open erasure-conversation" on:click=move |_| {
                    if let Some(ShowConversation(show)) = show {
                        show.run(conversation.clone());
                    }
                }>
                    "The conversation they asked from"
                </button>
            </div>
            <div class="erasure-actions" hidden=move || confirming.get()>
                <button type="button" class="erasure-confirm danger" node_ref=erase_button
                    aria-label=format!("Erase {name}") disabled=move || busy.get()
                    on:click=move |_| step(true)>
                    "Erase"
                </button>
                <button type="button" class="erasure-decline" aria-label=format!("Decline {name}'s request")
                    disabled=move || busy.get() on:click=move |_| {
                        act.dispatch(Answer::Decline);
                    }>
                    "Decline"
                </button>
            </div>
            <div class="erasure-confirm-step" role="group" aria-label="Confirm erasing"
                hidden=move || !confirming.get()>
                <p>
                    {format!("Erase {name}? Every conversation with them, on every channel, with its messages and files, their properties, their consent records and the visitor's access go. ")}
                    <strong>"It cannot be undone."</strong>
                </p>
                <button type="button" class="erasure-confirm-final danger" node_ref=final_button
                    disabled=move || busy.get() on:click=move |_| {
                        act.dispatch(Answer::Erase);
                    }>
                    {move || if busy.get() { "Erasing…" } else { "Erase for good" }}
                </button>
                <button type="button" class="erasure-confirm-cancel" disabled=move || busy.get()
                    on:click=move |_| step(false)>
                    "Keep"
                </button>
            </div>
            <p class="error" role="alert">{move || refused.get()}</p>
        </li>
    }
}
