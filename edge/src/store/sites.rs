//! Sites (`sites`, migrations 0001 and 0002): each site's chat settings, stored whole as JSON,
//! read and replaced. A new consent version's text is kept in the same transaction
//! ([`super::consent`]).

use protocol::settings::ChatSettings;
use protocol::Millis;
use serde::Deserialize;
use worker::{D1Database, Result};

use super::{changes, consent, now, num, stmt, text};

#[derive(Deserialize)]
struct SettingsRow {
    chat_settings: String,
}

/// A site's chat settings, or `None` when there is no such site.
pub async fn chat_settings(db: &D1Database, site_id: &str) -> Result<Option<ChatSettings>> {
    let row: Option<SettingsRow> = stmt(
        db,
        "SELECT chat_settings FROM sites WHERE id = ?1",
        &[text(site_id)],
    )?
    .first(None)
    .await?;
    row.map(|r| serde_json::from_str(&r.chat_settings).map_err(worker::Error::from))
        .transpose()
}

/// The first site's settings (a deployment has one site until several can be made).
pub async fn first_site_settings(db: &D1Database) -> Result<Option<ChatSettings>> {
    let row: Option<SettingsRow> = stmt(
        db,
        "SELECT chat_settings FROM sites ORDER BY created_at, id LIMIT 1",
        &[],
    )?
    .first(None)
    .await?;
    row.map(|r| serde_json::from_str(&r.chat_settings).map_err(worker::Error::from))
        .transpose()
}

/// Replaces a site's chat settings (already validated), and keeps the consent text when its
/// version is new, in one transaction; false when there is no such site.
pub async fn put_chat_settings(
    db: &D1Database,
    site_id: &str,
    settings: &ChatSettings,
    new_consent_version: bool,
) -> Result<bool> {
    let mut batch = vec![stmt(
        db,
        "UPDATE sites SET chat_settings = ?2 WHERE id = ?1",
        &[text(site_id), text(&serde_json::to_string(settings)?)],
    )?];
    if new_consent_version {
        batch.push(consent::keep_text(db, site_id, &settings.consent, now())?);
    }
    let results = db.batch(batch).await?;
    Ok(results.first().map(changes) == Some(1))
}

/// One of a site's secrets, sealed (`crate::site_secrets`), and when it was made.
#[derive(Deserialize)]
pub struct SecretRow {
    /// None until made.
    pub secret: Option<String>,
    pub made_at: Option<Millis>,
}

/// The site's sealed secret kept in `columns` (the secret's and its time's: fixed names from
/// `site_secrets::Purpose`, never input); none when there is no such site.
pub async fn secret(
    db: &D1Database,
    site_id: &str,
    columns: (&str, &str),
) -> Result<Option<SecretRow>> {
    let (secret, made_at) = columns;
    stmt(
        db,
        &format!("SELECT {secret} AS secret, {made_at} AS made_at FROM sites WHERE id = ?1"),
        &[text(site_id)],
    )?
    .first(None)
    .await
}

/// Replaces the site's sealed secret kept in `columns`; false when there is no such site.
pub async fn set_secret(
    db: &D1Database,
    site_id: &str,
    columns: (&str, &str),
    sealed: &str,
    at: Millis,
) -> Result<bool> {
    let (secret, made_at) = columns;
    let result = stmt(
        db,
        &format!("UPDATE sites SET {secret} = ?2, {made_at} = ?3 WHERE id = ?1"),
        &[text(site_id), text(sealed), num(at)],
    )?
    .run()
    .await?;
    Ok(changes(&result) == 1)
}
