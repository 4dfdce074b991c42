//! Identified visitors: the site's sealed identity secret, the one visitor per verified address,
//! and linking or merging a device's visitor into it (routes/identity.rs decides which).

use protocol::Millis;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement, Result};

use super::{changes, num, stmt, text, VisitorRow};

#[derive(Deserialize)]
pub struct SecretRow {
    /// Sealed (`domain::sealed`, the site id as associated data); `None` until made.
    pub identity_secret: Option<String>,
    pub identity_secret_at: Option<Millis>,
}

/// The site's sealed identity secret; `None` when there is no such site.
pub async fn secret(db: &D1Database, site_id: &str) -> Result<Option<SecretRow>> {
    stmt(
        db,
        "SELECT identity_secret, identity_secret_at FROM sites WHERE id = ?1",
        &[text(site_id)],
    )?
    .first(None)
    .await
}

/// Replaces the site's identity secret; false when there is no such site.
pub async fn set_secret(db: &D1Database, site_id: &str, sealed: &str, at: Millis) -> Result<bool> {
    let result = stmt(
        db,
        "UPDATE sites SET identity_secret = ?2, identity_secret_at = ?3 WHERE id = ?1",
        &[text(site_id), text(sealed), num(at)],
    )?
    .run()
    .await?;
    Ok(changes(&result) == 1)
}

/// The visitor of `site_id` with this verified address.
pub async fn visitor_by_identity(
    db: &D1Database,
    site_id: &str,
    identity: &str,
) -> Result<Option<VisitorRow>> {
    stmt(
        db,
        "SELECT id, identity FROM visitors WHERE site_id = ?1 AND identity = ?2",
        &[text(site_id), text(identity)],
    )?
    .first(None)
    .await
}

/// Marks an anonymous visitor as the one with this verified address (their e-mail too, unless
/// an agent already wrote one down); false when they were identified meanwhile.
pub async fn link(db: &D1Database, visitor_id: &str, identity: &str) -> Result<bool> {
    let result = stmt(
        db,
        "UPDATE visitors SET identity = ?2, email = COALESCE(email, ?2), \
         contact_at = COALESCE(contact_at, ?3) \
         WHERE id = ?1 AND identity IS NULL",
        &[text(visitor_id), text(identity), num(super::now())],
    )?
    .run()
    .await?;
    Ok(changes(&result) == 1)
}

/// Merges anonymous visitor `from` into identified visitor `into`, as one batch: `from`'s
/// conversations and tokens become `into`'s (so this device keeps its token), what agents noted
/// of `from` fills what is unknown of `into`, and `from` is deleted. Only called with a verified
/// address for `into` and an unidentified `from` (checked again in SQL).
pub fn merge(db: &D1Database, from: &str, into: &str) -> Result<Vec<D1PreparedStatement>> {
    let guard = "EXISTS (SELECT 1 FROM visitors WHERE id = ?1 AND identity IS NULL)";
    Ok(vec![
        stmt(
            db,
            &format!("UPDATE conversations SET visitor_id = ?2 WHERE visitor_id = ?1 AND {guard}"),
            &[text(from), text(into)],
        )?,
        stmt(
            db,
            &format!("UPDATE visitor_tokens SET visitor_id = ?2 WHERE visitor_id = ?1 AND {guard}"),
            &[text(from), text(into)],
        )?,
        stmt(
            db,
            &format!(
                "UPDATE visitors SET \
                 name = COALESCE(name, (SELECT name FROM visitors WHERE id = ?1)), \
                 email = COALESCE(email, (SELECT email FROM visitors WHERE id = ?1)) \
                 WHERE id = ?2 AND {guard}"
            ),
            &[text(from), text(into)],
        )?,
        stmt(
            db,
            "DELETE FROM visitors WHERE id = ?1 AND identity IS NULL",
            &[text(from)],
        )?,
    ])
}
