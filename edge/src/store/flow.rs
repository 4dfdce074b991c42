//! A Meta channel's flow in D1 (migration 0019): the connection's settings, each person's
//! consent record, and the messages held until they agree.

use domain::meta::InboundEvent;
use protocol::{Channel, Millis};
use serde::Deserialize;
use worker::{D1Database, Result};

use super::{changes, channel_name, num, stmt, text};

/// Stores a connection's flow (already validated, as JSON); false when the site has no such
/// connection.
pub async fn set(db: &D1Database, site_id: &str, id: &str, flow: &str) -> Result<bool> {
    let result = stmt(
        db,
        "UPDATE meta_connections SET flow = ?3 WHERE id = ?1 AND site_id = ?2",
        &[text(id), text(site_id), text(flow)],
    )?
    .run()
    .await?;
    Ok(changes(&result) == 1)
}

/// Where a person's consent stands.
#[derive(Default, Deserialize)]
pub struct Consent {
    pub asked_at: Option<Millis>,
    pub consented_at: Option<Millis>,
}

/// Who: (channel, Page or number, PSID or wa_id).
pub struct Person<'a> {
    pub channel: Channel,
    pub account: &'a str,
    pub contact: &'a str,
}

impl Person<'_> {
    fn args(&self) -> [wasm_bindgen::JsValue; 3] {
        [
            text(channel_name(self.channel)),
            text(self.account),
            text(self.contact),
        ]
    }
}

pub async fn consent(db: &D1Database, who: &Person<'_>) -> Result<Consent> {
    let row: Option<Consent> = stmt(
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

/// Holds an event (once per key) until the person agrees.
pub async fn hold(db: &D1Database, key: &str, event: &InboundEvent, now: Millis) -> Result<()> {
    stmt(
        db,
        "INSERT OR IGNORE INTO meta_held \
         (dedupe_key, channel, account_id, contact_id, at, event, received_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        &[
            text(key),
            text(channel_name(event.channel.into())),
            text(&event.account),
            text(&event.contact),
            num(event.at),
            text(&serde_json::to_string(event)?),
            num(now),
        ],
    )?
    .run()
    .await?;
    Ok(())
}

/// The person's held events, in their own order, with their keys.
pub async fn held(db: &D1Database, who: &Person<'_>) -> Result<Vec<(String, InboundEvent)>> {
    #[derive(Deserialize)]
    struct Row {
        dedupe_key: String,
        event: String,
    }
    let rows: Vec<Row> = stmt(
        db,
        "SELECT dedupe_key, event FROM meta_held \
         WHERE channel = ?1 AND account_id = ?2 AND contact_id = ?3 ORDER BY at, received_at",
        &who.args(),
    )?
    .all()
    .await?
    .results()?;
    rows.into_iter()
        .map(|r| Ok((r.dedupe_key, serde_json::from_str(&r.event)?)))
        .collect()
}

/// Lets go of a held event once it is in the inbox.
pub async fn release(db: &D1Database, key: &str) -> Result<()> {
    stmt(
        db,
        "DELETE FROM meta_held WHERE dedupe_key = ?1",
        &[text(key)],
    )?
    .run()
    .await?;
    Ok(())
}
