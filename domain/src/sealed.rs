//! Secrets kept at rest (Meta access tokens) sealed with AES-256-GCM: a 256-bit key from a Worker
//! secret, a fresh 96-bit nonce per value (the caller supplies it from a CSPRNG), and the row's id
//! as associated data, so a sealed value copied into another row does not open. The stored form
//! is `v1.<nonce>.<ciphertext+tag>` in unpadded base64url, so the scheme can change later.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD as B64};
use base64::Engine as _;

/// Bytes in a key.
pub const KEY_BYTES: usize = 32;
/// Bytes in a nonce.
pub const NONCE_BYTES: usize = 12;

/// Why a key or a sealed value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// The key is not 32 bytes of standard base64 (`openssl rand -base64 32`).
    #[error("the sealing key must be 32 bytes, base64-encoded")]
    BadKey,
    /// The stored value is not in the `v1.nonce.ciphertext` form.
    #[error("the sealed value is malformed")]
    Malformed,
    /// The value does not open with this key and associated data (wrong key, wrong row, or
    /// tampered with).
    #[error("the sealed value does not open with this key")]
    Rejected,
}

/// Reads a key as `openssl rand -base64 32` prints it.
pub fn parse_key(base64: &str) -> Result<[u8; KEY_BYTES], SealError> {
    STANDARD
        .decode(base64.trim())
        .ok()
        .and_then(|k| <[u8; KEY_BYTES]>::try_from(k).ok())
        .ok_or(SealError::BadKey)
}

/// Seals `plaintext`, bound to `aad`.
pub fn seal(
    key: &[u8; KEY_BYTES],
    nonce: &[u8; NONCE_BYTES],
    aad: &[u8],
    plaintext: &[u8],
) -> String {
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
    // Encryption with a valid key and nonce only fails for inputs larger than GCM allows
    // (64 GiB); tokens are a few hundred bytes.
    let sealed = cipher
        .encrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .unwrap_or_default();
    format!("v1.{}.{}", B64.encode(nonce), B64.encode(sealed))
}

/// Opens a value sealed by [`seal`] with the same key and `aad`.
pub fn open(key: &[u8; KEY_BYTES], aad: &[u8], sealed: &str) -> Result<Vec<u8>, SealError> {
    let mut parts = sealed.split('.');
    let (Some("v1"), Some(nonce), Some(body), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(SealError::Malformed);
    };
    let nonce = B64.decode(nonce).map_err(|_| SealError::Malformed)?;
    let body = B64.decode(body).map_err(|_| SealError::Malformed)?;
    if nonce.len() != NONCE_BYTES {
        return Err(SealError::Malformed);
    }
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
    cipher
        .decrypt(Nonce::from_slice(&nonce), Payload { msg: &body, aad })
        .map_err(|_| SealError::Rejected)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [7; 32];

    #[test]
    fn round_trips_and_hides_the_plaintext() {
        let sealed = seal(&KEY, &[1; 12], b"conn_1", b"EAAB-secret-token");
        assert!(sealed.starts_with("v1."));
        assert!(!sealed.contains("secret"));
        assert_eq!(
            open(&KEY, b"conn_1", &sealed).unwrap(),
            b"EAAB-secret-token"
        );
    }

    #[test]
    fn a_value_does_not_open_elsewhere() {
        let sealed = seal(&KEY, &[1; 12], b"conn_1", b"token");
        assert_eq!(open(&[8; 32], b"conn_1", &sealed), Err(SealError::Rejected));
        assert_eq!(open(&KEY, b"conn_2", &sealed), Err(SealError::Rejected));
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(open(&KEY, b"conn_1", &tampered), Err(SealError::Rejected));
        for bad in [
            "",
            "v1.",
            "v2.AAAA.AAAA",
            "v1.AAAA.AAAA",
            "v1.!!.??",
            "v1.a.b.c",
        ] {
            assert!(open(&KEY, b"conn_1", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn keys_are_32_bytes_of_base64() {
        let key = STANDARD.encode([3u8; 32]);
        assert_eq!(parse_key(&format!(" {key}\n")).unwrap(), [3; 32]);
        assert_eq!(parse_key("c2hvcnQ="), Err(SealError::BadKey));
        assert_eq!(parse_key("not base64!"), Err(SealError::BadKey));
    }
}
