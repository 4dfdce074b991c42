//! Consent in D1: every version of a site's consent text (`consent_texts`, migration 0003), so
//! what a visitor agreed to can always be shown, and what each conversation records of its
//! visitor's consent (`conversations.consent_mode`, `consent_version`, `consent_at`, 0003). The
//! rules (what a new conversation records, when the version rises) are `domain::consent`'s.

use protocol::api::ConsentRecord;
use protocol::settings::{ConsentMode, ConsentSettings};
use protocol::Millis;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, Result};

use super::{num, stmt, text};

/// How a mode is stored (`consent_texts.mode`, `conversations.consent_mode`).
fn mode_name(mode: ConsentMode) -> &'static str {
    match mode {
        ConsentMode::Off => "off",
        ConsentMode::Implicit => "implicit",
        ConsentMode::Explicit => "explicit",
    }
}

/// Keeps the text of a site's new consent version (for the batch replacing its settings);
/// inserts nothing when there is no such site.
pub(super) fn keep_text(
    db: &D1Database,
    site_id: &str,
    consent: &ConsentSettings,
    at: Millis,
) -> Result<D1PreparedStatement> {
    stmt(
        db,
        "INSERT INTO consent_texts (site_id, version, mode, text, created_at) \
         SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM sites WHERE id = ?1)",
        &[
            text(site_id),
            num(i64::from(consent.version)),
            text(mode_name(consent.mode)),
            text(&consent.text),
            num(at),
        ],
    )
}

/// A new conversation's `consent_mode`, `consent_version` and `consent_at`: the consent its
/// visitor gave (mode and text version) at `at`, or nulls when the site asks for none.
pub(super) fn conversation_columns(
    consent: Option<(ConsentMode, u32)>,
    at: Millis,
) -> [JsValue; 3] {
    [
        consent.map_or(JsValue::NULL, |(mode, _)| text(mode_name(mode))),
        consent.map_or(JsValue::NULL, |(_, v)| num(i64::from(v))),
        consent.map_or(JsValue::NULL, |_| num(at)),
    ]
}

/// What a conversation row records of its visitor's consent: all three columns, or nothing.
pub(super) fn record(
    mode: Option<ConsentMode>,
    version: Option<u32>,
    at: Option<Millis>,
) -> Option<ConsentRecord> {
    match (mode, version, at) {
        (Some(mode), Some(version), Some(at)) => Some(ConsentRecord { mode, version, at }),
        _ => None,
    }
}
