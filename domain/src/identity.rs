//! Identified visitors: a site's backend vouches for its signed-in user by signing their e-mail
//! with the site's identity secret (docs/identity.md):
//!
//! ```text
//! identificationToken = lowercase hex( HMAC-SHA256( key = secret, message = trim(lowercase(email)) ) )
//! ```
//!
//! or, with an expiry (seconds since the Unix epoch) that the edge enforces:
//!
//! ```text
//! identificationToken = expires + "." + lowercase hex( HMAC-SHA256( key = secret,
//!                           message = trim(lowercase(email)) + "|" + expires ) )
//! ```
//!
//! A site may require the second form (`IdentitySettings::expiring_tokens`); until it does,
//! tokens without an expiry keep working.
//!
//! The edge checks the token here, in constant time, and only a verified address ever links a
//! visitor to a contact or merges two visitors: an unverified claim changes nothing.
//!
//! Lowercasing: the documented examples lowercase with their language's own function, and those
//! disagree beyond ASCII (PHP's `strtolower` leaves `É` alone, JavaScript and Python lowercase
//! it). A token over either form is accepted, since both come from the holder of the secret for
//! the same address; the contact is keyed by the fully lowercased form, so both find one contact.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::credentials::normalise_email;

/// Bytes of a generated identity secret (256 bits, shown as 64 hex digits).
pub const SECRET_BYTES: usize = 32;

/// Why an identification was refused. Either way nothing is linked or stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// `identificationEmail` is not an e-mail address.
    #[error("the identification e-mail is not an e-mail address")]
    BadEmail,
    /// The token is not 64 hex digits, or is not the HMAC of this e-mail under the secret.
    #[error("the identification token does not match the e-mail")]
    Mismatch,
    /// The token's expiry has passed: the site's backend signs a new one.
    #[error("the identification token has expired")]
    Expired,
    /// The site takes only tokens with an expiry, and this one has none.
    #[error("this site takes only identification tokens with an expiry")]
    ExpiryRequired,
}

/// What a token is checked against besides the secret: the time, and whether the site takes
/// only tokens with an expiry.
#[derive(Clone, Copy, Debug)]
pub struct Checked {
    /// Now, in seconds since the Unix epoch.
    pub now_s: i64,
    pub expiry_required: bool,
}

/// The verified identity (the address, trimmed and lowercased) when `token` is the HMAC of
/// `email` (and of its expiry, not yet passed, when it has one) under `secret`. An empty
/// secret never verifies.
pub fn verify(
    secret: &[u8],
    email: &str,
    token: &str,
    checked: Checked,
) -> Result<String, IdentityError> {
    let identity = normalise_email(email).map_err(|_| IdentityError::BadEmail)?;
    let token = token.trim();
    let (expires, digits) = match token.split_once('.') {
        Some((expires, digits)) => {
            let expires: i64 = (!expires.is_empty() && expires.bytes().all(|b| b.is_ascii_digit()))
                .then(|| expires.parse().ok())
                .flatten()
                .ok_or(IdentityError::Mismatch)?;
            (Some(expires), digits)
        }
        None if checked.expiry_required => return Err(IdentityError::ExpiryRequired),
        None => (None, token),
    };
    let digest = parse_hex(digits).ok_or(IdentityError::Mismatch)?;
    if secret.is_empty() {
        return Err(IdentityError::Mismatch);
    }
    let trimmed = email.trim();
    let ascii = trimmed.to_ascii_lowercase();
    let signed_forms = [identity.as_str(), ascii.as_str()];
    // Both forms are always checked, so the time taken does not say which one matched.
    let mut matched = false;
    for form in signed_forms {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
            return Err(IdentityError::Mismatch);
        };
        mac.update(message(form, expires).as_bytes());
        matched |= mac.verify_slice(&digest).is_ok();
    }
    match expires {
        _ if !matched => Err(IdentityError::Mismatch),
        Some(expires) if expires <= checked.now_s => Err(IdentityError::Expired),
        _ => Ok(identity),
    }
}

/// What is signed: the address, and its expiry when it has one.
fn message(email: &str, expires: Option<i64>) -> String {
    match expires {
        Some(expires) => format!("{email}|{expires}"),
        None => email.to_owned(),
    }
}

/// The token for `email` under `secret` (what a site's backend computes; used by tests and by
/// the install page's example).
pub fn sign(secret: &[u8], email: &str) -> String {
    hmac_hex(secret, &message(&email.trim().to_lowercase(), None))
}

/// The token for `email` under `secret` that expires at `expires` (seconds since the epoch).
pub fn sign_until(secret: &[u8], email: &str, expires: i64) -> String {
    let digest = hmac_hex(
        secret,
        &message(&email.trim().to_lowercase(), Some(expires)),
    );
    format!("{expires}.{digest}")
}

fn hmac_hex(secret: &[u8], message: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mac) => mac,
        // HMAC takes keys of any length; this arm cannot run.
        Err(_) => return String::new(),
    };
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A new secret from `random` bytes (the caller draws them from a CSPRNG), as lowercase hex:
/// printable, and the same bytes in every server language.
pub fn secret_text(random: &[u8; SECRET_BYTES]) -> String {
    hex::encode(random)
}

/// 64 hex digits (either case) as the 32 bytes they name.
fn parse_hex(digits: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(digits, &mut out).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/identity.md's test vector, computed there with Node.js, Python, PHP and openssl.
    const SECRET: &[u8] = b"porchlight-identity-secret-0001";
    const EMAIL: &str = "  Ada.Lovelace@Example.COM ";
    const TOKEN: &str = "bf7d531023dc882aa3006c140d805656307bfe06ac0583f7383629609d1dda8d";
    /// 2030-01-01T00:00:00Z, and a moment before it.
    const EXPIRES: i64 = 1_893_456_000;
    const BEFORE: Checked = Checked {
        now_s: EXPIRES - 60,
        expiry_required: false,
    };

    fn check(secret: &[u8], email: &str, token: &str) -> Result<String, IdentityError> {
        verify(secret, email, token, BEFORE)
    }

    #[test]
    fn the_documented_vector_verifies_and_names_the_contact() {
        assert_eq!(sign(SECRET, EMAIL), TOKEN);
        assert_eq!(
            check(SECRET, EMAIL, TOKEN).as_deref(),
            Ok("ada.lovelace@example.com")
        );
        // Upper-case hex names the same bytes.
        assert!(check(SECRET, EMAIL, &TOKEN.to_uppercase()).is_ok());
    }

    #[test]
    fn forged_tokens_and_other_addresses_are_refused() {
        let mut forged = TOKEN.to_owned();
        forged.replace_range(63..64, "c");
        assert_eq!(check(SECRET, EMAIL, &forged), Err(IdentityError::Mismatch));
        assert_eq!(
            check(SECRET, "grace.hopper@example.com", TOKEN),
            Err(IdentityError::Mismatch)
        );
        assert_eq!(
            check(b"another-secret", EMAIL, TOKEN),
            Err(IdentityError::Mismatch)
        );
        assert_eq!(check(b"", EMAIL, TOKEN), Err(IdentityError::Mismatch));
        assert_eq!(check(SECRET, EMAIL, "bf7d"), Err(IdentityError::Mismatch));
        assert_eq!(
            check(SECRET, EMAIL, &"zz".repeat(32)),
            Err(IdentityError::Mismatch)
        );
        assert_eq!(
            check(SECRET, "not an address", TOKEN),
            Err(IdentityError::BadEmail)
        );
    }

    #[test]
    fn php_and_javascript_lowercasing_both_verify_as_one_contact() {
        let email = "Élodie@Example.com";
        let javascript = sign(SECRET, email);
        let mut mac = Hmac::<Sha256>::new_from_slice(SECRET).unwrap();
        mac.update("Élodie@example.com".as_bytes());
        let php = hex::encode(mac.finalize().into_bytes());
        assert_ne!(javascript, php);
        assert_eq!(
            check(SECRET, email, &javascript).as_deref(),
            Ok("élodie@example.com")
        );
        assert_eq!(
            check(SECRET, email, &php).as_deref(),
            Ok("élodie@example.com")
        );
    }

    #[test]
    fn a_token_with_an_expiry_works_until_then_and_only_for_its_address() {
        let token = sign_until(SECRET, EMAIL, EXPIRES);
        assert!(token.starts_with("1893456000."), "{token}");
        assert_eq!(
            check(SECRET, EMAIL, &token).as_deref(),
            Ok("ada.lovelace@example.com")
        );
        let at_expiry = Checked {
            now_s: EXPIRES,
            expiry_required: false,
        };
        assert_eq!(
            verify(SECRET, EMAIL, &token, at_expiry),
            Err(IdentityError::Expired)
        );
        // The expiry is signed: moved on, the token no longer matches.
        let moved = token.replacen("1893456000", "1993456000", 1);
        assert_eq!(check(SECRET, EMAIL, &moved), Err(IdentityError::Mismatch));
        assert_eq!(
            check(SECRET, "grace.hopper@example.com", &token),
            Err(IdentityError::Mismatch)
        );
        for bad in [".abc", "12x.ab", "-5.ab", "1.", "1.zz"] {
            assert_eq!(
                check(SECRET, EMAIL, bad),
                Err(IdentityError::Mismatch),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_site_may_refuse_tokens_without_an_expiry() {
        let strict = Checked {
            now_s: EXPIRES - 60,
            expiry_required: true,
        };
        assert_eq!(
            verify(SECRET, EMAIL, TOKEN, strict),
            Err(IdentityError::ExpiryRequired)
        );
        let token = sign_until(SECRET, EMAIL, EXPIRES);
        assert!(verify(SECRET, EMAIL, &token, strict).is_ok());
    }

    #[test]
    fn secrets_are_hex_of_their_bytes() {
        let secret = secret_text(&[0xab; SECRET_BYTES]);
        assert_eq!(secret.len(), 64);
        assert!(secret.bytes().all(|b| b == b'a' || b == b'b'));
    }
}
