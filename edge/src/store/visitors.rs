//! Visitors (`visitors`, migration 0001, with columns added since) and the tokens they hold, one
//! per device (`visitor_tokens`, migration 0017): finding a visitor by a token's digest, and
//! the statements making a new visitor or giving one another token. A visitor is one way in of
//! a contact (`contacts`, migration 0029), who holds what the team knows of the person.
//! Identifying and merging visitors is [`super::identity`]'s; the contact, [`super::contacts`]'s.

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
    /// The person this visitor is one way in of (`contacts`).
    pub contact_id: String,
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
        "SELECT v.id, v.identity, v.contact_id FROM visitor_tokens t JOIN visitors v ON v.id = t.visitor_id \
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
        "SELECT v.id, v.identity, v.contact_id FROM visitor_tokens t JOIN visitors v ON v.id = t.visitor_id \
         WHERE t.token_hash = ?1",
        &[text(token_digest)],
    )?
    .first(None)
    .await
}

/// The contact a new visitor starts as: their own, named after them (`ct_` and the visitor's
/// id), as migration 0029 named those of the visitors before it.
pub fn own_contact_id(visitor_id: &str) -> String {
    format!("ct_{visitor_id}")
}

/// A new visitor holding one token (`identity`: the verified address, if the site vouched for
/// them), and their contact ([`own_contact_id`]; listed at once when identified), as statements
/// for the caller's batch.
pub fn insert_visitor(
    db: &D1Database,
    id: &str,
    site_id: &str,
    token_digest: &str,
    identity: Option<&str>,
    at: Millis,
) -> Result<Vec<D1PreparedStatement>> {
    let contact = own_contact_id(id);
    Ok(vec![
        stmt(
            db,
            "INSERT INTO contacts (id, site_id, email, listed_at, created_at, updated_at) \
             VALUES (?1, ?2, ?3, CASE WHEN ?3 IS NULL THEN NULL ELSE ?4 END, ?4, ?4)",
            &[text(&contact), text(site_id), opt_text(identity), num(at)],
        )?,
        stmt(
            db,
            "INSERT INTO visitors (id, site_id, token_hash, identity, created_at, contact_id) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            &[
                text(id),
                text(site_id),
                text(token_digest),
                opt_text(identity),
                num(at),
                text(&contact),
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
