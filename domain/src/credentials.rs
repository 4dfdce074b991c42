//! How secrets are checked and stored: bearer tokens (visitor tokens, agent sessions, the setup
//! token) are kept only as SHA-256 digests; passwords as PBKDF2-SHA256 hashes in a
//! self-describing string so the work factor can be raised without a migration.
//!
//! The key derivation itself runs in WebCrypto at the edge (it is native code there and does not
//! count against the Worker's wasm CPU); this module owns the format and the comparisons.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use protocol::api::ErrorCode;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::Rejection;

/// PBKDF2-SHA256 iterations for new password hashes. workerd's WebCrypto refuses more than
/// 100,000 iterations, so this is the highest the edge can use; hashes record their own count.
pub const PBKDF2_ITERATIONS: u32 = 100_000;
/// Bytes of random salt per password.
pub const SALT_BYTES: usize = 16;
/// Bytes of derived key stored.
pub const HASH_BYTES: usize = 32;
/// Bytes of randomness in a bearer token (visitor token, session).
pub const TOKEN_BYTES: usize = 32;

const SCHEME: &str = "pbkdf2-sha256";

/// Encodes random bytes as a bearer token (URL-safe base64, no padding).
pub fn encode_token(random: &[u8]) -> String {
    B64.encode(random)
}

/// The digest under which a bearer token is stored and looked up (hex SHA-256).
pub fn token_digest(token: &str) -> String {
    sha256_hex(token)
}

/// The hex SHA-256 of `text`: a fixed-size key for text of any length.
pub fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two secrets in time that depends only on their lengths.
pub fn secrets_equal(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// A stored password hash: `pbkdf2-sha256$ITERATIONS$SALT$HASH` (base64url, no padding).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswordHash {
    pub iterations: u32,
    pub salt: Vec<u8>,
    pub hash: Vec<u8>,
}

impl PasswordHash {
    /// Parses the stored form; `None` for anything else (treated as "no password matches").
    pub fn parse(stored: &str) -> Option<Self> {
        let mut parts = stored.split('$');
        if parts.next()? != SCHEME {
            return None;
        }
        let iterations = parts.next()?.parse().ok().filter(|i| *i > 0)?;
        let salt = B64.decode(parts.next()?).ok()?;
        let hash = B64.decode(parts.next()?).ok()?;
        if parts.next().is_some() || salt.is_empty() || hash.is_empty() {
            return None;
        }
        Some(Self {
            iterations,
            salt,
            hash,
        })
    }

    /// The stored form.
    pub fn encode(&self) -> String {
        format!(
            "{SCHEME}${}${}${}",
            self.iterations,
            B64.encode(&self.salt),
            B64.encode(&self.hash)
        )
    }

    /// Whether a key derived from a candidate password with this hash's salt and iterations is
    /// the stored one (constant time).
    pub fn matches(&self, derived: &[u8]) -> bool {
        secrets_equal(&self.hash, derived)
    }
}

/// A new password in `field`: 10 to 256 characters. Length is what matters; no composition
/// rules.
pub fn validate_new_password(field: &str, password: &str) -> Result<(), Rejection> {
    let n = password.chars().count();
    if (10..=256).contains(&n) {
        Ok(())
    } else {
        Err(Rejection::field(field, "must have 10 to 256 characters"))
    }
}

/// Trims and lower-cases an e-mail address and checks that it is one: a *valid e-mail address*
/// as the HTML standard defines it (what `<input type="email">` accepts, and so what the apps'
/// fields already check), with a dot in the domain besides (an address mail can reach from the
/// internet). The standard's definition is a deliberate subset of RFC 5322: no quoted local parts
/// or comments, so `"<script>"@x.example` and `<script>…</script>@x.example` are not addresses.
pub fn normalise_email(email: &str) -> Result<String, Rejection> {
    let email = email.trim().to_lowercase();
    if email.len() <= 254 && is_email_address(&email) {
        Ok(email)
    } else {
        Err(Rejection::field("email", "is not an e-mail address"))
    }
}

/// The HTML standard's *valid e-mail address*
/// (<https://html.spec.whatwg.org/multipage/input.html#valid-e-mail-address>), with at least two
/// labels in the domain: `local@label(.label)+`, where the local part is one or more letters,
/// digits and `.!#$%&'*+/=?^_`{|}~-`, and each label is 1 to 63 letters, digits and hyphens,
/// neither starting nor ending with a hyphen. Letters and digits are Unicode's, not only ASCII's
/// (internationalised addresses, RFC 6531, such as `élodie@exemple.fr`, which sites' backends
/// identify their users by): what the standard keeps out (quotes, angle brackets, spaces,
/// comments, IP literals) stays out.
fn is_email_address(email: &str) -> bool {
    const LOCAL_SYMBOLS: &str = ".!#$%&'*+/=?^_`{|}~-";
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || LOCAL_SYMBOLS.contains(c));
    let label_ok = |label: &str| {
        (1..=63).contains(&label.len())
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    local_ok && domain.split('.').count() >= 2 && domain.split('.').all(label_ok)
}

/// A name shown to people (agent name, site name): 1 to 80 characters after trimming.
pub fn validate_display_name(field: &str, name: &str) -> Result<String, Rejection> {
    let name = name.trim();
    let n = name.chars().count();
    if (1..=80).contains(&n) && !name.chars().any(char::is_control) {
        Ok(name.to_owned())
    } else {
        Err(Rejection::field(
            field,
            "must have 1 to 80 characters and no control characters",
        ))
    }
}

/// The `Authorization: Bearer` token of a header value, if well formed.
pub fn bearer_token(header: Option<&str>) -> Result<&str, Rejection> {
    let header = header.ok_or_else(|| {
        Rejection::new(
            ErrorCode::Unauthenticated,
            "An `Authorization: Bearer` token is required.",
        )
    })?;
    match header.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim())
        }
        _ => Err(Rejection::new(
            ErrorCode::Unauthenticated,
            "The `Authorization` header must be `Bearer <token>`.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_round_trips() {
        let h = PasswordHash {
            iterations: PBKDF2_ITERATIONS,
            salt: vec![1; SALT_BYTES],
            hash: vec![2; HASH_BYTES],
        };
        let stored = h.encode();
        assert!(stored.starts_with("pbkdf2-sha256$100000$"));
        assert_eq!(PasswordHash::parse(&stored), Some(h.clone()));
        assert!(h.matches(&[2; HASH_BYTES]));
        assert!(!h.matches(&[3; HASH_BYTES]));
        assert!(!h.matches(&[2; HASH_BYTES - 1]));
    }

    #[test]
    fn foreign_or_damaged_hashes_do_not_parse() {
        for bad in [
            "",
            "bcrypt$10$abc$def",
            "pbkdf2-sha256$0$AQ$Ag",
            "pbkdf2-sha256$x$AQ$Ag",
            "pbkdf2-sha256$10$AQ",
            "pbkdf2-sha256$10$AQ$Ag$extra",
            "pbkdf2-sha256$10$$Ag",
        ] {
            assert_eq!(PasswordHash::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn token_digest_is_sha256_hex() {
        assert_eq!(
            token_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            normalise_email("  Ada@Example.COM ").unwrap(),
            "ada@example.com"
        );
        for good in [
            "a@b.co",
            "first.last+tag@mail.example.org",
            "o'brien@x-y.example",
            "!#$%&'*+/=?^_`{|}~-@example.com",
            "élodie@exemple.fr",
            "ä@exämple.com",
        ] {
            assert_eq!(normalise_email(good).as_deref(), Ok(good), "{good}");
        }
        for bad in [
            "",
            "ada",
            "ada@",
            "@x.y",
            "a@b",
            "a b@c.d",
            "a@b..c",
            "a@@b.c",
            "<script>alert(1)</script>@x.example",
            "\"<script>\"@x.example",
            "a@<b>.example",
            "a\"b@x.example",
            "a(comment)@x.example",
            "a@-x.example",
            "a@x-.example",
            "a@x_y.example",
            "a@.example",
            "a@example.",
            "a\u{200b}b@example.com",
            "a@ex\u{ff0e}ample.com",
            "a@[127.0.0.1]",
        ] {
            assert!(normalise_email(bad).is_err(), "{bad}");
        }
        let long_label = format!("a@{}.example", "x".repeat(64));
        assert!(normalise_email(&long_label).is_err());
        let long = format!("{}@example.com", "a".repeat(243));
        assert!(normalise_email(&long).is_err(), "255 characters");
    }

    #[test]
    fn passwords_need_length() {
        let short = validate_new_password("new_password", "short").unwrap_err();
        assert!(short.message.contains("`new_password`"), "{short:?}");
        assert!(validate_new_password("password", "long enough pass").is_ok());
    }

    #[test]
    fn bearer_tokens_are_parsed_strictly() {
        assert_eq!(bearer_token(Some("Bearer abc")).unwrap(), "abc");
        assert_eq!(bearer_token(Some("bearer  abc ")).unwrap(), "abc");
        assert_eq!(
            bearer_token(None).unwrap_err().code,
            ErrorCode::Unauthenticated
        );
        assert!(bearer_token(Some("Basic abc")).is_err());
        assert!(bearer_token(Some("Bearer ")).is_err());
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(validate_display_name("name", "  Ada ").unwrap(), "Ada");
        assert!(validate_display_name("name", "   ").is_err());
        assert!(validate_display_name("name", &"x".repeat(81)).is_err());
        assert!(validate_display_name("name", "a\u{7}b").is_err());
    }
}
