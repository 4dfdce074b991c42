//! Attachments: whether visitors may send files, the largest file (shown in MB, stored in
//! bytes; 1 MB = 1,048,576 bytes, as the server counts) and the kinds of file accepted, judged
//! by the server from each file's bytes.

use leptos::prelude::*;
use protocol::limits::ATTACHMENT_MAX_BYTES;
use protocol::settings::FileKind;

use super::fields::{checkbox, hint, Draft};

const MB: f64 = 1024.0 * 1024.0;

/// Every kind, with its label and id.
const KINDS: [(FileKind, &str, &str); 9] = [
    (FileKind::Image, "image", "Pictures (PNG, JPEG, GIF, WebP)"),
    (FileKind::Pdf, "pdf", "PDF"),
    (FileKind::Text, "text", "Plain text and CSV"),
    (
        FileKind::Document,
        "document",
        "Documents (Word, OpenDocument, RTF)",
    ),
    (
        FileKind::Spreadsheet,
        "spreadsheet",
        "Spreadsheets (Excel, OpenDocument)",
    ),
    (
        FileKind::Presentation,
        "presentation",
        "Presentations (PowerPoint, OpenDocument)",
    ),
    (FileKind::Archive, "archive", "Archives (ZIP, gzip, 7-Zip)"),
    (FileKind::Audio, "audio", "Audio (MP3, M4A, Ogg, WAV, FLAC)"),
    (FileKind::Video, "video", "Video (MP4, WebM, QuickTime)"),
];

/// Bytes as MB, to two decimals at most (`10`, `2.5`).
fn megabytes(bytes: u32) -> String {
    let text = format!("{:.2}", f64::from(bytes) / MB);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// MB as typed, in bytes; `None` unless a positive number.
fn bytes(mb: &str) -> Option<u32> {
    let mb = mb
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n > 0.0)?;
    // Beyond u32, the server's own limit refuses it just the same.
    Some((mb * MB).round().min(f64::from(u32::MAX)) as u32)
}

/// The Attachments section: whether visitors may send files, and which.
///
/// - `draft`: the settings being edited.
#[component]
pub fn Attachments(draft: Draft) -> impl IntoView {
    let size = megabytes(draft.peek(|s| s.attachments.max_bytes));
    let most = megabytes(ATTACHMENT_MAX_BYTES);
    let kinds = KINDS
        .iter()
        .map(|&(kind, key, label)| {
            view! {
                <label class="check">
                    <input type="checkbox" id=format!("attachments-{key}") value=key
                        prop:checked=move || draft.read(|s| s.attachments.kinds.contains(&kind))
                        on:change=move |e| {
                            let on = event_target_checked(&e);
                            draft.edit(|s| {
                                if on {
                                    s.attachments.kinds.insert(kind);
                                } else {
                                    s.attachments.kinds.remove(&kind);
                                }
                            });
                        } />
                    {label}
                </label>
            }
        })
        .collect_view();
    view! {
        <section id="set-attachments" aria-labelledby="set-attachments-title">
            <h2 id="set-attachments-title">"Attachments"</h2>
            <div class="settings-grid">
                {checkbox(draft, "attachments-enabled", "Visitors may send files",
                    |s| s.attachments.enabled, |s, v| s.attachments.enabled = v)}
                <label for="attachments-max">"Largest file (MB)"</label>
                <input id="attachments-max" type="number" inputmode="decimal" required min="0.01"
                    max=most.clone() step="any" value=size
                    on:input=move |e| {
                        if let Some(n) = bytes(&event_target_value(&e)) {
                            draft.edit(|s| s.attachments.max_bytes = n);
                        }
                    } />
                <fieldset class="settings-choices settings-wide">
                    <legend>"Kinds of file"</legend>
                    {kinds}
                </fieldset>
                {hint("The size and kinds apply to the team's files too, even when visitors may send none.")}
            </div>
        </section>
    }
}
