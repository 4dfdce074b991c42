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
//!
//! This module keeps the checks the edge makes (an upload against the site's settings, a
//! profile picture) and the site's settings themselves; the rest is in submodules, their items
//! re-exported here so `domain::files::x` works for every caller:
//!
//! - `kinds`: what a file is, from its bytes, and what a file input offers for each kind.
//! - `names`: the name a file is kept under, the headers it is served with, sizes for people.
//! - `link`: the signed, expiring links Meta fetches files from.

use protocol::api::{ErrorCode, PublicAttachments};
use protocol::limits::{ATTACHMENT_MAX_BYTES, AVATAR_MAX_BYTES};
use protocol::settings::{AttachmentSettings, FileKind};

use crate::Rejection;

mod kinds;
mod link;
mod names;

pub use kinds::sniff;
pub use link::{file_link, link_valid, FILE_LINK_TTL_MS};
pub use names::{clean_name, content_disposition, human_size};

use kinds::accept_of;

/// A file the edge will store: its kept name and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    pub name: String,
    pub content_type: &'static str,
    pub kind: FileKind,
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

    pub(super) const PNG: &[u8] =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    pub(super) const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n";

    fn settings() -> AttachmentSettings {
        AttachmentSettings::default()
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
