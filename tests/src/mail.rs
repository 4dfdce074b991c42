//! Playing the e-mail provider's inbound webhook in tests: `email.received` events signed the
//! way Resend signs them (Standard Webhooks: HMAC-SHA256 of `{id}.{timestamp}.{body}` under the
//! base64 secret after `whsec_`, sent as `v1,<base64>`), with the secret `cargo xtask test`
//! started the Worker with.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use protocol::routes;
use serde_json::json;
use sha2::Sha256;

use crate::{env, Edge, Reply};

/// The domain the Worker's reply addresses are on in tests.
pub fn inbound_domain() -> String {
    env("MAIL_INBOUND_DOMAIN")
}

/// An `email.received` event for `email_id`, sent by `from` to `to`.
pub fn received_event(email_id: &str, from: &str, to: &str) -> String {
    json!({
        "type": "email.received",
        "created_at": "2026-11-22T10:00:00.000Z",
        "data": {
            "email_id": email_id,
            "created_at": "2026-11-22T10:00:00.000Z",
            "from": from,
            "to": [to],
            "cc": [],
            "bcc": [],
            "message_id": format!("<{email_id}@mail.example>"),
            "subject": "Re: Your conversation",
            "attachments": [],
        }
    })
    .to_string()
}

/// `v1,<base64>` over `body` as delivery `id` at `timestamp`, under the Worker's secret.
pub fn signature(id: &str, timestamp: &str, body: &str) -> String {
    let secret = env("MAIL_WEBHOOK_SECRET");
    let key = B64
        .decode(secret.trim_start_matches("whsec_"))
        .expect("a base64 secret");
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("key");
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    format!("v1,{}", B64.encode(mac.finalize().into_bytes()))
}

/// Seconds since the epoch, as `svix-timestamp` carries them.
pub fn now_secs() -> String {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
        .to_string()
}

/// Posts `body` to `/webhooks/email` as delivery `id`, signed now (or with `signature` given).
pub fn post(edge: &Edge, id: &str, body: &str, signature: Option<&str>) -> Reply {
    let timestamp = now_secs();
    let signed = self::signature(id, &timestamp, body);
    let headers = [
        ("content-type", "application/json"),
        ("svix-id", id),
        ("svix-timestamp", timestamp.as_str()),
        ("svix-signature", signature.unwrap_or(&signed)),
    ];
    edge.request(
        "POST",
        &routes::MailWebhook::new().path(),
        &headers,
        Some(body),
    )
}
