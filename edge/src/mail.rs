//! E-mail from conversations: transcripts, sent by hand by an agent or by themselves when a chat
//! an agent took part in is closed and the visitor's address is known; the notice to a member
//! that a conversation was assigned to them while they were away; and invitations to the team,
//! whose link (it carries the invitation's token) is kept sealed until it is sent.
//!
//! Nothing asked for is lost: an e-mail is recorded in D1 (`emails`, status `queued`), then put
//! on the OUTBOUND queue; the consumer renders it (`domain::transcript`) from the conversation
//! as it then stands and posts it to the provider's API (Resend's `POST /emails`, at
//! `MAIL_API_BASE` with the `MAIL_API_KEY` secret) with the e-mail's id as `Idempotency-Key`, so
//! a retry after a lost answer never sends it twice. A refusal (4xx) fails it for good; a
//! failure to answer (429, 5xx, network) is retried with growing delays, at most
//! [`MAX_ATTEMPTS`] times. Each e-mail's status is what the thread shows.

use domain::email_reply;
use domain::transcript::{self, AssignmentNotice, InvitationNotice, ReplyEmail, Transcript};
use domain::Rejection;
use protocol::api::{EmailKind, EmailRecord, EmailStatus, ErrorCode, Invitation, MessagePage};
use protocol::limits::HISTORY_PAGE_MAX;
use protocol::settings::ChatSettings;
use protocol::{Author, Message};
use serde::{Deserialize, Serialize};
use worker::{
    console_error, Fetch, Headers, MessageBatch, MessageExt, Method, Request, RequestInit, Result,
};

use crate::config::{App, MAIL_API_KEY};
use crate::contracts::conversation::{Call, ConversationStub};
use crate::error::{ApiError, ApiResult};
use crate::queues;
use crate::store::mail::EmailOwner;
use crate::{secrets, store};

/// Attempts at one e-mail before it is failed.
pub const MAX_ATTEMPTS: u32 = 8;

/// What the queue carries: which recorded e-mail to send.
#[derive(Serialize, Deserialize)]
struct Job {
    id: String,
}

/// How far back a reply e-mail looks for what the visitor last wrote, in messages.
const EARLIER_WINDOW: protocol::Seq = 20;

/// Records and queues agent `agent`'s reply, message `seq` of website chat `conversation_id`,
/// as an e-mail to the visitor's known address (the chat switched to e-mail); `origin` is the
/// Worker's public origin, where the reply's file is linked from. `Err` when the visitor has
/// no address or the site no sender.
pub async fn queue_reply(
    app: &App,
    conversation_id: &str,
    seq: protocol::Seq,
    agent: &str,
    origin: Option<&str>,
) -> ApiResult<EmailRecord> {
    let (to, settings) = reply_sender(app, conversation_id).await?;
    let record = EmailRecord {
        id: secrets::new_id("e")?,
        kind: EmailKind::Reply,
        to,
        subject: transcript::reply_subject(&site_name(&settings)),
        status: EmailStatus::Queued,
        error: None,
        requested_by: Some(agent.to_owned()),
        created_at: store::now(),
        sent_at: None,
    };
    queue(app, EmailOwner::Reply(conversation_id, seq), record, origin).await
}

/// The visitor's address and the site's settings, when website chat `conversation_id` can
/// continue by e-mail; else why not, as a 4xx the agent reads.
pub async fn reply_sender(app: &App, conversation_id: &str) -> ApiResult<(String, ChatSettings)> {
    let Some(target) = store::mail::reply_target(&app.db, conversation_id).await? else {
        return Err(ApiError::new(
            ErrorCode::NotOnThisChannel,
            "Only a website chat can switch to e-mail.",
        ));
    };
    let Some(to) = target.email else {
        return Err(Rejection::field(
            "channel",
            "cannot be e-mail: the visitor's e-mail address is not known (fill it in beside \
             the thread)",
        )
        .into());
    };
    let settings = store::chat_settings(&app.db, &target.site_id)
        .await?
        .filter(|s| s.email.from_address.is_some())
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotConfigured,
                "The site has no sender address: set one under Settings, E-mail.",
            )
        })?;
    if app.reply_addressing().is_none() {
        return Err(ApiError::new(
            ErrorCode::NotConfigured,
            "Replies by e-mail need this deployment's MAIL_INBOUND_DOMAIN and TOKEN_KEY, so \
             the visitor's answers come back to the conversation.",
        ));
    }
    Ok((to, settings))
}

/// Records and queues a transcript of `conversation_id` to `to`; `requested_by` is the agent
/// who asked (none on close).
pub async fn queue_transcript(
    app: &App,
    conversation_id: &str,
    to: &str,
    subject: &str,
    requested_by: Option<&str>,
) -> ApiResult<EmailRecord> {
    let record = EmailRecord {
        id: secrets::new_id("e")?,
        kind: EmailKind::Transcript,
        to: to.to_owned(),
        subject: subject.to_owned(),
        status: EmailStatus::Queued,
        error: None,
        requested_by: requested_by.map(str::to_owned),
        created_at: store::now(),
        sent_at: None,
    };
    queue(app, EmailOwner::Conversation(conversation_id), record, None).await
}

/// Tells `agent` by e-mail that `conversation_id` was assigned to them while they were away
/// (by `assigned_by`, or by the routing rules), linking to the inbox at `origin`. Failures are
/// logged: an assignment never fails for an e-mail.
pub async fn notify_assignment(
    app: &App,
    conversation_id: &str,
    agent: &store::AgentRow,
    assigned_by: Option<&str>,
    origin: Option<&str>,
) {
    let result: ApiResult<EmailRecord> = async {
        let source = store::mail::transcript_source(&app.db, conversation_id).await?;
        let settings = match &source {
            Some(s) => store::chat_settings(&app.db, &s.site_id).await?,
            None => None,
        };
        let site = settings.as_ref().map(site_name).unwrap_or_default();
        let with = source.as_ref().and_then(|s| s.with_name.as_deref());
        let record = EmailRecord {
            id: secrets::new_id("e")?,
            kind: EmailKind::Assignment,
            to: agent.email.clone(),
            subject: transcript::assignment_subject(&site, with),
            status: EmailStatus::Queued,
            error: None,
            requested_by: assigned_by.map(str::to_owned),
            created_at: store::now(),
            sent_at: None,
        };
        let link = origin.map(|o| format!("{o}/inbox"));
        queue(
            app,
            EmailOwner::Conversation(conversation_id),
            record,
            link.as_deref(),
        )
        .await
    }
    .await;
    if let Err(e) = result {
        console_error!(
            "the assignment notice for {conversation_id} was not queued: {}",
            e.message
        );
    }
}

/// E-mails `invitation`'s link, `url`, to the invitee, from the team's sender (the first site
/// with a sender address), the link sealed until it is sent; `Err` says why it was not (no
/// sender, no TOKEN_KEY), for the admin, who then passes the link on themselves.
pub async fn queue_invitation(
    app: &App,
    invitation: &Invitation,
    url: &str,
) -> ApiResult<std::result::Result<(), String>> {
    let Some(settings) = store::mail::team_sender(&app.db).await? else {
        return Ok(Err(
            "No site has a sender address (Settings, E-mail): send them the link yourself.".into(),
        ));
    };
    let Some(key) = app.token_key() else {
        return Ok(Err(
            "E-mailing invitations needs the TOKEN_KEY secret: send them the link yourself.".into(),
        ));
    };
    let id = secrets::new_id("e")?;
    let nonce: [u8; domain::sealed::NONCE_BYTES] =
        secrets::random_bytes(domain::sealed::NONCE_BYTES)?
            .try_into()
            .map_err(|_| ApiError::new(ErrorCode::Internal, "Randomness failed."))?;
    let sealed = domain::sealed::seal(&key, &nonce, id.as_bytes(), url.as_bytes());
    let record = EmailRecord {
        id,
        kind: EmailKind::Invitation,
        to: invitation.email.clone(),
        subject: transcript::invitation_subject(&site_name(&settings)),
        status: EmailStatus::Queued,
        error: None,
        requested_by: invitation.invited_by.clone(),
        created_at: store::now(),
        sent_at: None,
    };
    queue(
        app,
        EmailOwner::Invitation(&invitation.id),
        record,
        Some(&sealed),
    )
    .await?;
    Ok(Ok(()))
}

/// Records an e-mail, then puts it on the OUTBOUND queue.
async fn queue(
    app: &App,
    owner: EmailOwner<'_>,
    record: EmailRecord,
    link: Option<&str>,
) -> ApiResult<EmailRecord> {
    store::mail::insert_email(&app.db, owner, &record, link).await?;
    let job = serde_json::to_string(&Job {
        id: record.id.clone(),
    })?;
    if let Err(e) = app.outbound()?.send(job).await {
        console_error!("e-mail {} could not be queued: {e}", record.id);
        let reason = "It could not be queued; please try again.";
        store::mail::finish_email(&app.db, &record.id, Err(reason), store::now()).await?;
        return Err(ApiError::new(
            ErrorCode::Internal,
            "The e-mail could not be queued; please try again.",
        ));
    }
    Ok(record)
}

/// The transcript that goes by itself when a chat closes: to the visitor's known address, if
/// the site sends transcripts and an agent took part. Failures are logged: a close never fails
/// for an e-mail.
pub async fn on_close(app: &App, conversation_id: &str, messages: impl FnOnce() -> Vec<Message>) {
    let result: ApiResult<()> = async {
        let Some(source) = store::mail::transcript_source(&app.db, conversation_id).await? else {
            return Ok(());
        };
        let Some(settings) = store::chat_settings(&app.db, &source.site_id).await? else {
            return Ok(());
        };
        let Some(to) = source.visitor_email.as_deref() else {
            return Ok(());
        };
        // The log is read only once a transcript could go at all.
        let wanted = settings.email.transcript_on_close
            && settings.email.from_address.is_some()
            && transcript::agent_took_part(&messages());
        if wanted {
            let subject = transcript::default_subject(&site_name(&settings));
            queue_transcript(app, conversation_id, to, &subject, None).await?;
        }
        Ok(())
    }
    .await;
    if let Err(e) = result {
        console_error!(
            "the transcript of {conversation_id} was not queued: {}",
            e.message
        );
    }
}

/// The name a site's e-mails speak for.
pub fn site_name(settings: &ChatSettings) -> String {
    if settings.email.from_name.is_empty() {
        settings.heading.clone()
    } else {
        settings.email.from_name.clone()
    }
}

/// Takes up e-mails stuck in `queued` (their job lost, or out of the queue's retries): queued
/// again, or failed for good, visibly, once they ran out of attempts. How many of each.
pub async fn sweep(app: &App, now: protocol::Millis) -> ApiResult<(usize, usize)> {
    let (mut requeued, mut failed) = (0, 0);
    let before = now - domain::backoff::OVERDUE_MS;
    for email in store::mail::overdue_emails(&app.db, before, SWEEP_BATCH).await? {
        if email.attempts >= MAX_ATTEMPTS {
            let reason = format!("It could not be sent after {MAX_ATTEMPTS} attempts.");
            fail(app, &email.id, &reason).await?;
            failed += 1;
        } else {
            store::mail::touch_email(&app.db, &email.id).await?;
            let job = serde_json::to_string(&Job { id: email.id })?;
            app.outbound()?.send(job).await?;
            requeued += 1;
        }
    }
    Ok((requeued, failed))
}

/// Overdue e-mails taken up per sweep; the rest wait for the next.
const SWEEP_BATCH: u32 = 100;

/// The OUTBOUND queue's consumer.
pub async fn consume(batch: MessageBatch<String>, app: &App) -> Result<()> {
    let queue = batch.queue();
    for message in batch.messages()? {
        let Some(job) = queues::read::<Job>(app, &queue, &message).await else {
            continue;
        };
        match deliver(app, &job.id).await {
            Ok(Next::Done) => message.ack(),
            Ok(Next::RetryIn(seconds)) => queues::retry_in(&message, seconds),
            Err(e) => {
                let reason = format!("e-mail {}: {}", job.id, e.message);
                queues::retry_later(app, &queue, &message, message.body(), &reason).await;
            }
        }
    }
    Ok(())
}

enum Next {
    Done,
    RetryIn(u32),
}

/// One attempt at a recorded e-mail.
async fn deliver(app: &App, id: &str) -> ApiResult<Next> {
    let Some(email) = store::mail::attempt_email(&app.db, id).await? else {
        return Ok(Next::Done);
    };
    if let Some(invitation_id) = &email.invitation_id {
        return deliver_invitation(app, id, invitation_id, &email).await;
    }
    let Some(conversation_id) = email.conversation_id.as_deref() else {
        return Ok(Next::Done);
    };
    let Some(source) = store::mail::transcript_source(&app.db, conversation_id).await? else {
        return Ok(Next::Done);
    };
    let settings = store::chat_settings(&app.db, &source.site_id)
        .await?
        .unwrap_or_else(|| ChatSettings::new(""));
    let Some(from) = settings.email.from_address.as_deref() else {
        fail(
            app,
            id,
            "No sender address: set one in the channel's e-mail settings.",
        )
        .await?;
        return Ok(Next::Done);
    };
    let Some(key) = app.secret(MAIL_API_KEY) else {
        fail(
            app,
            id,
            "E-mail is not configured on this deployment (MAIL_API_KEY).",
        )
        .await?;
        return Ok(Next::Done);
    };
    let name = site_name(&settings);
    let mut reply_to = None;
    let rendered = match email.kind {
        EmailKind::Transcript => {
            let messages = all_messages(app, conversation_id).await?;
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
                return Ok(Next::Done);
            };
            let reply = match reply_email(app, conversation_id, seq, &email.link).await? {
                Ok(reply) => reply,
                Err(reason) => {
                    fail(app, id, reason).await?;
                    return Ok(Next::Done);
                }
            };
            reply_to = Some(reply.address);
            transcript::render_reply(&ReplyEmail {
                site_name: &name,
                agent: &reply.agent,
                body: &reply.body,
                file: reply.file.as_ref().map(|(n, u)| (n.as_str(), u.as_str())),
                earlier: reply.earlier.as_deref(),
            })
        }
        EmailKind::Assignment | EmailKind::Invitation => {
            transcript::render_assignment(&AssignmentNotice {
                site_name: &name,
                assigned_by: email.requested_by.as_deref(),
                with: source.with_name.as_deref(),
                preview: source.preview.as_deref().unwrap_or_default(),
                inbox_url: email.link.as_deref(),
            })
        }
    };
    let sender = Sender {
        name: &name,
        from,
        reply_to: reply_to.as_deref(),
    };
    send(app, id, &key, &sender, &email, &rendered).await
}

/// What a reply e-mail carries, read from the conversation.
struct ReplyParts {
    agent: String,
    body: String,
    /// The reply's file: its name and a signed link on the Worker's origin.
    file: Option<(String, String)>,
    /// What the visitor last wrote before it.
    earlier: Option<String>,
    /// Where the visitor's answer goes.
    address: String,
}

/// The reply at `seq` of `conversation_id`, and its reply address; `Err` says why it cannot go
/// (for the thread), which trying again would not change.
async fn reply_email(
    app: &App,
    conversation_id: &str,
    seq: protocol::Seq,
    origin: &Option<String>,
) -> ApiResult<std::result::Result<ReplyParts, &'static str>> {
    let Some((key, domain)) = app.reply_addressing() else {
        return Ok(Err(
            "Replies by e-mail need MAIL_INBOUND_DOMAIN and the TOKEN_KEY secret.",
        ));
    };
    let Some(address) = email_reply::reply_address(key.as_bytes(), conversation_id, &domain) else {
        return Ok(Err("Replies by e-mail need the TOKEN_KEY secret."));
    };
    let after = seq.saturating_sub(EARLIER_WINDOW);
    let mut page = ConversationStub::of(&app.conversations, conversation_id)?
        .call(&Call::History { after })
        .await?;
    let page: MessagePage = page.json().await?;
    let Some(message) = page.messages.iter().find(|m| m.seq == seq) else {
        return Ok(Err("The reply is no longer in the conversation."));
    };
    let Author::Agent { name: agent, .. } = &message.author else {
        return Ok(Err("Only agents' replies go by e-mail."));
    };
    let earlier = page
        .messages
        .iter()
        .rfind(|m| m.seq < seq && m.author == Author::Visitor && !m.body.trim().is_empty())
        .map(|m| m.body.clone());
    let file = match (&message.attachment, origin) {
        (Some(file), Some(origin)) => domain::files::file_link(
            key.as_bytes(),
            conversation_id,
            &file.id,
            store::now() + domain::files::FILE_LINK_TTL_MS,
        )
        .map(|path| (file.name.clone(), format!("{origin}{path}"))),
        _ => None,
    };
    Ok(Ok(ReplyParts {
        agent: agent.clone(),
        body: message.body.clone(),
        file,
        earlier,
        address,
    }))
}

/// One attempt at an invitation's e-mail: while the invitation is pending, its link unsealed
/// and sent from the team's sender; the sealed link forgotten once the e-mail is done with.
async fn deliver_invitation(
    app: &App,
    id: &str,
    invitation_id: &str,
    email: &store::mail::Attempt,
) -> ApiResult<Next> {
    let give_up = |reason: &'static str| async move {
        fail(app, id, reason).await?;
        store::mail::forget_link(&app.db, id).await?;
        Ok::<_, ApiError>(Next::Done)
    };
    let Some(invitation) = store::team::invitation(&app.db, invitation_id, store::now()).await?
    else {
        return give_up("The invitation was accepted, withdrawn or has expired.").await;
    };
    let Some(settings) = store::mail::team_sender(&app.db).await? else {
        return give_up("No site has a sender address any more.").await;
    };
    let from = settings.email.from_address.clone().unwrap_or_default();
    let Some(key) = app.secret(MAIL_API_KEY) else {
        return give_up("E-mail is not configured on this deployment (MAIL_API_KEY).").await;
    };
    let url = app.token_key().and_then(|k| {
        let sealed = email.link.as_deref()?;
        String::from_utf8(domain::sealed::open(&k, id.as_bytes(), sealed).ok()?).ok()
    });
    let Some(url) = url else {
        return give_up("The link does not open with this deployment's TOKEN_KEY.").await;
    };
    let name = site_name(&settings);
    let rendered = transcript::render_invitation(&InvitationNotice {
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
    let next = send(app, id, &key, &sender, email, &rendered).await?;
    if matches!(next, Next::Done) {
        store::mail::forget_link(&app.db, id).await?;
    }
    Ok(next)
}

/// Who an e-mail is from, and where answers go (the sender, unless set).
struct Sender<'a> {
    name: &'a str,
    from: &'a str,
    reply_to: Option<&'a str>,
}

/// Posts a rendered e-mail to the provider and records what came of it.
async fn send(
    app: &App,
    id: &str,
    key: &str,
    sender: &Sender<'_>,
    email: &store::mail::Attempt,
    rendered: &transcript::Rendered,
) -> ApiResult<Next> {
    let mut body = serde_json::json!({
        "from": transcript::mailbox(sender.name, sender.from),
        "to": [email.to_address],
        "subject": rendered.subject,
        "text": rendered.text,
        "html": rendered.html,
    });
    if let Some(reply_to) = sender.reply_to {
        body["reply_to"] = serde_json::json!([reply_to]);
    }
    let outcome = post(app, key, id, &body.to_string()).await;
    match outcome {
        Sent::Accepted(provider_id) => {
            store::mail::finish_email(&app.db, id, Ok(&provider_id), store::now()).await?;
            Ok(Next::Done)
        }
        Sent::Refused(reason) => {
            fail(app, id, &reason).await?;
            Ok(Next::Done)
        }
        Sent::Unanswered(reason) if email.attempts >= MAX_ATTEMPTS => {
            fail(
                app,
                id,
                &format!("{reason} (gave up after {MAX_ATTEMPTS} attempts)"),
            )
            .await?;
            Ok(Next::Done)
        }
        Sent::Unanswered(reason) => {
            store::mail::note_email_error(&app.db, id, &reason).await?;
            Ok(Next::RetryIn(domain::backoff::retry_delay(
                email.attempts.into(),
            )))
        }
    }
}

async fn fail(app: &App, id: &str, reason: &str) -> Result<()> {
    store::mail::finish_email(&app.db, id, Err(reason), store::now()).await
}

/// Every message of a conversation, page by page from its Durable Object.
async fn all_messages(app: &App, conversation_id: &str) -> ApiResult<Vec<Message>> {
    let mut messages = Vec::new();
    loop {
        let after = messages.last().map_or(0, |m: &Message| m.seq);
        let mut page = ConversationStub::of(&app.conversations, conversation_id)?
            .call(&Call::History { after })
            .await?;
        let page: MessagePage = page.json().await?;
        let full = page.messages.len() >= HISTORY_PAGE_MAX;
        messages.extend(page.messages);
        if !full {
            return Ok(messages);
        }
    }
}

/// A received e-mail's content, as the provider keeps it.
#[derive(Deserialize)]
pub struct ReceivedContent {
    pub text: Option<String>,
    pub html: Option<String>,
    #[serde(default)]
    pub attachments: Vec<ReceivedAttachment>,
}

/// An attachment of a received e-mail, as its content lists it.
#[derive(Deserialize)]
pub struct ReceivedAttachment {
    pub id: String,
    #[serde(default)]
    pub filename: Option<String>,
    #[serde(default)]
    pub content_disposition: Option<String>,
    #[serde(default)]
    pub content_id: Option<String>,
}

/// The bytes of attachment `attachment_id` of received e-mail `email_id`: its short-lived
/// download link from `GET …/emails/receiving/{email}/attachments/{id}`, then the file itself.
/// `Ok(Err(reason))` when the file is larger than `max_bytes` (it is not read); any failure
/// to reach the provider is an error, so the delivery is retried.
pub async fn received_file(
    app: &App,
    email_id: &str,
    attachment_id: &str,
    max_bytes: u64,
) -> ApiResult<std::result::Result<Vec<u8>, String>> {
    #[derive(Deserialize)]
    struct Link {
        download_url: String,
    }
    let path = format!("/emails/receiving/{email_id}/attachments/{attachment_id}");
    let link: Link = provider_get(app, &path).await?;
    let unavailable = |why: String| {
        ApiError::new(
            ErrorCode::Internal,
            format!("An attachment could not be downloaded: {why}"),
        )
    };
    let request =
        Request::new(&link.download_url, Method::Get).map_err(|e| unavailable(e.to_string()))?;
    let mut response = Fetch::Request(request)
        .send()
        .await
        .map_err(|e| unavailable(e.to_string()))?;
    if !(200..300).contains(&response.status_code()) {
        return Err(unavailable(format!(
            "it answered {}",
            response.status_code()
        )));
    }
    let declared = response
        .headers()
        .get("content-length")?
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = || Ok(Err(format!("it is larger than {max_bytes} bytes")));
    if declared.is_some_and(|n| n > max_bytes) {
        return too_large();
    }
    let bytes = response
        .bytes()
        .await
        .map_err(|e| unavailable(e.to_string()))?;
    if bytes.len() as u64 > max_bytes {
        return too_large();
    }
    Ok(Ok(bytes))
}

/// `GET {MAIL_API_BASE}/emails/receiving/{id}`: the content of an e-mail the provider received
/// (its webhook carries only the metadata). Any failure is an error, so the webhook answers 5xx
/// and the provider delivers it again.
pub async fn received_email(app: &App, id: &str) -> ApiResult<ReceivedContent> {
    // The caller checked `id` (letters, digits, `-` and `_`), so it is safe in a path.
    provider_get(app, &format!("/emails/receiving/{id}")).await
}

/// `GET {MAIL_API_BASE}{path}` with the API key, read as JSON; any failure is an error.
async fn provider_get<T: serde::de::DeserializeOwned>(app: &App, path: &str) -> ApiResult<T> {
    let unavailable = |why: String| {
        ApiError::new(
            ErrorCode::Internal,
            format!("The e-mail provider could not be read ({path}): {why}"),
        )
    };
    let key = app.secret(MAIL_API_KEY).ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotConfigured,
            "E-mail is not configured on this deployment (MAIL_API_KEY).",
        )
    })?;
    let headers = Headers::new();
    headers.set("authorization", &format!("Bearer {key}"))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_headers(headers);
    let url = format!("{}{path}", app.mail_api_base().trim_end_matches('/'));
    let mut response = Fetch::Request(Request::new_with_init(&url, &init)?)
        .send()
        .await
        .map_err(|e| unavailable(e.to_string()))?;
    match response.status_code() {
        200..=299 => response
            .json()
            .await
            .map_err(|e| unavailable(e.to_string())),
        status => Err(unavailable(format!("it answered {status}"))),
    }
}

enum Sent {
    /// The provider took it (its id).
    Accepted(String),
    /// The provider refused it; trying again would not help.
    Refused(String),
    /// No usable answer; worth trying again.
    Unanswered(String),
}

/// `POST {MAIL_API_BASE}/emails`.
async fn post(app: &App, key: &str, id: &str, body: &str) -> Sent {
    #[derive(Deserialize)]
    struct Answer {
        id: Option<String>,
        message: Option<String>,
    }
    let attempt = async {
        let headers = Headers::new();
        headers.set("authorization", &format!("Bearer {key}"))?;
        headers.set("content-type", "application/json")?;
        headers.set("idempotency-key", id)?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_headers(headers)
            .with_body(Some(body.into()));
        let url = format!("{}/emails", app.mail_api_base().trim_end_matches('/'));
        let mut response = Fetch::Request(Request::new_with_init(&url, &init)?)
            .send()
            .await?;
        let status = response.status_code();
        let answer: Option<Answer> = response.json().await.ok();
        Ok::<_, worker::Error>((status, answer))
    };
    match attempt.await {
        Ok((200..=299, answer)) => Sent::Accepted(answer.and_then(|a| a.id).unwrap_or_default()),
        Ok((status @ (429 | 500..=599), _)) => {
            Sent::Unanswered(format!("The e-mail provider answered {status}."))
        }
        Ok((status, answer)) => Sent::Refused(answer.and_then(|a| a.message).map_or_else(
            || format!("The e-mail provider refused it ({status})."),
            |m| format!("The e-mail provider refused it: {m}"),
        )),
        Err(e) => Sent::Unanswered(format!("The e-mail provider could not be reached: {e}")),
    }
}
