//! Visitors (`visitors`, migration 0001, with columns added since) and the tokens they hold, one
//! per device (`visitor_tokens`, migration 0017): finding a visitor by a token's digest, and
//! the statements making a new visitor or giving one another token. Identifying and merging
//! visitors is [`super::identity`]'s; what agents fill in about them, [`super::mail`]'s.

use protocol::Millis;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement, Result};

use super::{num, opt_text, stmt, text};

#[derive(Deserialize)]
pub struct VisitorRow {
    pub id: String,
    /// The verified address, when the site identified this visitor.
    #[serde(default)]
    pub identity: Option<String>,
}

/// The visitor of `site_id` holding a token with this digest (a visitor may hold several: one
/// per device where the site identified them).
pub async fn visitor_by_token(
    db: &D1Database,
    site_id: &str,
    token_digest: &str,
) -> Result<Option<VisitorRow>> {
    stmt(
        db,
        "SELECT v.id, v.identity FROM visitor_tokens t JOIN visitors v ON v.id = t.visitor_id \
         WHERE t.token_hash = ?1 AND v.site_id = ?2",
        &[text(token_digest), text(site_id)],
    )?
    .first(None)
    .await
}

/// The visitor holding a token with this digest, on any site.
pub async fn visitor_any_site(db: &D1Database, token_digest: &str) -> Result<Option<VisitorRow>> {
    stmt(
        db,
        "SELECT v.id, v.identity FROM visitor_tokens t JOIN visitors v ON v.id = t.visitor_id \
         WHERE t.token_hash = ?1",
        &[text(token_digest)],
    )?
    .first(None)
    .await
}

/// A new visitor holding one token (`identity`: the verified address, if the site vouched for
/// them), as statements for the caller's batch.
pub fn insert_visitor(
    db: &D1Database,
    id: &str,
    site_id: &str,
    token_digest: &str,
    identity: Option<&str>,
    at: Millis,
) -> Result<Vec<D1PreparedStatement>> {
    Ok(vec![
        stmt(
            db,
            "INSERT INTO visitors (id, site_id, token_hash, identity, email, created_at, contact_at) \
             VALUES (?1, ?2, ?3, ?4, ?4, ?5, CASE WHEN ?4 IS NULL THEN NULL ELSE ?5 END)",
            &[
                text(id),
                text(site_id),
                text(token_digest),
                opt_text(identity),
                num(at),
            ],
        )?,
        insert_visitor_token(db, id, token_digest, at)?,
    ])
}

/// One more token for a visitor (another device).
pub fn insert_visitor_token(
    db: &D1Database,
    visitor_id: &str,
    token_digest: &str,
    at: Millis,
) -> Result<D1PreparedStatement> {
    stmt(
        db,
        "INSERT INTO visitor_tokens (token_hash, visitor_id, created_at) VALUES (?1, ?2, ?3)",
        &[text(token_digest), text(visitor_id), num(at)],
    )
}
