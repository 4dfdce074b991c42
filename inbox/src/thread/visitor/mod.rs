//! The thread's "Visitor" panel: what the team knows of a chat's visitor (name, e-mail and
//! owner, editable: an address makes the transcript go to them when the chat closes; "Create
//! contact" makes them a contact), where the chat started and in which browser, their earlier
//! conversations (each opens), and e-mailing the transcript by hand, with every e-mail sent
//! from the conversation and how it went (refreshed while one is still on its way).
//!
//! # Layout
//! - this file: the panel, what it loads and the requests it makes.
//! - [`details`]: the visitor's details, facts and earlier conversations.
//! - [`transcript`]: the transcript form and the e-mails.

mod details;
mod transcript;

use leptos::prelude::*;
use protocol::api::{
    AgentProfile, EmailRecord, EmailStatus, ReplyChannel, SendTranscript, VisitorDetails,
};
use protocol::{ConversationStatus, Seq};

use crate::api;
use details::DetailsForm;
use transcript::{EmailList, TranscriptForm};

/// How often the e-mails are read again while one is queued, in milliseconds.
const EMAILS_REFRESH_MS: u64 = 2_000;

/// The panel of one conversation.
///
/// - `id`: the conversation's id.
/// - `status`: the conversation's status, since closing it may send the transcript.
/// - `chat`: false on Messenger and WhatsApp, which have no website visitor (only e-mail
///   shows).
/// - `members`: the team, for the visitor's owner.
/// - `reach` and `last_agent` (the newest stored agent message): tell it when a reply went by
///   e-mail, to list it.
/// - `changed`: counts the details changing elsewhere (the visitor left their e-mail in the
///   chat, another agent saved them): each change reads them again.
#[component]
pub fn VisitorPanel(
    id: String,
    status: RwSignal<Option<ConversationStatus>>,
    chat: bool,
    members: RwSignal<Vec<AgentProfile>>,
    reach: RwSignal<Option<(bool, ReplyChannel)>>,
    last_agent: RwSignal<Option<(String, Seq)>>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let id = StoredValue::new(id);
    let details = RwSignal::new(None::<VisitorDetails>);
    let emails = RwSignal::new(Vec::<EmailRecord>::new());
    // The three forms' failures show in the panel's one error line.
    let error = RwSignal::new(None::<String>);

    // Actions, not resources: the forms below change what they load, and the e-mails are read
    // again on several occasions. A failed read keeps what shows.
    let load_emails = Action::new_local(move |()| async move {
        if let Ok(list) = api::emails(&id.get_value()).await {
            emails.try_set(list.emails);
        }
    });
    let load_emails = move || {
        load_emails.dispatch(());
    };
    let load_details = Action::new_local(move |()| async move {
        if let Ok(d) = api::visitor(&id.get_value()).await {
            details.try_set(Some(d));
        }
    });
    // Messenger and WhatsApp conversations have no visitor details: only e-mail shows.
    if chat {
        load_details.dispatch(());
        Effect::new(move |before: Option<u32>| {
            let now = changed.get();
            if before.is_some_and(|b| b != now) {
                load_details.dispatch(());
            }
            now
        });
    }
    load_emails();
    // A close may have queued the transcript: read the list again (the refresh below then
    // follows it until it is sent).
    Effect::new(move |before: Option<Option<ConversationStatus>>| {
        let now = status.get();
        if before.is_some_and(|b| b != now) && now == Some(ConversationStatus::Closed) {
            load_emails();
        }
        now
    });
    // A reply stored while replies go by e-mail was queued as one.
    Effect::new(move |before: Option<Option<Seq>>| {
        let now = last_agent.get().map(|(_, seq)| seq);
        let by_email = reach
            .get_untracked()
            .is_some_and(|(_, by)| by == ReplyChannel::Email);
        if before.is_some_and(|b| b != now) && by_email {
            load_emails();
        }
        now
    });
    let waiting = move || emails.with(|e| e.iter().any(|m| m.status == EmailStatus::Queued));
    if let Ok(interval) = set_interval_with_handle(
        move || {
            if waiting() {
                load_emails();
            }
        },
        std::time::Duration::from_millis(EMAILS_REFRESH_MS),
    ) {
        on_cleanup(move || interval.clear());
    }

    // Its value: whether the details were saved.
    let save = Action::new_local(move |new: &VisitorDetails| {
        let new = new.clone();
        async move {
            match api::set_visitor(&id.get_value(), &new).await {
                Ok(stored) => {
                    details.try_set(Some(stored));
                    error.try_set(None);
                    true
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                    false
                }
            }
        }
    });
    let make_contact = Action::new_local(move |()| async move {
        match api::make_contact(&id.get_value()).await {
            Ok(stored) => {
                details.try_set(Some(stored));
                error.try_set(None);
            }
            Err(e) => {
                error.try_set(Some(e.to_string()));
            }
        }
    });
    let send = Action::new_local(move |request: &SendTranscript| {
        let request = request.clone();
        async move {
            match api::send_transcript(&id.get_value(), &request).await {
                Ok(queued) => {
                    emails.try_update(|list| list.insert(0, queued));
                    error.try_set(None);
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
        }
    });
    let (saving, contacting, sending) = (save.pending(), make_contact.pending(), send.pending());
    let busy = Signal::derive(move || saving.get() || contacting.get() || sending.get());
    // "Saved." shows from a save that worked until the next one.
    let saved_answer = save.value();
    let saved = Signal::derive(move || !saving.get() && saved_answer.get() == Some(true));
    let save = Callback::new(move |new: VisitorDetails| {
        save.dispatch(new);
    });
    let make_contact = Callback::new(move |()| {
        make_contact.dispatch(());
    });
    let send = Callback::new(move |request: SendTranscript| {
        send.dispatch(request);
    });
    let summary = move || {
        details.with(|d| match d {
            Some(d) => match (&d.name, &d.email) {
                (Some(n), Some(e)) => format!("{n} · {e}"),
                (Some(n), None) => n.clone(),
                (None, Some(e)) => e.clone(),
                (None, None) => "Visitor details".to_owned(),
            },
            None => "E-mail".to_owned(),
        })
    };
    view! {
        <details id="visitor-panel" class="visitor-panel">
            <summary>{summary}</summary>
            <p class="error" role="alert">{move || error.get()}</p>
            {move || details.get().map(|d| view! {
                <DetailsForm d members busy saved save make_contact />
            })}
            <TranscriptForm details busy send />
            <EmailList emails />
        </details>
    }
}
