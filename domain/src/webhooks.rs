//! Webhook signatures the Standard Webhooks way (standardwebhooks.com; Svix's, as Resend sends
//! it): HMAC-SHA256 under a `whsec_…` secret over `{id}.{timestamp}.{body}`, as `v1,{base64}`.
//! Both ways: the e-mail provider's inbound webhook is checked here over its raw body within
//! [`TOLERANCE_SECS`] of now, before anything is parsed ([`verify_webhook`]); a chatflow bot's
//! call to a site's own system is signed with the site's secret ([`sign_webhook`]), so the
//! site checks it with any Standard Webhooks library.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// How far a webhook's timestamp may be from now, in seconds.
pub const TOLERANCE_SECS: i64 = 5 * 60;

/// Why a webhook delivery was refused; nothing is stored whatever the reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("the svix-id, svix-timestamp or svix-signature header is missing")]
    Missing,
    #[error("the svix-timestamp is not within five minutes of now")]
    Stale,
    #[error("no svix-signature matches the body")]
    Mismatch,
}

/// The headers of a signed delivery, as received.
pub struct Signed<'a> {
    pub id: Option<&'a str>,
    pub timestamp: Option<&'a str>,
    pub signatures: Option<&'a str>,
}

/// A new secret from `random` bytes (the caller draws them from a CSPRNG): `whsec_` and the
/// bytes in base64, as Standard Webhooks libraries take it.
pub fn new_secret(random: &[u8; 32]) -> String {
    format!("whsec_{}", B64.encode(random))
}

/// The `webhook-signature` of a delivery: `v1,` and the HMAC of `{id}.{timestamp}.{body}`
/// under `secret` (`whsec_…`) in base64; none for an undecodable or empty secret.
pub fn sign_webhook(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let mac = mac(secret, id, &timestamp.to_string(), body)?;
    Some(format!("v1,{}", B64.encode(mac)))
}

fn mac(secret: &str, id: &str, timestamp: &str, body: &[u8]) -> Option<Vec<u8>> {
    let key = B64
        .decode(secret.trim().trim_start_matches("whsec_"))
        .ok()?;
    if key.is_empty() {
        return None;
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(mac.finalize().into_bytes().to_vec())
}

/// Checks a delivery's signature over its raw `body` under `secret` (`whsec_…`), at `now_secs`.
/// An empty or undecodable secret never verifies.
pub fn verify_webhook(
    secret: &str,
    signed: &Signed<'_>,
    body: &[u8],
    now_secs: i64,
) -> Result<(), WebhookError> {
    let (Some(id), Some(timestamp), Some(signatures)) =
        (signed.id, signed.timestamp, signed.signatures)
    else {
        return Err(WebhookError::Missing);
    };
    let at: i64 = timestamp.trim().parse().map_err(|_| WebhookError::Stale)?;
    if (now_secs - at).abs() > TOLERANCE_SECS {
        return Err(WebhookError::Stale);
    }
    let expected = mac(secret, id, timestamp, body).ok_or(WebhookError::Mismatch)?;
    let matches = signatures
        .split_whitespace()
        .filter_map(|s| s.strip_prefix("v1,"))
        .filter_map(|s| B64.decode(s).ok())
        .any(|given| bool::from(given.as_slice().ct_eq(expected.as_slice())));
    if matches {
        Ok(())
    } else {
        Err(WebhookError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret_bytes: &[u8], id: &str, ts: &str, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret_bytes).expect("key");
        mac.update(format!("{id}.{ts}.").as_bytes());
        mac.update(body);
        format!("v1,{}", B64.encode(mac.finalize().into_bytes()))
    }

    #[test]
    fn what_is_signed_verifies_and_a_new_secret_is_a_standard_one() {
        let secret = new_secret(&[7; 32]);
        assert!(secret.starts_with("whsec_"), "{secret}");
        let body = br#"{"action":"q"}"#;
        let signature = sign_webhook(&secret, "bot_1", 1_700_000_000, body).unwrap();
        assert_eq!(signature, sign(&[7; 32], "bot_1", "1700000000", body));
        let signed = Signed {
            id: Some("bot_1"),
            timestamp: Some("1700000000"),
            signatures: Some(&signature),
        };
        assert_eq!(
            verify_webhook(&secret, &signed, body, 1_700_000_000),
            Ok(())
        );
        assert_eq!(sign_webhook("whsec_", "bot_1", 1, body), None);
    }

    #[test]
    fn webhooks_verify_on_raw_bytes_within_the_tolerance() {
        let raw = b"secret-bytes-for-the-webhook";
        let secret = format!("whsec_{}", B64.encode(raw));
        let body = br#"{"type":"email.received"}"#;
        let good = sign(raw, "msg_1", "1700000000", body);
        let both = format!("v1,AAAA {good}");
        let at = |signatures: &str, ts: &str, body: &[u8], now: i64| {
            let signed = Signed {
                id: Some("msg_1"),
                timestamp: Some(ts),
                signatures: Some(signatures),
            };
            verify_webhook(&secret, &signed, body, now)
        };
        assert_eq!(at(&good, "1700000000", body, 1_700_000_100), Ok(()));
        assert_eq!(at(&both, "1700000000", body, 1_700_000_000), Ok(()));
        assert_eq!(
            at(
                &good,
                "1700000000",
                br#"{"type": "email.received"}"#,
                1_700_000_000
            ),
            Err(WebhookError::Mismatch)
        );
        assert_eq!(
            at(
                &good,
                "1700000000",
                body,
                1_700_000_000 + TOLERANCE_SECS + 1
            ),
            Err(WebhookError::Stale)
        );
        assert_eq!(
            at(&good, "soon", body, 1_700_000_000),
            Err(WebhookError::Stale)
        );
        assert_eq!(
            at("v2,abc", "1700000000", body, 1_700_000_000),
            Err(WebhookError::Mismatch)
        );
        let unsigned = Signed {
            id: Some("msg_1"),
            timestamp: Some("1700000000"),
            signatures: None,
        };
        assert_eq!(
            verify_webhook(&secret, &unsigned, body, 1_700_000_000),
            Err(WebhookError::Missing)
        );
        let signed = Signed {
            id: Some("msg_1"),
            timestamp: Some("1700000000"),
            signatures: Some(&good),
        };
        assert_eq!(
            verify_webhook("whsec_", &signed, body, 1_700_000_000),
            Err(WebhookError::Mismatch)
        );
    }
}
