//! Rules for what a participant may send into a conversation.

use protocol::api::{ErrorCode, SendMessage};
use protocol::limits::{CLIENT_ID_MAX_LEN, MESSAGE_MAX_CHARS, URL_MAX_CHARS};

use crate::Rejection;

/// Most characters of a message shown in the inbox list.
pub const PREVIEW_CHARS: usize = 140;

/// Checks a send and returns it with its body as it will be stored: line endings normalised to
/// `\n` and surrounding white space trimmed (inner white space is the author's). The body may
/// be empty only when a file is attached; whether the file may be sent is the conversation's to
/// decide when it claims the upload (`unknown_upload` otherwise).
pub fn validate_send(send: &SendMessage) -> Result<SendMessage, Rejection> {
    validate_client_id(&send.client_id)?;
    let body = send.body.replace("\r\n", "\n").replace('\r', "\n");
    let body = body.trim();
    if body.is_empty() && send.attachment.is_none() {
        return Err(Rejection::new(
            ErrorCode::EmptyMessage,
            "A message needs some text or a file.",
        ));
    }
    let chars = body.chars().count();
    if chars > MESSAGE_MAX_CHARS {
        return Err(Rejection::new(
            ErrorCode::MessageTooLong,
            format!(
                "A message can have at most {MESSAGE_MAX_CHARS} characters; this one has {chars}."
            ),
        ));
    }
    Ok(SendMessage {
        client_id: send.client_id.clone(),
        body: body.to_owned(),
        attachment: send.attachment.clone(),
    })
}

/// The inbox list's line for a message: its text, or the attached file's name.
pub fn preview_of(message: &protocol::Message) -> String {
    match (&message.attachment, message.body.is_empty()) {
        (Some(file), true) => format!("📎 {}", preview(&file.name)),
        _ => preview(&message.body),
    }
}

/// A client id is 1 to [`CLIENT_ID_MAX_LEN`] characters of `[A-Za-z0-9_-]` (a UUID fits).
pub fn validate_client_id(id: &str) -> Result<(), Rejection> {
    let ok = !id.is_empty()
        && id.len() <= CLIENT_ID_MAX_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(Rejection::new(
            ErrorCode::InvalidClientId,
            format!("`client_id` must be 1 to {CLIENT_ID_MAX_LEN} characters of A-Z, a-z, 0-9, '-' or '_'."),
        ))
    }
}

/// The start of a message on one line, for the inbox list.
pub fn preview(body: &str) -> String {
    let line: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(PREVIEW_CHARS) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

/// Keeps at most [`URL_MAX_CHARS`] characters of a visitor-supplied URL; drops values that are
/// not http(s) URLs (a `javascript:` "page URL" is never stored).
pub fn clamp_page_url(url: Option<&str>) -> Option<String> {
    let url = url?.trim();
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return None;
    }
    Some(url.chars().take(URL_MAX_CHARS).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send(client_id: &str, body: &str) -> SendMessage {
        SendMessage {
            client_id: client_id.into(),
            body: body.into(),
            attachment: None,
        }
    }

    #[test]
    fn a_file_may_stand_alone() {
        let mut with_file = send("abc", "  ");
        with_file.attachment = Some("f_0123abcd".into());
        let ok = validate_send(&with_file).unwrap();
        assert_eq!(ok.body, "");
        assert_eq!(ok.attachment.as_deref(), Some("f_0123abcd"));
    }

    #[test]
    fn trims_and_normalises_line_endings() {
        let ok = validate_send(&send("abc", "  hi\r\nthere\r ")).unwrap();
        assert_eq!(ok.body, "hi\nthere");
    }

    #[test]
    fn refuses_blank_messages() {
        for body in ["", "   ", "\n\t\r\n"] {
            let err = validate_send(&send("abc", body)).unwrap_err();
            assert_eq!(err.code, ErrorCode::EmptyMessage, "{body:?}");
        }
    }

    #[test]
    fn counts_characters_not_bytes() {
        let at_limit = "é".repeat(MESSAGE_MAX_CHARS);
        assert!(validate_send(&send("abc", &at_limit)).is_ok());
        let over = "a".repeat(MESSAGE_MAX_CHARS + 1);
        assert_eq!(
            validate_send(&send("abc", &over)).unwrap_err().code,
            ErrorCode::MessageTooLong
        );
    }

    #[test]
    fn client_ids_are_uuid_like() {
        assert!(validate_client_id("0b6f3c1e-8e0a-4c55-9d7e-6b3c1a2f9e10").is_ok());
        for bad in ["", "a b", "x/y", "é", &"a".repeat(CLIENT_ID_MAX_LEN + 1)] {
            assert!(validate_client_id(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn previews_are_one_line_and_bounded() {
        assert_eq!(preview("hello\n\n  world"), "hello world");
        let long = "x".repeat(PREVIEW_CHARS + 10);
        let p = preview(&long);
        assert_eq!(p.chars().count(), PREVIEW_CHARS + 1);
        assert!(p.ends_with('…'));
    }

    #[test]
    fn page_urls_must_be_http() {
        assert_eq!(
            clamp_page_url(Some("https://shop.example/a?b=c")).as_deref(),
            Some("https://shop.example/a?b=c")
        );
        assert_eq!(clamp_page_url(Some("javascript:alert(1)")), None);
        assert_eq!(clamp_page_url(None), None);
        let long = format!("http://x/{}", "a".repeat(URL_MAX_CHARS));
        assert_eq!(
            clamp_page_url(Some(&long)).unwrap().chars().count(),
            URL_MAX_CHARS
        );
    }
}
