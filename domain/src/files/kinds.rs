//! What a file is, judged from its bytes by the `infer` crate's signatures (text, which has
//! none, from its name and UTF-8 bytes), and what a file input offers for each kind.

use protocol::settings::FileKind;

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
pub(super) fn accept_of(kind: FileKind) -> &'static str {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::tests::{PDF, PNG};

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
}
