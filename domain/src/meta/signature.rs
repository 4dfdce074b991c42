//! Whether a webhook body really comes from Meta. Meta signs every `POST` with the app secret:
//! `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`. The check runs on the raw bytes
//! as received, before anything is parsed, because JSON that is equal but byte-for-byte
//! different (re-serialised, re-spaced, keys reordered) is not what Meta signed.
//!
//! Meta writes the digest in lower-case hex; upper-case is accepted too, since it names the same
//! bytes and refusing it would protect nothing.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header Meta signs webhook bodies in.
pub const SIGNATURE_HEADER: &str = "X-Hub-Signature-256";

/// Why a webhook body was refused. Whatever the reason, the edge refuses the request and stores
/// nothing; the variants are for its logs and status code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// There is no `X-Hub-Signature-256` header: not Meta, or a caller that does not sign.
    #[error("the X-Hub-Signature-256 header is missing")]
    Missing,
    /// The header is not `sha256=` followed by 64 hex digits (a legacy `sha1=` value, a
    /// truncated digest, stray characters).
    #[error("the X-Hub-Signature-256 header is not `sha256=` and 64 hex digits")]
    Malformed,
    /// The digest is well formed but is not the HMAC of these bytes under our app secret (or the
    /// app secret is empty, which is never accepted).
    #[error("the X-Hub-Signature-256 header does not match the body")]
    Mismatch,
}

/// Checks `header` (the `X-Hub-Signature-256` value, if any) against the HMAC-SHA256 of
/// `raw_body` under `app_secret`, comparing in constant time.
///
/// An empty `app_secret` never verifies: anyone can compute an HMAC under the empty key, so a
/// deployment missing its secret must refuse everything rather than accept everything.
pub fn verify_signature(
    app_secret: &[u8],
    header: Option<&str>,
    raw_body: &[u8],
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let digest = parse_header(header).ok_or(SignatureError::Malformed)?;
    if app_secret.is_empty() {
        return Err(SignatureError::Mismatch);
    }
    let mut mac =
        Hmac::<Sha256>::new_from_slice(app_secret).map_err(|_| SignatureError::Mismatch)?;
    mac.update(raw_body);
    // `verify_slice` compares in constant time, so timing reveals nothing about the digest.
    mac.verify_slice(&digest)
        .map_err(|_| SignatureError::Mismatch)
}

/// The 32 digest bytes of `sha256=<64 hex>`. Surrounding whitespace is ignored (some proxies
/// leave it); anything else is malformed.
fn parse_header(header: &str) -> Option<[u8; 32]> {
    let hex = header.trim().strip_prefix("sha256=")?.as_bytes();
    if hex.len() != 64 {
        return None;
    }
    let mut digest = [0u8; 32];
    hex::decode_to_slice(hex, &mut digest).ok()?;
    Some(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"porchlight-test-app-secret";
    const BODY: &[u8] =
        br#"{"object":"page","entry":[{"id":"682498302938465","time":1458692752478,"messaging":[]}]}"#;
    /// Computed independently:
    /// `python3 -c 'import hmac,hashlib; print(hmac.new(SECRET, BODY, hashlib.sha256).hexdigest())'`
    const DIGEST: &str = "e6fbcfe014128cf1aeaf172db874efe235c5e34f2274b7b85ff601682c1de168";

    fn header(digest: &str) -> String {
        format!("sha256={digest}")
    }

    #[test]
    fn a_body_signed_with_the_app_secret_verifies() {
        assert_eq!(
            verify_signature(SECRET, Some(&header(DIGEST)), BODY),
            Ok(())
        );
    }

    #[test]
    fn equal_json_with_different_bytes_does_not_verify() {
        let value: serde_json::Value = serde_json::from_slice(BODY).unwrap();
        let reserialised = serde_json::to_vec_pretty(&value).unwrap();
        let respaced = String::from_utf8(BODY.to_vec())
            .unwrap()
            .replace(',', ", ")
            .into_bytes();
        for body in [reserialised, respaced, [BODY, b"\n"].concat()] {
            assert_eq!(
                serde_json::from_slice::<serde_json::Value>(&body).unwrap(),
                value
            );
            assert_eq!(
                verify_signature(SECRET, Some(&header(DIGEST)), &body),
                Err(SignatureError::Mismatch)
            );
        }
    }

    #[test]
    fn a_wrong_secret_or_a_changed_body_does_not_verify() {
        let signed = header(DIGEST);
        for (secret, body) in [
            (&b"another-app-secret"[..], BODY),
            (SECRET, &BODY[..BODY.len() - 1]),
            (SECRET, b""),
        ] {
            assert_eq!(
                verify_signature(secret, Some(&signed), body),
                Err(SignatureError::Mismatch)
            );
        }
    }

    #[test]
    fn an_empty_app_secret_never_verifies() {
        // HMAC-SHA256 of the empty body under the empty key: anyone could send this.
        let empty = "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad";
        assert_eq!(
            verify_signature(b"", Some(&header(empty)), b""),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_missing_header_is_missing() {
        assert_eq!(
            verify_signature(SECRET, None, BODY),
            Err(SignatureError::Missing)
        );
    }

    #[test]
    fn malformed_headers_are_malformed() {
        for bad in [
            String::new(),
            DIGEST.to_owned(),
            format!("sha1={}", &DIGEST[..40]),
            format!("SHA256={DIGEST}"),
            format!("sha256:{DIGEST}"),
            header(&DIGEST[..63]),
            header(&format!("{DIGEST}0")),
            header(&format!("{}g", &DIGEST[..63])),
            header(&format!("{}é", &DIGEST[..62])),
            header(&format!(" {DIGEST}")),
        ] {
            assert_eq!(
                verify_signature(SECRET, Some(&bad), BODY),
                Err(SignatureError::Malformed),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn upper_case_hex_and_surrounding_whitespace_are_accepted() {
        assert_eq!(
            verify_signature(SECRET, Some(&header(&DIGEST.to_uppercase())), BODY),
            Ok(())
        );
        assert_eq!(
            verify_signature(SECRET, Some(&format!("  {}\t", header(DIGEST))), BODY),
            Ok(())
        );
    }
}
