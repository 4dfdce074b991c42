//! `POST /webhooks/email`: the e-mail provider's `email.received` webhook (Resend's, signed the
//! Standard Webhooks way under `MAIL_WEBHOOK_SECRET`), which brings a visitor's answers to
//! replies sent by e-mail back into their conversation.
//!
//! - The signature is checked over the raw bytes before anything is parsed (401 when missing,
//!   403 when wrong or stale; nothing stored).
//! - A received e-mail addressed to a conversation's reply address (`domain::email::inbound`: the
//!   tag is checked in constant time) has its content fetched from the provider (the webhook
//!   carries only metadata) and joins the conversation as the visitor's message: what they wrote
//!   above the quoted e-mail, once per e-mail id (a redelivery stores nothing new), reopening
//!   the conversation if it was closed. Its files follow, each a message of its own, when the
//!   site takes them (the widget's attachment settings: kinds and size); a file it does not
//!   take is named in the text with the reason. Only then is the provider answered 200.
//! - Anything else (another event, an address that leads to no conversation, nothing written
//!   above the quote) is answered 200 saying what was ignored, so the provider does not retry
//!   it. A failure to fetch or store answers 5xx, which the provider retries.

use domain::email::inbound::{self, Signed, WebhookError};
use domain::files::check_upload;
use protocol::api::ErrorCode;
use protocol::limits::MESSAGE_MAX_CHARS;
use protocol::Attachment;
use serde::Deserialize;
use worker::{Request, Response};

use crate::config::{App, MAIL_WEBHOOK_SECRET};
use crate::contracts::conversation::{Call, ConversationStub, Inbound};
use crate::error::{ApiError, ApiResult};
use crate::participant::Participant;
use crate::routes::files;
use crate::{http, mail, store};

/// Largest webhook body accepted (the metadata of one e-mail).
const BODY_MAX_BYTES: usize = 256 * 1024;

#[derive(Deserialize)]
struct Event {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    data: Option<Received>,
}

#[derive(Deserialize)]
struct Received {
    email_id: String,
    #[serde(default)]
    to: Vec<String>,
    #[serde(default)]
    cc: Vec<String>,
}

pub async fn receive(app: &App, mut req: Request) -> ApiResult<Response> {
    let secret = app.secret(MAIL_WEBHOOK_SECRET).ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotConfigured,
            "The e-mail webhook needs the MAIL_WEBHOOK_SECRET secret.",
        )
    })?;
    let body = http::read_bytes_at_most(&mut req, BODY_MAX_BYTES).await?;
    let headers = req.headers();
    let (id, timestamp, signatures) = (
        headers.get("svix-id")?,
        headers.get("svix-timestamp")?,
        headers.get("svix-signature")?,
    );
    let signed = Signed {
        id: id.as_deref(),
        timestamp: timestamp.as_deref(),
        signatures: signatures.as_deref(),
    };
    inbound::verify_webhook(&secret, &signed, &body, store::now() / 1000).map_err(|e| {
        let code = match e {
            WebhookError::Missing => ErrorCode::Unauthenticated,
            WebhookError::Stale | WebhookError::Mismatch => ErrorCode::Forbidden,
        };
        ApiError::new(code, format!("Webhook refused: {e}."))
    })?;
    let event: Event = serde_json::from_slice(&body)
        .map_err(|e| ApiError::new(ErrorCode::MalformedBody, format!("Not an event: {e}.")))?;
    let ignored = |what: &str| http::json(&serde_json::json!({ "ignored": what }), 200);
    let (true, Some(received)) = (event.kind == "email.received", event.data) else {
        return Ok(ignored("event"));
    };
    if !is_provider_id(&received.email_id) {
        return Err(ApiError::new(
            ErrorCode::MalformedBody,
            "data.email_id must be letters, digits, - and _.",
        ));
    }
    let Some((key, domain)) = app.reply_addressing() else {
        return Err(ApiError::new(
            ErrorCode::NotConfigured,
            "Answers by e-mail need MAIL_INBOUND_DOMAIN and the TOKEN_KEY secret.",
        ));
    };
    let conversation = received
        .to
        .iter()
        .chain(&received.cc)
        .find_map(|a| inbound::conversation_of(key.as_bytes(), a, &domain));
    let Some(conversation) = conversation else {
        return Ok(ignored("address"));
    };
    let Some(target) = store::mail::reply_target(&app.db, &conversation).await? else {
        return Ok(ignored("address"));
    };
    let email_id = &received.email_id;
    let content = mail::received_email(app, email_id).await?;
    let mut written = match content.text.as_deref().filter(|t| !t.trim().is_empty()) {
        Some(text) => inbound::new_text(text),
        None => inbound::new_text(&inbound::html_text(
            content.html.as_deref().unwrap_or_default(),
        )),
    };
    let files = take_files(app, &target.site_id, &conversation, email_id, &content).await?;
    for (name, why) in &files.refused {
        written.push_str(&format!("\n[{name} was not taken: {why}]"));
    }
    let written = written.trim();
    if written.is_empty() && files.kept.is_empty() {
        return Ok(ignored("empty"));
    }
    let author = Participant::Visitor {
        visitor_id: target.visitor_id,
    };
    let store_as = |key: String, body: String, attachment| Inbound {
        key,
        author: author.clone(),
        body,
        at: store::now(),
        reopen: true,
        attachment,
        init: None,
    };
    if !written.is_empty() {
        let body = clip(written);
        let inbound = store_as(format!("email:{email_id}"), body, None);
        ConversationStub::of(&app.conversations, &conversation)?
            .tell(&Call::Inbound(inbound))
            .await?;
    }
    for (attachment_id, file) in files.kept {
        let key = format!("email:{email_id}:{attachment_id}");
        let inbound = store_as(key, String::new(), Some(file));
        ConversationStub::of(&app.conversations, &conversation)?
            .tell(&Call::Inbound(inbound))
            .await?;
    }
    Ok(http::json(
        &serde_json::json!({ "conversation_id": conversation }),
        200,
    ))
}

/// At most [`MESSAGE_MAX_CHARS`], the cut marked.
fn clip(text: &str) -> String {
    if text.chars().count() <= MESSAGE_MAX_CHARS {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(MESSAGE_MAX_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// The files of an e-mail answer: those the site takes, kept in R2 and recorded as the
/// conversation's (under ids derived from the e-mail, so a redelivery writes the same ones), and
/// those it does not, by name with the reason. Pictures drawn inline in the HTML are not files.
#[derive(Default)]
struct Files {
    kept: Vec<(String, Attachment)>,
    refused: Vec<(String, String)>,
}

async fn take_files(
    app: &App,
    site_id: &str,
    conversation: &str,
    email_id: &str,
    content: &mail::ReceivedContent,
) -> ApiResult<Files> {
    let mut files = Files::default();
    let sent = content.attachments.iter().filter(|a| {
        inbound::is_sent_file(a.content_disposition.as_deref(), a.content_id.as_deref())
    });
    let mut settings = None;
    for (i, attachment) in sent.enumerate() {
        let name = attachment
            .filename
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "A file".to_owned());
        if i >= inbound::FILES_MAX {
            let why = format!(
                "only {} files are taken from one e-mail",
                inbound::FILES_MAX
            );
            files.refused.push((name, why));
            continue;
        }
        if !is_provider_id(&attachment.id) {
            files
                .refused
                .push((name, "the provider named it oddly".to_owned()));
            continue;
        }
        if settings.is_none() {
            settings = Some(
                store::chat_settings(&app.db, site_id)
                    .await?
                    .map(|s| s.attachments)
                    .unwrap_or_default(),
            );
        }
        let Some(settings) = settings.as_ref() else {
            continue;
        };
        let max = u64::from(settings.max_bytes);
        let bytes = match mail::received_file(app, email_id, &attachment.id, max).await? {
            Ok(bytes) => bytes,
            Err(why) => {
                files.refused.push((name, why));
                continue;
            }
        };
        let accepted = match check_upload(settings, false, &name, &bytes) {
            Ok(accepted) => accepted,
            Err(rejection) => {
                let why = rejection.message.trim_end_matches('.').to_lowercase();
                files.refused.push((name, why));
                continue;
            }
        };
        let id = inbound::file_id(email_id, &attachment.id);
        let file = files::keep(app, site_id, id, accepted, bytes).await?;
        let by = format!("email:{email_id}");
        store::insert_attachment(&app.db, site_id, &by, Some(conversation), &file).await?;
        files.kept.push((attachment.id.clone(), file));
    }
    Ok(files)
}

/// Whether an id from the provider is safe in a URL path: letters, digits, `-` and `_`.
fn is_provider_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
