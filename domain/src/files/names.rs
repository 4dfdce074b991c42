//! The name a file is kept under (no paths, control characters or direction tricks), the
//! `Content-Disposition` it is served with, and sizes as people read them.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use protocol::limits::FILE_NAME_MAX_CHARS;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
