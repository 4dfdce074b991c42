//! The thread's "Visitor" panel: what the team knows of a chat's visitor (name, e-mail and
//! owner, editable: an address makes the transcript go to them when the chat closes; "Create
//! contact" makes them a contact), where the chat started and in which browser, their earlier
//! conversations (each opens), and e-mailing the transcript by hand, with every e-mail sent
//! from the conversation and how it went (refreshed while one is still on its way).

use leptos::html;
use leptos::prelude::*;
use protocol::api::{
    AgentProfile, EmailKind, EmailRecord, EmailStatus, ReplyChannel, SendTranscript, VisitorDetails,
};
use protocol::{ConversationStatus, Seq};

use crate::api;
use crate::OpenConversation;

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
#[component]
pub fn VisitorPanel(
    id: String,
    status: RwSignal<Option<ConversationStatus>>,
    chat: bool,
    members: RwSignal<Vec<AgentProfile>>,
    reach: RwSignal<Option<(bool, ReplyChannel)>>,
    last_agent: RwSignal<Option<(String, Seq)>>,
) -> impl IntoView {
    let open = use_context::<OpenConversation>();
    let id = StoredValue::new(id);
    let details = RwSignal::new(None::<VisitorDetails>);
    let emails = RwSignal::new(Vec::<EmailRecord>::new());
    // The three forms' failures show in the panel's one error line.
    let error = RwSignal::new(None::<String>);
    let name = NodeRef::<html::Input>::new();
    let email = NodeRef::<html::Input>::new();
    let owner = NodeRef::<html::Select>::new();
    let to = NodeRef::<html::Input>::new();
    let subject = NodeRef::<html::Input>::new();

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
    let saved = move || !saving.get() && saved_answer.get() == Some(true);
    let save = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let (Some(name), Some(email), Some(owner)) = (name.get(), email.get(), owner.get()) else {
            return;
        };
        save.dispatch(VisitorDetails {
            name: Some(name.value()),
            email: Some(email.value()),
            owner_id: Some(owner.value()).filter(|o| !o.is_empty()),
            ..VisitorDetails::default()
        });
    };
    let make_contact = move |_| {
        make_contact.dispatch(());
    };
    let send = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let (Some(to), Some(subject)) = (to.get(), subject.get()) else {
            return;
        };
        send.dispatch(SendTranscript {
            to: to.value(),
            subject: Some(subject.value()).filter(|s| !s.trim().is_empty()),
        });
    };
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
                <form class="visitor-form" on:submit=save>
                    <label for="visitor-name">"Name"</label>
                    <input id="visitor-name" node_ref=name type="text" autocomplete="off"
                        maxlength="80" value=d.name.clone().unwrap_or_default() />
                    <label for="visitor-email">"E-mail"</label>
                    <input id="visitor-email" node_ref=email type="email" autocomplete="off"
                        value=d.email.clone().unwrap_or_default() />
                    <label for="visitor-owner">"Owner"</label>
                    <select id="visitor-owner" node_ref=owner>
                        <option value="" selected=d.owner_id.is_none()>"Nobody"</option>
                        {
                            let current = d.owner_id.clone();
                            move || {
                                let all = members.get().into_iter().map(|m| (m.id, m.name)).collect();
                                crate::id_options(all, current.as_deref())
                            }
                        }
                    </select>
                    <button id="visitor-save" type="submit" disabled=move || busy.get()>"Save"</button>
                    <span class="ok" role="status">{move || saved().then_some("Saved.")}</span>
                </form>
                {if d.contact {
                    view! { <p id="visitor-contact" class="contact-badge">"Contact"</p> }.into_any()
                } else {
                    view! {
                        <button id="visitor-make-contact" type="button" disabled=move || busy.get()
                            on:click=make_contact>"Create contact"</button>
                    }
                    .into_any()
                }}
                <dl class="visitor-facts">
                    {d.verified_email.clone().map(|address| view! {
                        // Vouched for by the site's backend (identity verified): the same
                        // contact on every device, unlike the e-mail above, which agents edit.
                        <dt>"Signed in as"</dt>
                        <dd id="visitor-verified">{address}" ✓"</dd>
                    })}
                    {d.page_url.clone().map(|url| {
                        // The visitor's browser said where it was: a link only if it is a web one.
                        let href = domain::text::is_safe_href(&url).then(|| url.clone());
                        view! {
                            <dt>"Started on"</dt>
                            <dd>{match href {
                                Some(href) => view! {
                                    <a href=href target="_blank" rel="noopener noreferrer nofollow">{url}</a>
                                }
                                .into_any(),
                                None => url.into_any(),
                            }}</dd>
                        }
                    })}
                    {d.referrer.clone().map(|r| view! { <dt>"Came from"</dt><dd>{r}</dd> })}
                    {d.locale.clone().map(|l| view! { <dt>"Language"</dt><dd>{l}</dd> })}
                    {d.user_agent.clone().map(|ua| view! { <dt>"Browser"</dt><dd class="visitor-browser">{ua}</dd> })}
                </dl>
                {(!d.previous.is_empty()).then(|| view! {
                    <h3 class="previous-title">"Earlier conversations"</h3>
                    <ul id="visitor-previous" class="previous">
                        {d.previous.clone().into_iter().map(|p| {
                            let target = p.id.clone();
                            let label = if p.preview.is_empty() { "(no messages)".to_owned() } else { p.preview.clone() };
                            let state = match p.status {
                                ConversationStatus::Open => "open",
                                ConversationStatus::Closed => "closed",
                            };
                            view! {
                                <li data-id=p.id.clone()>
                                    <button type="button" class="previous-open" on:click=move |_| {
                                        if let Some(OpenConversation(selected)) = open {
                                            selected.set(Some(target.clone()));
                                        }
                                    }>
                                        <span class="previous-preview">{label}</span>
                                        <span class="previous-meta">{api::when(p.created_at)}" · "{state}</span>
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })}
            })}
            <form class="transcript-form" on:submit=send>
                <label for="transcript-to">"E-mail the transcript to"</label>
                <input id="transcript-to" node_ref=to type="email" required autocomplete="off"
                    value=move || details.with(|d| d.as_ref().and_then(|d| d.email.clone()).unwrap_or_default()) />
                <label for="transcript-subject">"Subject (optional)"</label>
                <input id="transcript-subject" node_ref=subject type="text" maxlength="200" autocomplete="off" />
                <button id="transcript-send" type="submit" disabled=move || busy.get()>"Send transcript"</button>
            </form>
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
        </details>
    }
}

fn status_name(status: EmailStatus) -> &'static str {
    match status {
        EmailStatus::Queued => "queued",
        EmailStatus::Sent => "sent",
        EmailStatus::Failed => "failed",
    }
}
