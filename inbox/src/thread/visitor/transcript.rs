//! E-mailing the transcript by hand, and every e-mail sent from the conversation with how it
//! went.

use leptos::html;
use leptos::prelude::*;
use protocol::api::{EmailKind, EmailRecord, EmailStatus, SendTranscript, VisitorDetails};

use crate::api;

/// The "E-mail the transcript to" form.
///
/// - `details`: the visitor's details, when known (their address fills the field).
/// - `busy`: whether one of the panel's requests is out (the button waits).
/// - `send`: sends the transcript as asked here.
#[component]
pub fn TranscriptForm(
    details: RwSignal<Option<VisitorDetails>>,
    busy: Signal<bool>,
    send: Callback<SendTranscript>,
) -> impl IntoView {
    let to = NodeRef::<html::Input>::new();
    let subject = NodeRef::<html::Input>::new();
    let send = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let (Some(to), Some(subject)) = (to.get(), subject.get()) else {
            return;
        };
        send.run(SendTranscript {
            to: to.value(),
            subject: Some(subject.value()).filter(|s| !s.trim().is_empty()),
        });
    };
    view! {
    <form class="transcript-form" on:submit=send>
        <label for="transcript-to">"E-mail the transcript to"</label>
        <input id="transcript-to" node_ref=to type="email" required autocomplete="off"
            value=move || details.with(|d| d.as_ref().and_then(|d| d.email.clone()).unwrap_or_default()) />
        <label for="transcript-subject">"Subject (optional)"</label>
        <input id="transcript-subject" node_ref=subject type="text" maxlength="200" autocomplete="off" />
        <button id="transcript-send" type="submit" disabled=move || busy.get()>"Send transcript"</button>
    </form>
    }
}

/// The e-mails sent from the conversation, newest first, each with what became of it.
///
/// - `emails`: the e-mails, as last read.
#[component]
pub fn EmailList(emails: RwSignal<Vec<EmailRecord>>) -> impl IntoView {
    view! {
    <ul class="emails" hidden=move || emails.with(Vec::is_empty)>
        <For each=move || emails.get()
            key=|e| (e.id.clone(), e.status == EmailStatus::Queued) let(e)>
            <li class="email" data-status=status_name(e.status)>
                {match e.kind {
                    EmailKind::Transcript => format!("Transcript to {} — ", e.to),
                    EmailKind::Assignment => format!("Assignment notice to {} — ", e.to),
                    EmailKind::Invitation => format!("Invitation to {} — ", e.to),
                    EmailKind::Reply => format!("Reply by e-mail to {} — ", e.to),
                }}
                {match e.status {
                    EmailStatus::Queued => "sending…".to_owned(),
                    EmailStatus::Sent => format!("sent {}", e.sent_at.map(api::when).unwrap_or_default()),
                    EmailStatus::Failed => format!("not sent: {}", e.error.clone().unwrap_or_default()),
                }}
            </li>
        </For>
    </ul>
    }
}

/// An e-mail's status, for its `data-status`.
fn status_name(status: EmailStatus) -> &'static str {
    match status {
        EmailStatus::Queued => "queued",
        EmailStatus::Sent => "sent",
        EmailStatus::Failed => "failed",
    }
}
