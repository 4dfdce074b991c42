//! Files in conversations as a site takes them: on or off, the largest size, and the kinds
//! accepted (judged from each file's bytes by `domain::files`).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// Files in conversations: whether visitors may attach them, how large, and of which kinds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentSettings {
    /// Off: the widget has no attach button and the edge refuses visitors' uploads.
    pub enabled: bool,
    /// Largest file, in bytes; at most [`crate::limits::ATTACHMENT_MAX_BYTES`].
    pub max_bytes: u32,
    /// The kinds accepted, judged from each file's bytes. At least one.
    pub kinds: BTreeSet<FileKind>,
}

impl Default for AttachmentSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            max_bytes: crate::limits::ATTACHMENT_DEFAULT_MAX_BYTES,
            kinds: [
                FileKind::Image,
                FileKind::Pdf,
                FileKind::Text,
                FileKind::Document,
                FileKind::Spreadsheet,
                FileKind::Presentation,
            ]
            .into(),
        }
    }
}

/// A kind of file a site may accept. Never SVG, HTML or anything a browser would run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// PNG, JPEG, GIF, WebP; shown as pictures.
    Image,
    Pdf,
    /// Plain text and CSV (`.txt`, `.csv`, `.log`, `.md`) in UTF-8.
    Text,
    /// Word (`.docx`, `.doc`), OpenDocument text, RTF.
    Document,
    /// Excel (`.xlsx`, `.xls`), OpenDocument spreadsheets.
    Spreadsheet,
    /// PowerPoint (`.pptx`, `.ppt`), OpenDocument presentations.
    Presentation,
    /// ZIP, gzip, 7-Zip.
    Archive,
    /// MP3, M4A, Ogg, WAV, FLAC.
    Audio,
    /// MP4, WebM, QuickTime.
    Video,
}
