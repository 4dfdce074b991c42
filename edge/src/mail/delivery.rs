//! Sending e-mails: the OUTBOUND queue's consumer, run by the job runner ([`crate::jobs`],
//! kind [`Emails`]). Each attempt is counted (`emails.attempts`; a redelivery of an e-mail no
//! longer queued has nothing to do), renders the e-mail from what it is about as that now
//! stands (`domain::email`) and posts it to the provider ([`super::provider`]) with its id as
//! `Idempotency-Key`, so a retry after a lost answer never sends it twice:
//! - a transcript: every message of its conversation;
//! - a reply by e-mail: the agent's reply, what the visitor last wrote, the reply's file as a
//!   signed link, and a reply address bringing the visitor's answer back to the conversation;
//! - an assignment notice: who assigned what, and a link to the inbox;
//! - an invitation: its link, unsealed only now, and forgotten once the e-mail is done with.
//!
//! A refusal fails the e-mail for good; no answer is retried with growing delays, at most
//! [`MAX_ATTEMPTS`] times. Each e-mail's status is what the thread shows.

use domain::email::assignment::{render_assignment, AssignmentNotice};
use domain::email::invitation::{render_invitation, InvitationNotice};
use domain::email::reply::{render_reply, ReplyEmail};
use domain::email::transcript::{self, Transcript};
use domain::email::{mailbox, Rendered};
use protocol::api::EmailKind;
use protocol::settings::ChatSettings;
use protocol::Millis;
use worker::{MessageBatch, Queue, Result};

use super::conversation::reply_email;
use super::provider::{Provider, ProviderError};
use super::{site_name, Job};
use crate::config::App;
use crate::contracts::conversation::ConversationStub;
use crate::error::ApiResult;
use crate::jobs::{self, Outcome, Take};
use crate::store;
use crate::store::mail::{Attempt, Overdue};

/// Attempts at one e-mail before it is failed.
pub const MAX_ATTEMPTS: i64 = 8;

/// The OUTBOUND queue's consumer.
pub async fn consume(batch: MessageBatch<String>, app: &App) -> Result<()> {
    jobs::consume::<Emails>(batch, app).await
}

/// Takes up e-mails stuck in `queued` (see [`jobs::sweep`]). How many were queued again, and
/// how many failed.
pub async fn sweep(app: &App, now: Millis) -> ApiResult<(usize, usize)> {
    jobs::sweep::<Emails>(app, now).await
}

/// E-mails as outbound jobs: `emails` rows while `queued`, and the OUTBOUND queue. No lease:
/// the provider's `Idempotency-Key` keeps two deliveries of one job from sending it twice.
pub struct Emails;

impl jobs::Kind for Emails {
    const NAME: &'static str = "e-mail";
    const MAX_ATTEMPTS: i64 = MAX_ATTEMPTS;
    type Message = Job;
    type Taken = Attempt;
    type Overdue = Overdue;

    fn queue(app: &App) -> Result<Queue> {
        app.outbound()
    }

    fn message(id: String) -> Job {
        Job { id }
    }

    fn id(message: &Job) -> &str {
        &message.id
    }

    async fn take(app: &App, id: &str) -> ApiResult<Take<Attempt>> {
        Ok(match store::mail::attempt_email(&app.db, id).await? {
            Some(email) => Take::Taken(email),
            None => Take::Done,
        })
    }

    fn attempts(email: &Attempt) -> i64 {
        email.attempts.into()
    }

    async fn attempt(app: &App, id: &str, email: &Attempt) -> ApiResult<Outcome> {
        deliver(app, id, email).await
    }

    async fn release(app: &App, id: &str, _: &Attempt, reason: &str) -> ApiResult<()> {
        Ok(store::mail::note_email_error(&app.db, id, reason).await?)
    }

    async fn give_up(app: &App, id: &str, email: &Attempt, reason: &str) -> ApiResult<()> {
        fail(app, id, reason).await?;
        if email.invitation_id.is_some() {
            store::mail::forget_link(&app.db, id).await?;
        }
        Ok(())
    }

    async fn overdue(app: &App, before: Millis, limit: u32) -> ApiResult<Vec<Overdue>> {
        Ok(store::mail::overdue_emails(&app.db, before, limit).await?)
    }

    async fn touch(app: &App, id: &str) -> ApiResult<()> {
        Ok(store::mail::touch_email(&app.db, id).await?)
    }

    async fn fail_overdue(app: &App, email: &Overdue, reason: &str) -> ApiResult<()> {
        Ok(fail(app, &email.id, reason).await?)
    }
}

impl jobs::Overdue for Overdue {
    fn id(&self) -> &str {
        &self.id
    }

    fn attempts(&self) -> i64 {
        self.attempts.into()
    }
}

/// One attempt at a recorded e-mail: rendered from its conversation as it now stands, and
/// posted to the provider.
async fn deliver(app: &App, id: &str, email: &Attempt) -> ApiResult<Outcome> {
    if let Some(invitation_id) = &email.invitation_id {
        return deliver_invitation(app, id, invitation_id, email).await;
    }
    let Some(conversation_id) = email.conversation_id.as_deref() else {
        return Ok(Outcome::Done);
    };
    let Some(source) = store::mail::transcript_source(&app.db, conversation_id).await? else {
        return Ok(Outcome::Done);
    };
    let settings = store::chat_settings(&app.db, &source.site_id)
        .await?
        .unwrap_or_else(|| ChatSettings::new(""));
    let Some(from) = settings.email.from_address.as_deref() else {
        return Ok(give_up(
            "No sender address: set one in the channel's e-mail settings.",
        ));
    };
    let Some(provider) = Provider::new(app) else {
        return Ok(give_up(NOT_CONFIGURED));
    };
    let name = site_name(&settings);
    let mut reply_to = None;
    let rendered = match email.kind {
        EmailKind::Transcript => {
            let messages = ConversationStub::of(&app.conversations, conversation_id)?
                .all_messages()
                .await?;
            transcript::render(
                &Transcript {
                    site_name: &name,
                    page_url: source.page_url.as_deref(),
                    started_at: source.created_at,
                    time_zone: transcript::time_zone(&settings),
                    messages: &messages,
                },
                &email.subject,
            )
        }
        EmailKind::Reply => {
            let Some(seq) = email.message_seq else {
                return Ok(Outcome::Done);
            };
            let reply = match reply_email(app, conversation_id, seq, &email.link).await? {
                Ok(reply) => reply,
                Err(reason) => return Ok(give_up(reason)),
            };
            reply_to = Some(reply.address);
            render_reply(&ReplyEmail {
                site_name: &name,
                agent: &reply.agent,
                body: &reply.body,
                file: reply.file.as_ref().map(|(n, u)| (n.as_str(), u.as_str())),
                earlier: reply.earlier.as_deref(),
            })
        }
        EmailKind::Assignment | EmailKind::Invitation => render_assignment(&AssignmentNotice {
            site_name: &name,
            assigned_by: email.requested_by.as_deref(),
            with: source.with_name.as_deref(),
            preview: source.preview.as_deref().unwrap_or_default(),
            inbox_url: email.link.as_deref(),
        }),
    };
    let sender = Sender {
        name: &name,
        from,
        reply_to: reply_to.as_deref(),
    };
    send(app, id, &provider, &sender, email, &rendered).await
}

/// One attempt at an invitation's e-mail: while the invitation is pending, its link unsealed
/// and sent from the team's sender; the sealed link forgotten once the e-mail is done with
/// (sent here, failed in `Emails::give_up`).
async fn deliver_invitation(
    app: &App,
    id: &str,
    invitation_id: &str,
    email: &Attempt,
) -> ApiResult<Outcome> {
    let Some(invitation) = store::team::invitation(&app.db, invitation_id, store::now()).await?
    else {
        return Ok(give_up(
            "The invitation was accepted, withdrawn or has expired.",
        ));
    };
    let Some(settings) = store::mail::team_sender(&app.db).await? else {
        return Ok(give_up("No site has a sender address any more."));
    };
    let from = settings.email.from_address.clone().unwrap_or_default();
    let Some(provider) = Provider::new(app) else {
        return Ok(give_up(NOT_CONFIGURED));
    };
    let url = app.token_key().and_then(|k| {
        let sealed = email.link.as_deref()?;
        String::from_utf8(domain::sealed::open(&k, id.as_bytes(), sealed).ok()?).ok()
    });
    let Some(url) = url else {
        return Ok(give_up(
            "The link does not open with this deployment's TOKEN_KEY.",
        ));
    };
    let name = site_name(&settings);
    let rendered = render_invitation(&InvitationNotice {
        site_name: &name,
        name: &invitation.name,
        invited_by: invitation.invited_by.as_deref(),
        url: &url,
        expires_at: invitation.expires_at,
    });
    let sender = Sender {
        name: &name,
        from: &from,
        reply_to: None,
    };
    let outcome = send(app, id, &provider, &sender, email, &rendered).await?;
    if outcome == Outcome::Done {
        store::mail::forget_link(&app.db, id).await?;
    }
    Ok(outcome)
}

/// Who an e-mail is from, and where answers go (the sender, unless set).
struct Sender<'a> {
    name: &'a str,
    from: &'a str,
    reply_to: Option<&'a str>,
}

/// Posts a rendered e-mail to the provider: sent (and recorded), refused, or to try again.
async fn send(
    app: &App,
    id: &str,
    provider: &Provider,
    sender: &Sender<'_>,
    email: &Attempt,
    rendered: &Rendered,
) -> ApiResult<Outcome> {
    let mut body = serde_json::json!({
        "from": mailbox(sender.name, sender.from),
        "to": [email.to_address],
        "subject": rendered.subject,
        "text": rendered.text,
        "html": rendered.html,
    });
    if let Some(reply_to) = sender.reply_to {
        body["reply_to"] = serde_json::json!([reply_to]);
    }
    Ok(match provider.send(id, &body).await {
        Ok(provider_id) => {
            store::mail::finish_email(&app.db, id, Ok(&provider_id), store::now()).await?;
            Outcome::Done
        }
        Err(ProviderError::Refused(reason)) => Outcome::GiveUp(reason),
        Err(ProviderError::Unanswered(reason)) => Outcome::Retry(reason),
    })
}

fn give_up(reason: &str) -> Outcome {
    Outcome::GiveUp(reason.to_owned())
}

/// Why an e-mail cannot go without the provider's key.
const NOT_CONFIGURED: &str = "E-mail is not configured on this deployment (MAIL_API_KEY).";

async fn fail(app: &App, id: &str, reason: &str) -> Result<()> {
    store::mail::finish_email(&app.db, id, Err(reason), store::now()).await
}
