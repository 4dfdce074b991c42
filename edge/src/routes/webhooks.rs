//! Meta's webhooks, `/webhooks/messenger` and `/webhooks/whatsapp`:
//! - `GET`: the subscription handshake — the challenge echoed verbatim as text when the mode is
//!   `subscribe` and the token matches `META_VERIFY_TOKEN`; 403 otherwise.
//! - `POST`: `X-Hub-Signature-256` is checked over the raw body bytes before anything is parsed
//!   (401 when missing, 403 when wrong; nothing stored), then every entry and event is parsed
//!   (`domain::meta`, never failing a batch on an unknown kind), every event is put on the
//!   INBOUND queue, and only then is Meta answered 200: the batch is durable once queued. The
//!   queue's consumer ([`crate::inbound`]) stores each event once in its conversation.

use domain::meta::{
    messenger, subscription_challenge, verify_signature, whatsapp, MetaChannel, SignatureError,
    SIGNATURE_HEADER,
};
use protocol::api::ErrorCode;
use worker::{Headers, Request, Response};

use crate::config::{App, META_APP_SECRET, META_VERIFY_TOKEN};
use crate::error::{ApiError, ApiResult};
use crate::http;

/// Largest webhook body accepted (Meta batches are far smaller).
const BODY_MAX_BYTES: usize = 1024 * 1024;
/// Events per queue send (the platform takes at most 100 messages per batch).
const QUEUE_BATCH: usize = 50;

pub async fn verify(app: &App, req: &Request) -> ApiResult<Response> {
    // An empty expected token never matches: without the secret, nothing verifies.
    let expected = app.secret(META_VERIFY_TOKEN).unwrap_or_default();
    let challenge = subscription_challenge(
        http::query_param(req, "hub.mode").as_deref(),
        http::query_param(req, "hub.verify_token").as_deref(),
        http::query_param(req, "hub.challenge").as_deref(),
        &expected,
    )
    .ok_or_else(|| ApiError::new(ErrorCode::Forbidden, "Webhook verification failed."))?;
    let headers = Headers::new();
    headers.set("content-type", "text/plain; charset=utf-8")?;
    Ok(Response::builder()
        .with_headers(headers)
        .fixed(challenge.into_bytes()))
}

pub async fn receive(app: &App, mut req: Request, channel: MetaChannel) -> ApiResult<Response> {
    let secret = app.secret(META_APP_SECRET).ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotConfigured,
            "Webhooks need the META_APP_SECRET secret.",
        )
    })?;
    let body = http::read_bytes_at_most(&mut req, BODY_MAX_BYTES).await?;
    let signature = req.headers().get(SIGNATURE_HEADER)?;
    verify_signature(secret.as_bytes(), signature.as_deref(), &body).map_err(|e| match e {
        SignatureError::Missing => ApiError::new(
            ErrorCode::Unauthenticated,
            "The X-Hub-Signature-256 header is missing.",
        ),
        SignatureError::Malformed | SignatureError::Mismatch => ApiError::new(
            ErrorCode::Forbidden,
            "The X-Hub-Signature-256 signature does not match the body.",
        ),
    })?;
    let events = match channel {
        MetaChannel::Messenger => messenger::parse(&body),
        MetaChannel::WhatsApp => whatsapp::parse(&body),
    }
    .map_err(|e| ApiError::new(ErrorCode::MalformedBody, e.to_string()))?;
    let queue = app.inbound()?;
    for chunk in events.chunks(QUEUE_BATCH) {
        let messages = chunk
            .iter()
            .map(serde_json::to_string)
            .collect::<Result<Vec<String>, _>>()?;
        queue.send_batch(messages).await?;
    }
    Ok(http::json(
        &serde_json::json!({ "accepted": events.len() }),
        200,
    ))
}
