//! Continuing a website chat by e-mail once the visitor has left: the agents' replies go to the
//! address the team knows, from the site's sender, with a reply address that leads back to the
//! conversation; what the visitor writes back arrives through the e-mail provider's inbound
//! webhook and joins the thread as theirs.
//!
//! - **The reply address** is `{conversation id}.{tag}@{inbound domain}`: the tag is the first
//!   [`TAG_BYTES`] bytes of HMAC-SHA256 under the deployment's `TOKEN_KEY`, in lower-case hex
//!   (mail systems may fold case). Nobody can write into a conversation whose tag they were not
//!   sent, and the tag is checked in constant time.
//! - **The webhook** is signed the Standard Webhooks way (Svix, as Resend sends it): HMAC-SHA256
//!   of `{id}.{timestamp}.{raw body}` under the base64 secret after `whsec_`, in `v1,<base64>`
//!   signatures; a timestamp more than [`TOLERANCE_SECS`] away is refused, so a captured delivery
//!   cannot be replayed later.
//! - **What the visitor wrote** is the reply without the quoted e-mail below it: cut at the
//!   marker line the e-mail carries, at the client's "On … wrote:" line, at a forwarded or
//!   original-message header, and without `>` quotes or a signature after `-- `.
//!
//! This module keeps the reply address and which files of an answer are taken; the rest is in
//! submodules, their items re-exported here so `domain::email::inbound::x` works for every
//! caller:
//!
//! - the inbound webhook's signature is `crate::webhooks`' (the bots' calls are signed there
//!   too).
//! - `text`: what the visitor wrote, above the quoted e-mail, from the text or the HTML.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

mod text;

pub use crate::webhooks::{verify_webhook, Signed, WebhookError, TOLERANCE_SECS};
pub use text::{html_text, new_text, REPLY_ABOVE};

/// Bytes of MAC in a reply address (64 bits: guessing is hopeless, the address stays short).
pub const TAG_BYTES: usize = 8;

/// Longest conversation id a reply address may carry (ids are `c_` and 32 hex digits).
const ID_MAX: usize = 40;

fn tag(key: &[u8], conversation_id: &str) -> Option<[u8; TAG_BYTES]> {
    if key.is_empty() {
        return None;
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
    mac.update(b"reply-to:");
    mac.update(conversation_id.as_bytes());
    let full = mac.finalize().into_bytes();
    full.get(..TAG_BYTES)?.try_into().ok()
}

/// The address the visitor's e-mail client replies to for `conversation_id`; `None` without a
/// key (an empty key would let anyone make addresses).
pub fn reply_address(key: &[u8], conversation_id: &str, domain: &str) -> Option<String> {
    let tag = tag(key, conversation_id)?;
    Some(format!(
        "{conversation_id}.{}@{}",
        hex::encode(tag),
        domain.to_ascii_lowercase()
    ))
}

/// The conversation a reply address leads to, when `address` (a bare address or a mailbox
/// such as `Name <a@b>`) is on `domain` and its tag is right.
pub fn conversation_of(key: &[u8], address: &str, domain: &str) -> Option<String> {
    let address = bare_address(address).to_ascii_lowercase();
    let (local, at) = address.rsplit_once('@')?;
    if at != domain.to_ascii_lowercase() {
        return None;
    }
    let (id, given) = local.rsplit_once('.')?;
    let well_formed = !id.is_empty()
        && id.len() <= ID_MAX
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !well_formed {
        return None;
    }
    let given = hex::decode(given).ok()?;
    let expected = tag(key, id)?;
    bool::from(given.as_slice().ct_eq(&expected)).then(|| id.to_owned())
}

/// `a@b` from `Name <a@b>` (or the text itself, trimmed, when it has no angle brackets).
pub fn bare_address(mailbox: &str) -> &str {
    let mailbox = mailbox.trim();
    match (mailbox.rfind('<'), mailbox.rfind('>')) {
        (Some(open), Some(close)) if open < close => mailbox[open + 1..close].trim(),
        _ => mailbox,
    }
}

/// Most files taken from one e-mail answer; any beyond are named in the thread, not taken.
pub const FILES_MAX: usize = 10;

/// The id a file taken from an e-mail answer is kept under: the same for every delivery of that
/// e-mail, so a redelivery writes the same object and row again instead of new ones.
pub fn file_id(email_id: &str, attachment_id: &str) -> String {
    use sha2::Digest as _;
    let digest = Sha256::digest(format!("{email_id}/{attachment_id}").as_bytes());
    format!("f_{}", hex::encode(&digest[..16]))
}

/// Whether an attachment of an e-mail is a file the visitor sent, rather than a picture drawn
/// in its HTML (a signature's logo, a quoted e-mail's images), which comes `inline` with an id.
pub fn is_sent_file(content_disposition: Option<&str>, content_id: Option<&str>) -> bool {
    let inline = content_disposition.is_some_and(|d| d.eq_ignore_ascii_case("inline"));
    !(inline && content_id.is_some_and(|c| !c.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_reply_address_leads_back_to_its_conversation_only() {
        let address = reply_address(KEY, "c_0a1b", "In.Example.com").expect("address");
        assert!(address.starts_with("c_0a1b."), "{address}");
        assert!(address.ends_with("@in.example.com"), "{address}");
        let local = address.split('@').next().unwrap_or_default();
        assert!(local.len() <= 64);
        assert_eq!(
            conversation_of(KEY, &address, "in.example.com").as_deref(),
            Some("c_0a1b")
        );
        // In a mailbox, in capitals: still the same address.
        let mailbox = format!("Bakery <{}>", address.to_uppercase());
        assert_eq!(
            conversation_of(KEY, &mailbox, "in.example.com").as_deref(),
            Some("c_0a1b")
        );
        // Another conversation's id with this tag, another domain, another key, no key.
        let forged = address.replace("c_0a1b", "c_0a1c");
        assert_eq!(conversation_of(KEY, &forged, "in.example.com"), None);
        assert_eq!(conversation_of(KEY, &address, "example.com"), None);
        assert_eq!(conversation_of(b"other", &address, "in.example.com"), None);
        assert_eq!(conversation_of(b"", &address, "in.example.com"), None);
        assert_eq!(reply_address(b"", "c_0a1b", "in.example.com"), None);
        assert_eq!(
            conversation_of(KEY, "support@in.example.com", "in.example.com"),
            None
        );
        assert_eq!(
            conversation_of(KEY, "c-x.zz@in.example.com", "in.example.com"),
            None
        );
    }

    #[test]
    fn files_keep_one_id_per_email_and_inline_pictures_are_not_files() {
        assert_eq!(file_id("e1", "a1"), file_id("e1", "a1"));
        assert_ne!(file_id("e1", "a1"), file_id("e1", "a2"));
        assert_ne!(file_id("e1", "a1"), file_id("e2", "a1"));
        assert_eq!(file_id("e1", "a1").len(), 34);
        assert!(is_sent_file(Some("attachment"), None));
        assert!(is_sent_file(None, None));
        assert!(is_sent_file(Some("inline"), None));
        assert!(!is_sent_file(Some("inline"), Some("logo@x")));
        assert!(!is_sent_file(Some("INLINE"), Some("img001")));
    }
}
