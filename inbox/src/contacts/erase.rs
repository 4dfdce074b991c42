//! Erasing a contact, from their page (admins): a panel that says plainly what goes and what
//! stays, and asks the admin to type the contact's name (or e-mail, phone or id when they have
//! no name) before "Erase" can be pressed, since nothing brings the contact back. The panel's
//! heading takes the focus when it opens; Cancel or Escape closes it, and the page gives the
//! focus back to its button. What the server answers (done, or a part being retried) goes to
//! the page, which returns to the directory.

use leptos::html;
use leptos::prelude::*;
use protocol::api::{ContactSummary, Erasure};

use super::display_name;
use crate::{api, failure};

/// What the admin types to confirm: the contact's name, else their e-mail or phone, else their
/// id (what the page shows of them, and nothing made up such as "Unknown visitor").
pub fn confirm_word(contact: &ContactSummary) -> String {
    [&contact.name, &contact.email, &contact.phone]
        .into_iter()
        .flatten()
        .map(|s| s.trim())
        .find(|s| !s.is_empty())
        .unwrap_or(&contact.id)
        .to_owned()
}

/// Whether `typed` confirms `word`: the same, ignoring case and the spaces around it.
pub fn confirms(typed: &str, word: &str) -> bool {
    let typed = typed.trim();
    !typed.is_empty() && typed.to_lowercase() == word.trim().to_lowercase()
}

/// The erase panel.
///
/// - `contact`: the contact to erase.
/// - `erased`: takes the server's answer once the contact is gone.
/// - `close`: closes the panel without erasing.
#[component]
pub fn ErasePanel(
    contact: ContactSummary,
    erased: Callback<Erasure>,
    close: Callback<()>,
) -> impl IntoView {
    let word = confirm_word(&contact);
    let name = display_name(&contact);
    let id = StoredValue::new(contact.id.clone());
    let typed = RwSignal::new(String::new());
    let erase = Action::new_local(move |(): &()| async move {
        let erasure = api::erase_contact(&id.get_value())
            .await
            .map_err(|e| e.to_string())?;
        erased.run(erasure);
        Ok(())
    });
    let busy = erase.pending();
    let refused = failure(erase);
    let ready = {
        let word = word.clone();
        move || typed.with(|t| confirms(t, &word))
    };
    let submit = {
        let ready = ready.clone();
        move |e: leptos::ev::SubmitEvent| {
            e.prevent_default();
            if ready() && !busy.get_untracked() {
                erase.dispatch(());
            }
        }
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
    view! {
        <section id="contact-erase-panel" class="erase-panel" aria-labelledby="contact-erase-title"
            on:keydown=on_keydown>
            <h2 id="contact-erase-title" node_ref=heading tabindex="-1">{format!("Erase {name}")}</h2>
            <p>"Erasing deletes everything Porchlight holds of this person:"</p>
            <ul id="contact-erase-what">
                <li>"every conversation with them, on every channel, with its messages and files;"</li>
                <li>"their details and the values of the contact properties;"</li>
                <li>"their consent records;"</li>
                <li>"the visitor's access: an open chat of theirs stops working."</li>
            </ul>
            <p>
                <strong>"It cannot be undone."</strong>
                " All that stays is a record that an erasure happened, when and by whom; it names nobody."
            </p>
            <form class="erase-form" on:submit=submit>
                <label for="contact-erase-confirm-text">
                    "To confirm, type " <strong class="erase-word">{word.clone()}</strong>
                </label>
                <input id="contact-erase-confirm-text" type="text" autocomplete="off" spellcheck="false"
                    aria-describedby="contact-erase-error"
                    prop:value=move || typed.get() on:input=move |e| typed.set(event_target_value(&e)) />
                <div class="erase-actions">
                    <button id="contact-erase-confirm" type="submit" class="danger"
                        disabled=move || !ready() || busy.get()>
                        {move || if busy.get() { "Erasing…" } else { "Erase for good" }}
                    </button>
                    <button id="contact-erase-cancel" type="button" on:click=move |_| close.run(())>
                        "Cancel"
                    </button>
                </div>
                <p id="contact-erase-error" class="error" role="alert">{move || refused.get()}</p>
            </form>
        </section>
    }
}
