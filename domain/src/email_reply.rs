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

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The line the reply e-mail asks the visitor to write above; everything from it down is cut.
pub const REPLY_ABOVE: &str = "## Please write your reply above this line ##";

/// Bytes of MAC in a reply address (64 bits: guessing is hopeless, the address stays short).
pub const TAG_BYTES: usize = 8;

/// How far a webhook's timestamp may be from now, in seconds.
pub const TOLERANCE_SECS: i64 = 5 * 60;

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
    let key = B64
        .decode(secret.trim().trim_start_matches("whsec_"))
        .map_err(|_| WebhookError::Mismatch)?;
    if key.is_empty() {
        return Err(WebhookError::Mismatch);
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| WebhookError::Mismatch)?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    let expected = mac.finalize().into_bytes();
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

/// What the visitor wrote in a reply: the text above the quoted e-mail, trimmed.
pub fn new_text(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text.lines().collect();
    let mut kept: Vec<&str> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        let attribution = |l: &str| l.starts_with("On ") || l.starts_with("Le ");
        let ends_quote_lead = trimmed.ends_with("wrote:") || trimmed.ends_with("a écrit :");
        let cut = trimmed.contains(REPLY_ABOVE.trim_matches('#').trim())
            || (ends_quote_lead && attribution(trimmed))
            || trimmed.starts_with("-----Original Message")
            || trimmed.starts_with("---------- Forwarded message")
            || trimmed == "--";
        if cut {
            break;
        }
        // A client's attribution may wrap over two lines: "On …, Name <" / "a@b> wrote:".
        if ends_quote_lead && i > 0 && attribution(lines[i - 1].trim()) {
            kept.pop();
            break;
        }
        if !trimmed.starts_with('>') {
            kept.push(line.trim_end());
        }
    }
    kept.join("\n").trim().to_owned()
}

/// Readable text from an HTML-only e-mail: the quoted part (`blockquote`, Gmail's quote) and
/// styles dropped, line breaks kept, tags removed, entities decoded.
pub fn html_text(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let end = ["<blockquote", "class=\"gmail_quote", "<style"]
        .iter()
        .filter_map(|m| lower.find(m))
        .min()
        .unwrap_or(html.len());
    let mut text = String::new();
    let mut in_tag = false;
    let mut tag = String::new();
    for c in html[..end].chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
            }
            (true, '>') => {
                in_tag = false;
                let name = tag.trim_start_matches('/').to_ascii_lowercase();
                let name = name.split_whitespace().next().unwrap_or_default();
                if matches!(name, "br" | "br/" | "p" | "div" | "li" | "tr") {
                    text.push('\n');
                }
            }
            (true, c) => tag.push(c),
            (false, c) => text.push(c),
        }
    }
    let decoded = decode_entities(&text);
    let lines: Vec<&str> = decoded.lines().map(str::trim_end).collect();
    lines.join("\n").trim().to_owned()
}

/// Decodes the character references mail clients write in a reply: numeric ones and the few
/// named ones they use (`&amp;` `&lt;` `&gt;` `&quot;` `&apos;` `&nbsp;`). Not the full HTML5
/// table: it would add some 30 KB to the Worker for a fallback (providers give a text part),
/// and an unknown reference is kept as written, which loses nothing.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|&end| end <= 10).and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => match name.strip_prefix('#') {
                    Some(hex) if hex.starts_with(['x', 'X']) => u32::from_str_radix(&hex[1..], 16)
                        .ok()
                        .and_then(char::from_u32),
                    Some(dec) => dec.parse().ok().and_then(char::from_u32),
                    None => None,
                },
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
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

    fn sign(secret_bytes: &[u8], id: &str, ts: &str, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret_bytes).expect("key");
        mac.update(format!("{id}.{ts}.").as_bytes());
        mac.update(body);
        format!("v1,{}", B64.encode(mac.finalize().into_bytes()))
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

    #[test]
    fn the_quoted_email_is_cut_from_a_reply() {
        let gmail =
            "Yes, Saturday works.\r\nThanks!\r\n\r\nOn Sat, 21 Nov 2026 at 10:02, Larkspur \
                     Bakery <c_1.ab@in.example.com> wrote:\r\n> Dana: we have rye.\r\n> ## Please \
                     write your reply above this line ##";
        assert_eq!(new_text(gmail), "Yes, Saturday works.\nThanks!");
        let wrapped = "Great\n\nOn Sat, 21 Nov 2026 at 10:02, Larkspur Bakery <\nchat@bakery.example> wrote:\n> old";
        assert_eq!(new_text(wrapped), "Great");
        let marker = "Fine by me\n\n## Please write your reply above this line ##\nDana: …";
        assert_eq!(new_text(marker), "Fine by me");
        let outlook = "Ok\n\n-----Original Message-----\nFrom: x";
        assert_eq!(new_text(outlook), "Ok");
        let signature = "See you\n--\nAda\nSent from my phone";
        assert_eq!(new_text(signature), "See you");
        let inline = "> Do you have rye?\nWe do now!";
        assert_eq!(new_text(inline), "We do now!");
        let french = "D'accord\n\nLe sam. 21 nov. 2026, Bakery a écrit :\n> x";
        assert_eq!(new_text(french), "D'accord");
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

    #[test]
    fn html_only_replies_become_text_without_the_quote() {
        let html = "<div dir=\"ltr\">Yes &amp; thanks<br>Ada</div><br><div class=\"gmail_quote\">\
                    <blockquote>old</blockquote></div>";
        assert_eq!(html_text(html), "Yes & thanks\nAda");
        assert_eq!(html_text("<p>One</p><p>Two &lt;3</p>"), "One\n\nTwo <3");
        assert_eq!(html_text("<style>p{}</style>"), "");
        assert_eq!(
            html_text("caf&#233; &#x263A; &copy; a&b &amp"),
            "café ☺ &copy; a&b &amp"
        );
    }
}
