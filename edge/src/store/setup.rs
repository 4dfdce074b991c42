//! First-run setup: the deployment's first site (`sites`) and first admin (`agents`), made
//! together once, while no agent exists.

use protocol::settings::ChatSettings;
use protocol::Millis;
use worker::{D1Database, Result};

use super::{changes, num, stmt, text, AgentRow};

/// What setup creates: the first site and its first admin.
pub struct FirstRun<'a> {
    pub site_id: &'a str,
    pub settings: &'a ChatSettings,
    pub admin: &'a AgentRow,
    pub at: Millis,
}

/// Creates the site and admin only if no agent exists yet, atomically (one batch is one
/// transaction). Returns false when the deployment was already set up.
pub async fn first_run(db: &D1Database, f: &FirstRun<'_>) -> Result<bool> {
    let insert_admin = stmt(
        db,
        "INSERT INTO agents (id, email, name, role, password_hash, created_at) \
         SELECT ?1, ?2, ?3, 'admin', ?4, ?5 WHERE NOT EXISTS (SELECT 1 FROM agents)",
        &[
            text(&f.admin.id),
            text(&f.admin.email),
            text(&f.admin.name),
            text(&f.admin.password_hash),
            num(f.at),
        ],
    )?;
    let insert_site = stmt(
        db,
        "INSERT INTO sites (id, name, chat_settings, created_at) SELECT ?1, ?2, ?3, ?4 \
         WHERE (SELECT COUNT(*) FROM agents) = 1 AND EXISTS (SELECT 1 FROM agents WHERE id = ?5)",
        &[
            text(f.site_id),
            text(&f.settings.heading),
            text(&serde_json::to_string(f.settings)?),
            num(f.at),
            text(&f.admin.id),
        ],
    )?;
    let results = db.batch(vec![insert_admin, insert_site]).await?;
    Ok(results.first().map(changes) == Some(1))
}
