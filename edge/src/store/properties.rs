//! A site's contact properties (`contact_properties`, migration 0029) and contacts' values of
//! them (`contact_values`). What a valid property or value is, is `domain::contacts`'.

use protocol::api::{Property, PropertyKind, PropertyValue};
use protocol::Millis;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement, Result};

use super::{changes, num, stmt, text};

#[derive(Deserialize)]
struct PropertyRow {
    key: String,
    label: String,
    kind: PropertyKind,
    /// A JSON array of strings.
    options: String,
}

impl PropertyRow {
    fn property(self) -> Result<Property> {
        Ok(Property {
            key: self.key,
            label: self.label,
            kind: self.kind,
            options: serde_json::from_str(&self.options)?,
        })
    }
}

const COLUMNS: &str = "key, label, kind, options";

fn kind_name(kind: PropertyKind) -> &'static str {
    match kind {
        PropertyKind::Text => "text",
        PropertyKind::Number => "number",
        PropertyKind::Date => "date",
        PropertyKind::Choice => "choice",
    }
}

/// The site's properties, in the order they were made.
pub async fn properties(db: &D1Database, site_id: &str) -> Result<Vec<Property>> {
    let rows: Vec<PropertyRow> = stmt(
        db,
        &format!(
            "SELECT {COLUMNS} FROM contact_properties WHERE site_id = ?1 \
             ORDER BY created_at, key"
        ),
        &[text(site_id)],
    )?
    .all()
    .await?
    .results()?;
    rows.into_iter().map(PropertyRow::property).collect()
}

/// The site's property `key`.
pub async fn property(db: &D1Database, site_id: &str, key: &str) -> Result<Option<Property>> {
    let row: Option<PropertyRow> = stmt(
        db,
        &format!("SELECT {COLUMNS} FROM contact_properties WHERE site_id = ?1 AND key = ?2"),
        &[text(site_id), text(key)],
    )?
    .first(None)
    .await?;
    row.map(PropertyRow::property).transpose()
}

/// Adds a property unless the site has one with its key or already has `max`; false then.
pub async fn insert(
    db: &D1Database,
    site_id: &str,
    property: &Property,
    max: usize,
    at: Millis,
) -> Result<bool> {
    let result = stmt(
        db,
        "INSERT OR IGNORE INTO contact_properties (site_id, key, label, kind, options, created_at) \
         SELECT ?1, ?2, ?3, ?4, ?5, ?6 \
         WHERE (SELECT COUNT(*) FROM contact_properties WHERE site_id = ?1) < ?7",
        &[
            text(site_id),
            text(&property.key),
            text(&property.label),
            text(kind_name(property.kind)),
            text(&serde_json::to_string(&property.options)?),
            num(at),
            num(max as i64),
        ],
    )?
    .run()
    .await?;
    Ok(changes(&result) == 1)
}

/// Relabels a property (and sets a choice's options). A contact's value that is no longer an
/// option is removed with it: a choice only ever holds one of its options.
pub async fn update(db: &D1Database, site_id: &str, property: &Property) -> Result<bool> {
    let options = serde_json::to_string(&property.options)?;
    let results = db
        .batch(vec![
            stmt(
                db,
                "UPDATE contact_properties SET label = ?3, options = ?4 \
                 WHERE site_id = ?1 AND key = ?2",
                &[
                    text(site_id),
                    text(&property.key),
                    text(&property.label),
                    text(&options),
                ],
            )?,
            stmt(
                db,
                "DELETE FROM contact_values WHERE site_id = ?1 AND key = ?2 AND ?3 = 'choice' \
                 AND value NOT IN (SELECT value FROM json_each(?4))",
                &[
                    text(site_id),
                    text(&property.key),
                    text(kind_name(property.kind)),
                    text(&options),
                ],
            )?,
        ])
        .await?;
    Ok(results.first().map(changes) == Some(1))
}

/// Deletes a property and every contact's value of it; false when there was none.
pub async fn delete(db: &D1Database, site_id: &str, key: &str) -> Result<bool> {
    let results = db
        .batch(vec![
            stmt(
                db,
                "DELETE FROM contact_values WHERE site_id = ?1 AND key = ?2",
                &[text(site_id), text(key)],
            )?,
            stmt(
                db,
                "DELETE FROM contact_properties WHERE site_id = ?1 AND key = ?2",
                &[text(site_id), text(key)],
            )?,
        ])
        .await?;
    Ok(results.get(1).map(changes) == Some(1))
}

/// The site's properties with contact `contact_id`'s values.
pub async fn values(
    db: &D1Database,
    site_id: &str,
    contact_id: &str,
) -> Result<Vec<PropertyValue>> {
    #[derive(Deserialize)]
    struct Row {
        #[serde(flatten)]
        property: PropertyRow,
        value: Option<String>,
    }
    let rows: Vec<Row> = stmt(
        db,
        "SELECT p.key, p.label, p.kind, p.options, v.value FROM contact_properties p \
         LEFT JOIN contact_values v ON v.contact_id = ?2 AND v.key = p.key \
         WHERE p.site_id = ?1 ORDER BY p.created_at, p.key",
        &[text(site_id), text(contact_id)],
    )?
    .all()
    .await?
    .results()?;
    rows.into_iter()
        .map(|r| {
            let property = r.property.property()?;
            let value = r
                .value
                .map(|v| domain::contacts::json_value(property.kind, &v));
            Ok(PropertyValue { property, value })
        })
        .collect()
}

/// The statement setting (`Some`) or clearing a contact's value, for the caller's batch.
pub fn set_value(
    db: &D1Database,
    site_id: &str,
    contact_id: &str,
    key: &str,
    value: Option<&str>,
    at: Millis,
) -> Result<D1PreparedStatement> {
    match value {
        Some(value) => stmt(
            db,
            "INSERT INTO contact_values (contact_id, site_id, key, value, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (contact_id, key) \
             DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            &[
                text(contact_id),
                text(site_id),
                text(key),
                text(value),
                num(at),
            ],
        ),
        None => stmt(
            db,
            "DELETE FROM contact_values WHERE contact_id = ?1 AND key = ?2",
            &[text(contact_id), text(key)],
        ),
    }
}
