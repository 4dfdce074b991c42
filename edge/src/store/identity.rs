//! Identified visitors: the one visitor per verified address, and linking or merging a device's
//! visitor into it (routes/identity.rs decides which). The site's identity secret is
//! `crate::site_secrets`'.

use worker::{D1Database, D1PreparedStatement, Result};

use super::{changes, num, stmt, text, VisitorRow};

/// The visitor of `site_id` with this verified address.
pub async fn visitor_by_identity(
    db: &D1Database,
    site_id: &str,
    identity: &str,
) -> Result<Option<VisitorRow>> {
    stmt(
        db,
        "SELECT id, identity, contact_id FROM visitors WHERE site_id = ?1 AND identity = ?2",
        &[text(site_id), text(identity)],
    )?
    .first(None)
    .await
}

/// Marks an anonymous visitor as the one with this verified address, and lists their contact
/// with it as their e-mail (unless an agent already wrote one down); false when they were
/// identified meanwhile.
pub async fn link(db: &D1Database, visitor_id: &str, identity: &str) -> Result<bool> {
    let now = super::now();
    let results = db
        .batch(vec![
            stmt(
                db,
                "UPDATE visitors SET identity = ?2 WHERE id = ?1 AND identity IS NULL",
                &[text(visitor_id), text(identity)],
            )?,
            stmt(
                db,
                "UPDATE contacts SET email = COALESCE(email, ?2), \
                 listed_at = COALESCE(listed_at, ?3), updated_at = ?3 \
                 WHERE id = (SELECT contact_id FROM visitors WHERE id = ?1 AND identity = ?2)",
                &[text(visitor_id), text(identity), num(now)],
            )?,
        ])
        .await?;
    Ok(results.first().map(changes) == Some(1))
}

/// Merges anonymous visitor `from` into identified visitor `into`, as one batch: `from`'s
/// conversations and tokens become `into`'s (so this device keeps its token), and so do the
/// conversations' contact; what agents noted of `from`'s contact fills what is unknown of
/// `into`'s; `from` is deleted, and its contact too unless something else is still its
/// (another visitor, a conversation on another channel). Only called with a verified address
/// for `into` and an unidentified `from` (checked again in SQL).
pub fn merge(
    db: &D1Database,
    from: &VisitorRow,
    into: &VisitorRow,
) -> Result<Vec<D1PreparedStatement>> {
    let guard = "EXISTS (SELECT 1 FROM visitors WHERE id = ?1 AND identity IS NULL)";
    let (from_id, into_id) = (text(&from.id), text(&into.id));
    let (from_contact, into_contact) = (text(&from.contact_id), text(&into.contact_id));
    Ok(vec![
        stmt(
            db,
            &format!(
                "UPDATE contacts SET \
                 name = COALESCE(name, (SELECT name FROM contacts WHERE id = ?2)), \
                 email = COALESCE(email, (SELECT email FROM contacts WHERE id = ?2)), \
                 owner_id = COALESCE(owner_id, (SELECT owner_id FROM contacts WHERE id = ?2)) \
                 WHERE id = ?3 AND {guard}"
            ),
            &[from_id.clone(), from_contact.clone(), into_contact.clone()],
        )?,
        stmt(
            db,
            &format!(
                "UPDATE conversations SET visitor_id = ?2, contact_id = ?3 \
                 WHERE visitor_id = ?1 AND {guard}"
            ),
            &[from_id.clone(), into_id.clone(), into_contact.clone()],
        )?,
        stmt(
            db,
            &format!("UPDATE visitor_tokens SET visitor_id = ?2 WHERE visitor_id = ?1 AND {guard}"),
            &[from_id.clone(), into_id],
        )?,
        stmt(
            db,
            "DELETE FROM visitors WHERE id = ?1 AND identity IS NULL",
            &[from_id],
        )?,
        stmt(
            db,
            "DELETE FROM contacts WHERE id = ?1 AND ?1 != ?2 \
             AND NOT EXISTS (SELECT 1 FROM visitors WHERE contact_id = ?1) \
             AND NOT EXISTS (SELECT 1 FROM conversations WHERE contact_id = ?1)",
            &[from_contact, into_contact],
        )?,
    ])
}
