//! `POST /webhooks/email`: the e-mail provider's `email.received` webhook (Resend's, signed the
//! Standard Webhooks way under `MAIL_WEBHOOK_SECRET`), which brings a visitor's answers to
//! replies sent by e-mail back into their conversation.
//!
//! - The signature is checked over the raw bytes before anything is parsed (401 when missing,
//!   403 when wrong or stale; nothing stored).
//! - A received e-mail addressed to a conversation's reply address (`domain::email_reply`: the
//!   tag is checked in constant time) has its content fetched from the provider (the webhook
//!   carries only metadata) and joins the conversation as the visitor's message: what they wrote
//!   above the quoted e-mail, once per e-mail id (a redelivery stores nothing new), reopening
//!   the conversation if it was closed. Only then is the provider answered 200.
//! - Anything else (another event, an address that leads to no conversation, nothing written
//!   above the quote) is answered 200 saying what was ignored, so the provider does not retry
//!   it. A failure to fetch or store answers 5xx, which the provider retries.

use domain::email_reply::{self, Signed, WebhookError};
use protocol::api::ErrorCode;
use protocol::limits::MESSAGE_MAX_CHARS;
use serde::Deserialize;
use worker::{Request, Response};

use crate::config::{App, MAIL_WEBHOOK_SECRET, TOKEN_KEY};
use crate::conversation::Inbound;
use crate::error::{ApiError, ApiResult};
use crate::participant::Participant;
use crate::routes::relay;
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
    email_reply::verify_webhook(&secret, &signed, &body, store::now() / 1000).map_err(|e| {
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
    let id_ok = !received.email_id.is_empty()
        && received.email_id.len() <= 100
        && received
            .email_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !id_ok {
        return Err(ApiError::new(
            ErrorCode::MalformedBody,
            "data.email_id must be letters, digits, - and _.",
        ));
    }
    let (Some(key), Some(domain)) = (app.secret(TOKEN_KEY), app.mail_inbound_domain()) else {
        return Err(ApiError::new(
            ErrorCode::NotConfigured,
            "Answers by e-mail need MAIL_INBOUND_DOMAIN and the TOKEN_KEY secret.",
        ));
    };
    let conversation = received
        .to
        .iter()
        .chain(&received.cc)
        .find_map(|a| email_reply::conversation_of(key.as_bytes(), a, &domain));
    let Some(conversation) = conversation else {
        return Ok(ignored("address"));
    };
    let Some(target) = store::mail::reply_target(&app.db, &conversation).await? else {
        return Ok(ignored("address"));
    };
    let content = mail::received_email(app, &received.email_id).await?;
    let written = match content.text.as_deref().filter(|t| !t.trim().is_empty()) {
        Some(text) => email_reply::new_text(text),
        None => email_reply::new_text(&email_reply::html_text(
            content.html.as_deref().unwrap_or_default(),
        )),
    };
    if written.is_empty() {
        return Ok(ignored("empty"));
    }
    let body = if written.chars().count() > MESSAGE_MAX_CHARS {
        let mut cut: String = written.chars().take(MESSAGE_MAX_CHARS - 1).collect();
        cut.push('…');
        cut
    } else {
        written
    };
    let inbound = Inbound {
        key: format!("email:{}", received.email_id),
        author: Participant::Visitor {
            visitor_id: target.visitor_id,
        },
        body,
        at: store::now(),
        reopen: true,
    };
    relay::inbound(app, &conversation, &inbound).await?;
    Ok(http::json(
        &serde_json::json!({ "conversation_id": conversation }),
        200,
    ))
}
