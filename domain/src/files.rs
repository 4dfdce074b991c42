//! Rules for files sent into conversations: what a file is (judged from its bytes by the `infer`
//! crate's signatures, never from its name or the sender's word), whether a site takes it, the
//! name it is kept under, and the headers it is served with.
//!
//! Only kinds a browser will not run are ever accepted: no SVG, HTML, XML or scripts, whatever
//! the site allows. Text is the one kind without a signature: it is accepted when the name says
//! `.txt`, `.csv`, `.log` or `.md`, the bytes are UTF-8 without NULs, and no signature matches
//! (an HTML page named `notes.txt` is still HTML to `infer`, and refused).
//!
//! A file an agent sends on Messenger or WhatsApp is fetched by Meta from a signed, expiring
//! link ([`file_link`]): the only way to the bytes without a session or a visitor token, and
//! good for that one file until it expires.

use hmac::{Hmac, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use protocol::api::{ErrorCode, PublicAttachments};
use protocol::limits::{ATTACHMENT_MAX_BYTES, AVATAR_MAX_BYTES, FILE_NAME_MAX_CHARS};
use protocol::settings::{AttachmentSettings, FileKind};
use protocol::Millis;
use sha2::Sha256;

use crate::Rejection;

/// Every content type the edge stores, with its kind. Anything else is refused.
const SIGNATURES: &[(&str, FileKind)] = &[
    ("image/png", FileKind::Image),
    ("image/jpeg", FileKind::Image),
    ("image/gif", FileKind::Image),
    ("image/webp", FileKind::Image),
    ("application/pdf", FileKind::Pdf),
    ("application/msword", FileKind::Document),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        FileKind::Document,
    ),
    (
        "application/vnd.oasis.opendocument.text",
        FileKind::Document,
    ),
    ("application/rtf", FileKind::Document),
    ("application/vnd.ms-excel", FileKind::Spreadsheet),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        FileKind::Spreadsheet,
    ),
    (
        "application/vnd.oasis.opendocument.spreadsheet",
        FileKind::Spreadsheet,
    ),
    ("application/vnd.ms-powerpoint", FileKind::Presentation),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        FileKind::Presentation,
    ),
    (
        "application/vnd.oasis.opendocument.presentation",
        FileKind::Presentation,
    ),
    ("application/zip", FileKind::Archive),
    ("application/gzip", FileKind::Archive),
    ("application/x-7z-compressed", FileKind::Archive),
    ("audio/mpeg", FileKind::Audio),
    ("audio/m4a", FileKind::Audio),
    ("audio/aac", FileKind::Audio),
    ("audio/ogg", FileKind::Audio),
    ("audio/opus", FileKind::Audio),
    ("audio/x-wav", FileKind::Audio),
    ("audio/x-flac", FileKind::Audio),
    ("video/mp4", FileKind::Video),
    ("video/webm", FileKind::Video),
    ("video/quicktime", FileKind::Video),
];

/// Name endings of text files, and the content type each is served as.
const TEXT_FILES: &[(&str, &str)] = &[
    (".txt", "text/plain; charset=utf-8"),
    (".log", "text/plain; charset=utf-8"),
    (".md", "text/plain; charset=utf-8"),
    (".csv", "text/csv; charset=utf-8"),
];

/// What a file input offers for each kind (`accept`); the edge decides from the bytes.
fn accept_of(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Image => "image/png,image/jpeg,image/gif,image/webp",
        FileKind::Pdf => "application/pdf,.pdf",
        FileKind::Text => "text/plain,text/csv,.txt,.csv,.log,.md",
        FileKind::Document => ".doc,.docx,.odt,.rtf",
        FileKind::Spreadsheet => ".xls,.xlsx,.ods",
        FileKind::Presentation => ".ppt,.pptx,.odp",
        FileKind::Archive => ".zip,.gz,.7z",
        FileKind::Audio => ".mp3,.m4a,.aac,.ogg,.oga,.opus,.wav,.flac",
        FileKind::Video => ".mp4,.webm,.mov",
    }
}

/// A file the edge will store: its kept name and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    pub name: String,
    pub content_type: &'static str,
    pub kind: FileKind,
}

/// What the bytes are, if they are of a kind Porchlight ever stores.
pub fn sniff(name: &str, bytes: &[u8]) -> Option<(FileKind, &'static str)> {
    if let Some(found) = infer::get(bytes) {
        let mime = found.mime_type();
        return SIGNATURES
            .iter()
            .find(|(known, _)| *known == mime)
            .map(|(known, kind)| (*kind, *known));
    }
    let lower = name.to_lowercase();
    let (_, content_type) = TEXT_FILES.iter().find(|(end, _)| lower.ends_with(end))?;
    let text = std::str::from_utf8(bytes).ok()?;
    (!text.contains('\0')).then_some((FileKind::Text, *content_type))
}

/// Refuses a profile picture larger than [`AVATAR_MAX_BYTES`] (also before its bytes are read).
pub fn check_avatar_size(size: u64) -> Result<(), Rejection> {
    if size > u64::from(AVATAR_MAX_BYTES) {
        return Err(Rejection::new(
            ErrorCode::FileTooLarge,
            format!(
                "A profile picture may be at most {}.",
                human_size(AVATAR_MAX_BYTES.into())
            ),
        ));
    }
    Ok(())
}

/// Checks an agent's profile picture: a PNG, JPEG, GIF or WebP by its bytes, of at most
/// [`AVATAR_MAX_BYTES`]; its content type if so.
pub fn check_avatar(bytes: &[u8]) -> Result<&'static str, Rejection> {
    check_avatar_size(bytes.len() as u64)?;
    match sniff("", bytes) {
        Some((FileKind::Image, content_type)) => Ok(content_type),
        _ => Err(Rejection::new(
            ErrorCode::UnsupportedFileType,
            "A profile picture must be a PNG, JPEG, GIF or WebP image.",
        )),
    }
}

/// Checks an upload against the site's settings. `by_agent`: agents may send files even when
/// the site's widget takes none, within the same kinds and size.
pub fn check_upload(
    settings: &AttachmentSettings,
    by_agent: bool,
    name: &str,
    bytes: &[u8],
) -> Result<Accepted, Rejection> {
    if !settings.enabled && !by_agent {
        return Err(Rejection::new(
            ErrorCode::AttachmentsDisabled,
            "This site does not take attachments.",
        ));
    }
    check_size(settings, bytes.len() as u64)?;
    if bytes.is_empty() {
        return Err(Rejection::field("file", "is empty"));
    }
    let name = clean_name(name);
    let refused = || {
        Rejection::new(
            ErrorCode::UnsupportedFileType,
            "Files of this kind cannot be sent here.",
        )
    };
    let (kind, content_type) = sniff(&name, bytes).ok_or_else(refused)?;
    if !settings.kinds.contains(&kind) {
        return Err(refused());
    }
    Ok(Accepted {
        name,
        content_type,
        kind,
    })
}

/// Refuses a size over the site's limit (also usable on a declared `Content-Length` before
/// any byte is read).
pub fn check_size(settings: &AttachmentSettings, size: u64) -> Result<(), Rejection> {
    if size > u64::from(settings.max_bytes) {
        return Err(Rejection::new(
            ErrorCode::FileTooLarge,
            format!(
                "Files can be at most {}; this one is {}.",
                human_size(u64::from(settings.max_bytes)),
                human_size(size)
            ),
        ));
    }
    Ok(())
}

/// `512 KB`, `2.5 MB`: sizes for people (1 KB = 1024 bytes, as file managers count), to one
/// decimal. Integer arithmetic only: the widget calls this, and float formatting would add
/// kilobytes to its wasm.
pub fn human_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * KB;
    let (unit, name) = match bytes {
        b if b >= MB => (MB, "MB"),
        b if b >= KB => (KB, "KB"),
        _ => return format!("{bytes} bytes"),
    };
    let tenths = (bytes.saturating_mul(10) + unit / 2) / unit;
    match tenths % 10 {
        0 => format!("{} {name}", tenths / 10),
        d => format!("{}.{d} {name}", tenths / 10),
    }
}

/// The name a file is kept under: the last part of any path, without control characters or the
/// direction overrides that can make `invoice` + U+202E + `fdp.exe` read as `invoiceexe.pdf`, trimmed and cut
/// to [`FILE_NAME_MAX_CHARS`]; `file` when nothing is left.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let kept: String = base
        .chars()
        .filter(|c| {
            !c.is_control() && !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .take(FILE_NAME_MAX_CHARS)
        .collect();
    let kept = kept.trim();
    if kept.is_empty() || kept == "." || kept == ".." {
        "file".to_owned()
    } else {
        kept.to_owned()
    }
}

/// Characters left as they are in `filename*` (RFC 8187 `attr-char`).
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `Content-Disposition` for serving a file: pictures inline (shown in `<img>`), everything else
/// as a download, with the name in ASCII (`filename`) and in full (`filename*`, RFC 6266).
pub fn content_disposition(name: &str, content_type: &str) -> String {
    let how = if content_type.starts_with("image/") {
        "inline"
    } else {
        "attachment"
    };
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let full = utf8_percent_encode(name, ATTR_CHAR);
    format!("{how}; filename=\"{ascii}\"; filename*=UTF-8''{full}")
}

/// Checks and normalises a site's attachment settings.
pub fn validate_settings(s: &AttachmentSettings) -> Result<(), Rejection> {
    if s.max_bytes == 0 || s.max_bytes > ATTACHMENT_MAX_BYTES {
        return Err(Rejection::field(
            "attachments.max_bytes",
            &format!("must be from 1 to {ATTACHMENT_MAX_BYTES} bytes"),
        ));
    }
    if s.enabled && s.kinds.is_empty() {
        return Err(Rejection::field(
            "attachments.kinds",
            "must name at least one kind while attachments are enabled",
        ));
    }
    Ok(())
}

/// What the widget is told: none when visitors cannot attach.
pub fn public_attachments(s: &AttachmentSettings) -> Option<PublicAttachments> {
    s.enabled.then(|| PublicAttachments {
        max_bytes: s.max_bytes,
        accept: s
            .kinds
            .iter()
            .map(|k| accept_of(*k))
            .collect::<Vec<_>>()
            .join(","),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n";

    fn settings() -> AttachmentSettings {
        AttachmentSettings::default()
    }

    #[test]
    fn the_bytes_decide_not_the_name() {
        assert_eq!(sniff("x.bin", PNG), Some((FileKind::Image, "image/png")));
        assert_eq!(
            sniff("cat.png", PDF),
            Some((FileKind::Pdf, "application/pdf"))
        );
        let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>";
        assert_eq!(sniff("notes.txt", html), None);
        assert_eq!(sniff("photo.png", html), None);
        let svg = b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>";
        assert_eq!(sniff("logo.svg", svg), None);
        assert_eq!(sniff("logo.txt", svg), None);
        assert_eq!(
            sniff("a.exe", b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff"),
            None
        );
    }

    #[test]
    fn text_needs_a_text_name_and_utf8() {
        assert_eq!(
            sniff("Orders.CSV", "id,name\n1,Åsa\n".as_bytes()),
            Some((FileKind::Text, "text/csv; charset=utf-8"))
        );
        assert_eq!(
            sniff("notes.md", b"# hi"),
            Some((FileKind::Text, "text/plain; charset=utf-8"))
        );
        assert_eq!(sniff("notes", b"hello"), None);
        assert_eq!(sniff("notes.txt", b"\xff\xfe"), None);
        assert_eq!(sniff("notes.txt", b"a\0b"), None);
    }

    #[test]
    fn the_site_decides_kinds_size_and_whether_at_all() {
        let ok = check_upload(&settings(), false, "C:\\Users\\me\\cat.png", PNG).unwrap();
        assert_eq!(ok.name, "cat.png");
        assert_eq!(ok.content_type, "image/png");

        let zip = b"PK\x03\x04\x14\0\0\0\0\0";
        let err = check_upload(&settings(), false, "a.zip", zip).unwrap_err();
        assert_eq!(err.code, ErrorCode::UnsupportedFileType);
        let mut archives = settings();
        archives.kinds.insert(FileKind::Archive);
        assert_eq!(
            check_upload(&archives, false, "a.zip", zip).unwrap().kind,
            FileKind::Archive
        );

        let mut small = settings();
        small.max_bytes = 10;
        let err = check_upload(&small, false, "cat.png", PNG).unwrap_err();
        assert_eq!(err.code, ErrorCode::FileTooLarge);
        assert!(err.message.contains("10 bytes"), "{}", err.message);

        let mut off = settings();
        off.enabled = false;
        let err = check_upload(&off, false, "cat.png", PNG).unwrap_err();
        assert_eq!(err.code, ErrorCode::AttachmentsDisabled);
        assert!(check_upload(&off, true, "cat.png", PNG).is_ok());

        let err = check_upload(&settings(), false, "empty.txt", b"").unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidField);
    }

    #[test]
    fn names_lose_paths_controls_and_direction_tricks() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{202e}fdp.exe"), "afdp.exe");
        assert_eq!(clean_name("line\nbreak.txt"), "linebreak.txt");
        assert_eq!(clean_name("  "), "file");
        assert_eq!(clean_name("dir/.."), "file");
        assert_eq!(
            clean_name(&"é".repeat(FILE_NAME_MAX_CHARS + 5))
                .chars()
                .count(),
            FILE_NAME_MAX_CHARS
        );
    }

    #[test]
    fn dispositions_name_the_file_safely() {
        assert_eq!(
            content_disposition("cat.png", "image/png"),
            "inline; filename=\"cat.png\"; filename*=UTF-8''cat.png"
        );
        assert_eq!(
            content_disposition("Räkning \"maj\".pdf", "application/pdf"),
            "attachment; filename=\"R_kning _maj_.pdf\"; filename*=UTF-8''R%C3%A4kning%20%22maj%22.pdf"
        );
    }

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(human_size(500), "500 bytes");
        assert_eq!(human_size(10 * 1024 * 1024), "10 MB");
        assert_eq!(human_size(1536), "1.5 KB");
        assert_eq!(human_size(1023 * 1024 + 900), "1023.9 KB");
        assert_eq!(human_size(12_900_000), "12.3 MB");
    }

    #[test]
    fn settings_are_bounded_and_public_config_follows_them() {
        assert!(validate_settings(&settings()).is_ok());
        let mut big = settings();
        big.max_bytes = ATTACHMENT_MAX_BYTES + 1;
        assert!(validate_settings(&big)
            .unwrap_err()
            .message
            .contains("attachments.max_bytes"));
        let mut none = settings();
        none.kinds.clear();
        assert!(validate_settings(&none).is_err());
        none.enabled = false;
        assert!(validate_settings(&none).is_ok());
        assert_eq!(public_attachments(&none), None);
        let public = public_attachments(&settings()).unwrap();
        assert!(public.accept.starts_with("image/png,"));
        assert!(public.accept.contains(".docx") && !public.accept.contains(".zip"));
    }

    #[test]
    fn an_avatar_is_a_picture_of_at_most_a_mebibyte() {
        assert_eq!(check_avatar(PNG), Ok("image/png"));
        let code = |r: Result<&'static str, Rejection>| r.map_err(|e| e.code);
        assert_eq!(code(check_avatar(PDF)), Err(ErrorCode::UnsupportedFileType));
        let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script/></svg>";
        assert_eq!(code(check_avatar(svg)), Err(ErrorCode::UnsupportedFileType));
        assert_eq!(code(check_avatar(b"")), Err(ErrorCode::UnsupportedFileType));
        let mut big = PNG.to_vec();
        big.resize(AVATAR_MAX_BYTES as usize + 1, 0);
        let too_large = check_avatar(&big).unwrap_err();
        assert_eq!(too_large.code, ErrorCode::FileTooLarge);
        assert!(too_large.message.contains("1 MB"), "{}", too_large.message);
    }
}

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
mod link_tests {
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
