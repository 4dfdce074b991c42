//! Identified visitors: a site's backend vouches for its signed-in user by signing their e-mail
//! with the site's identity secret (docs/identity.md):
//!
//! ```text
//! identificationToken = lowercase hex( HMAC-SHA256( key = secret, message = trim(lowercase(email)) ) )
//! ```
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
}

/// The verified identity (the address, trimmed and lowercased) when `token` is the HMAC of
/// `email` under `secret`. An empty secret never verifies.
pub fn verify(secret: &[u8], email: &str, token: &str) -> Result<String, IdentityError> {
    let identity = normalise_email(email).map_err(|_| IdentityError::BadEmail)?;
    let digest = parse_hex(token.trim()).ok_or(IdentityError::Mismatch)?;
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
        mac.update(form.as_bytes());
        matched |= mac.verify_slice(&digest).is_ok();
    }
    if matched {
        Ok(identity)
    } else {
        Err(IdentityError::Mismatch)
    }
}

/// The token for `email` under `secret` (what a site's backend computes; used by tests and by
/// the install page's example).
pub fn sign(secret: &[u8], email: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mac) => mac,
        // HMAC takes keys of any length; this arm cannot run.
        Err(_) => return String::new(),
    };
    mac.update(email.trim().to_lowercase().as_bytes());
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

    #[test]
    fn the_documented_vector_verifies_and_names_the_contact() {
        assert_eq!(sign(SECRET, EMAIL), TOKEN);
        assert_eq!(
            verify(SECRET, EMAIL, TOKEN).as_deref(),
            Ok("ada.lovelace@example.com")
        );
        // Upper-case hex names the same bytes.
        assert!(verify(SECRET, EMAIL, &TOKEN.to_uppercase()).is_ok());
    }

    #[test]
    fn forged_tokens_and_other_addresses_are_refused() {
        let mut forged = TOKEN.to_owned();
        forged.replace_range(63..64, "c");
        assert_eq!(verify(SECRET, EMAIL, &forged), Err(IdentityError::Mismatch));
        assert_eq!(
            verify(SECRET, "grace.hopper@example.com", TOKEN),
            Err(IdentityError::Mismatch)
        );
        assert_eq!(
            verify(b"another-secret", EMAIL, TOKEN),
            Err(IdentityError::Mismatch)
        );
        assert_eq!(verify(b"", EMAIL, TOKEN), Err(IdentityError::Mismatch));
        assert_eq!(verify(SECRET, EMAIL, "bf7d"), Err(IdentityError::Mismatch));
        assert_eq!(
            verify(SECRET, EMAIL, &"zz".repeat(32)),
            Err(IdentityError::Mismatch)
        );
        assert_eq!(
            verify(SECRET, "not an address", TOKEN),
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
            verify(SECRET, email, &javascript).as_deref(),
            Ok("élodie@example.com")
        );
        assert_eq!(
            verify(SECRET, email, &php).as_deref(),
            Ok("élodie@example.com")
        );
    }

    #[test]
    fn secrets_are_hex_of_their_bytes() {
        let secret = secret_text(&[0xab; SECRET_BYTES]);
        assert_eq!(secret.len(), 64);
        assert!(secret.bytes().all(|b| b == b'a' || b == b'b'));
    }
}
