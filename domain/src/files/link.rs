//! Signed, expiring links to one file of one conversation (HMAC-SHA256 under the deployment's
//! key): how Meta fetches a file an agent sends on Messenger or WhatsApp, without a session or
//! a visitor token.

use hmac::{Hmac, Mac};
use protocol::Millis;
use sha2::Sha256;

/// How long a link for Meta to fetch a file works: beyond the Send API's own retries.
pub const FILE_LINK_TTL_MS: Millis = 7 * 24 * 60 * 60 * 1000;

fn link_mac(key: &[u8], conversation: &str, file: &str, expires: Millis) -> Option<Hmac<Sha256>> {
    if key.is_empty() {
        return None;
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
    // A purpose of its own, so no other HMAC under the same key can pass for a link.
    mac.update(format!("porchlight file link\n{conversation}\n{file}\n{expires}").as_bytes());
    Some(mac)
}

/// The path and query of a link to `file` of `conversation` that works until `expires`:
/// `/files/{conversation}/{file}?expires=MS&signature=HEX` (HMAC-SHA256 under `key`). `None`
/// without a key.
pub fn file_link(key: &[u8], conversation: &str, file: &str, expires: Millis) -> Option<String> {
    let signature = hex::encode(
        link_mac(key, conversation, file, expires)?
            .finalize()
            .into_bytes(),
    );
    Some(format!(
        "/files/{conversation}/{file}?expires={expires}&signature={signature}"
    ))
}

/// Whether a link's `expires` and `signature` (as they came in the query) are this file's and
/// it has not expired at `now`; compared in constant time.
pub fn link_valid(
    key: &[u8],
    conversation: &str,
    file: &str,
    expires: Option<&str>,
    signature: Option<&str>,
    now: Millis,
) -> bool {
    let (Some(expires), Some(signature)) = (expires, signature) else {
        return false;
    };
    let Ok(expires) = expires.parse::<Millis>() else {
        return false;
    };
    let (Ok(signature), Some(mac)) = (
        hex::decode(signature),
        link_mac(key, conversation, file, expires),
    ) else {
        return false;
    };
    now < expires && mac.verify_slice(&signature).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn parts(link: &str) -> (String, String) {
        let query = link.split_once('?').map(|(_, q)| q).unwrap_or_default();
        let value = |name: &str| {
            query
                .split('&')
                .find_map(|p| p.strip_prefix(&format!("{name}=")))
                .unwrap_or_default()
                .to_owned()
        };
        (value("expires"), value("signature"))
    }

    #[test]
    fn a_link_opens_its_own_file_until_it_expires() {
        let link = file_link(KEY, "c_1", "f_1", 5_000).unwrap();
        assert!(link.starts_with("/files/c_1/f_1?expires=5000&signature="));
        let (expires, signature) = parts(&link);
        let valid =
            |c: &str, f: &str, e: &str, s: &str, now| link_valid(KEY, c, f, Some(e), Some(s), now);
        assert!(valid("c_1", "f_1", &expires, &signature, 4_999));
        assert!(!valid("c_1", "f_1", &expires, &signature, 5_000), "expired");
        assert!(
            !valid("c_1", "f_2", &expires, &signature, 1),
            "another file"
        );
        assert!(
            !valid("c_2", "f_1", &expires, &signature, 1),
            "another conversation"
        );
        assert!(
            !valid("c_1", "f_1", "9999999", &signature, 1),
            "a later expiry"
        );
        let mut forged = signature.clone();
        forged.replace_range(0..1, if forged.starts_with('0') { "1" } else { "0" });
        assert!(!valid("c_1", "f_1", &expires, &forged, 1));
        assert!(!valid("c_1", "f_1", &expires, "not hex", 1));
        assert!(!link_valid(KEY, "c_1", "f_1", None, Some(&signature), 1));
        assert!(!link_valid(
            b"another key",
            "c_1",
            "f_1",
            Some(&expires),
            Some(&signature),
            1
        ));
        assert_eq!(file_link(b"", "c_1", "f_1", 5_000), None, "no key, no link");
        assert!(!link_valid(
            b"",
            "c_1",
            "f_1",
            Some(&expires),
            Some(&signature),
            1
        ));
    }
}
