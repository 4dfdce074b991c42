//! Recording and queuing e-mails: every e-mail asked for (a transcript, by an agent or on
//! close; a reply by e-mail; an assignment notice; an invitation) is recorded in D1 (`emails`,
//! status `queued`) before its job goes on the OUTBOUND queue, so nothing asked for is lost.
//! One that cannot be queued is failed at once, visibly. Sending it is [`super::delivery`]'s.

use domain::email::assignment::assignment_subject;
use domain::email::invitation::invitation_subject;
use domain::email::reply::reply_subject;
use domain::email::transcript;
use domain::Rejection;
use protocol::api::{EmailKind, EmailRecord, EmailStatus, ErrorCode, Invitation};
use protocol::settings::ChatSettings;
use protocol::Message;
use worker::console_error;

use super::Job;
use crate::config::App;
use crate::error::{ApiError, ApiResult};
use crate::store::mail::EmailOwner;
use crate::{secrets, store};

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
        subject: reply_subject(&site_name(&settings)),
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
            subject: assignment_subject(&site, with),
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
        subject: invitation_subject(&site_name(&settings)),
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
    close_transcript(app, conversation_id, messages, false).await;
}

/// The transcript a chatflow bot's script asks for as it closes the chat: to the visitor's
/// known address, whoever took part, when the site has a sender address (unless the close sent
/// one by itself: [`on_close`]). Failures are logged.
pub async fn on_bot_close(
    app: &App,
    conversation_id: &str,
    messages: impl FnOnce() -> Vec<Message>,
) {
    close_transcript(app, conversation_id, messages, true).await;
}

/// The transcript at a close, as the site's settings decide, or as a bot `asked` (then only if
/// the settings did not send one already). The log is read only if one could go.
async fn close_transcript(
    app: &App,
    conversation_id: &str,
    messages: impl FnOnce() -> Vec<Message>,
    asked: bool,
) {
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
        let wanted = settings.email.from_address.is_some() && {
            let by_settings =
                settings.email.transcript_on_close && transcript::agent_took_part(&messages());
            // A bot's ask adds a transcript only where the settings sent none.
            if asked {
                !by_settings
            } else {
                by_settings
            }
        };
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
