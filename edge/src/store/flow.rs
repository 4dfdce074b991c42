//! A Meta channel's flow in D1 (migration 0019): the connection's settings, and the messages
//! held until a person agrees (`meta_held`). Where each person's consent stands
//! (`meta_consent`) is [`super::consent`]'s.

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

/// Who: (channel, Page or number, PSID or wa_id).
pub struct Person<'a> {
    pub channel: Channel,
    pub account: &'a str,
    pub contact: &'a str,
}

impl Person<'_> {
    pub(super) fn args(&self) -> [wasm_bindgen::JsValue; 3] {
        [
            text(channel_name(self.channel)),
            text(self.account),
            text(self.contact),
        ]
    }
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
