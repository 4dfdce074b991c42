//! Consent in D1: every version of a site's consent text (`consent_texts`, migration 0003), so
//! what a visitor agreed to can always be shown; what each conversation records of its
//! visitor's consent (`conversations.consent_mode`, `consent_version`, `consent_at`, 0003); and
//! where each Messenger person's explicit consent stands, asked and agreed (`meta_consent`,
//! 0019). The rules (what a new conversation records, when the version rises) are
//! `domain::consent`'s, and what a person's consent holds back is `domain::meta::flow`'s.

use protocol::api::{ConsentRecord, MetaConsent};
use protocol::settings::{ConsentMode, ConsentSettings};
use protocol::Millis;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, Result};

use super::flow::Person;
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

/// Where a Messenger person's consent stands: when they were asked, and when they agreed.
#[derive(Default, Deserialize)]
pub struct PersonConsent {
    pub asked_at: Option<Millis>,
    pub consented_at: Option<Millis>,
}

/// Where `who`'s consent stands (nothing recorded yet: never asked, never agreed).
pub async fn person(db: &D1Database, who: &Person<'_>) -> Result<PersonConsent> {
    let row: Option<PersonConsent> = stmt(
        db,
        "SELECT asked_at, consented_at FROM meta_consent \
         WHERE channel = ?1 AND account_id = ?2 AND contact_id = ?3",
        &who.args(),
    )?
    .first(None)
    .await?;
    Ok(row.unwrap_or_default())
}

/// Notes that the consent request went to the person.
pub async fn asked(db: &D1Database, who: &Person<'_>, at: Millis) -> Result<()> {
    let [c, a, p] = who.args();
    stmt(
        db,
        "INSERT INTO meta_consent (channel, account_id, contact_id, asked_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (channel, account_id, contact_id) DO UPDATE SET asked_at = excluded.asked_at",
        &[c, a, p, num(at)],
    )?
    .run()
    .await?;
    Ok(())
}

/// Records that the person agreed to `consent_text` at `at` (the first agreement stands).
pub async fn agreed(
    db: &D1Database,
    who: &Person<'_>,
    at: Millis,
    consent_text: &str,
) -> Result<()> {
    let [c, a, p] = who.args();
    stmt(
        db,
        "INSERT INTO meta_consent (channel, account_id, contact_id, consented_at, consent_text) \
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (channel, account_id, contact_id) DO UPDATE SET \
         consented_at = COALESCE(meta_consent.consented_at, excluded.consented_at), \
         consent_text = COALESCE(meta_consent.consent_text, excluded.consent_text)",
        &[c, a, p, num(at), text(consent_text)],
    )?
    .run()
    .await?;
    Ok(())
}

/// Where contact `id`'s explicit consent on Meta channels stands, per account they wrote to
/// (through their conversations, so it follows a merge), newest first.
pub async fn meta_consents_of(db: &D1Database, id: &str) -> Result<Vec<MetaConsent>> {
    stmt(
        db,
        "SELECT m.channel, m.account_id, m.asked_at, m.consented_at AS agreed_at, \
         m.consent_text AS text FROM meta_consent m WHERE EXISTS (SELECT 1 FROM conversations c \
         WHERE c.contact_id = ?1 AND c.channel = m.channel AND c.meta_account_id = m.account_id \
         AND c.meta_contact_id = m.contact_id) \
         ORDER BY COALESCE(m.consented_at, m.asked_at) DESC",
        &[text(id)],
    )?
    .all()
    .await?
    .results()
}
