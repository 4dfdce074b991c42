//! Merging two contacts into one, and undoing it (`contact_merges`, migration 0029).
//!
//! A merge is one batch: the merge's record (with what undoing needs), the merged contact's
//! details and values, its visitors and conversations moved, and the other contact deleted.
//! Undoing is one batch too: the contact made again as it was, its visitors and conversations
//! moved back, and each of the kept contact's fields that the merge changed set back, unless
//! someone changed it since (their change stands).

use std::collections::BTreeMap;

use protocol::api::{ContactMerge, MERGE_UNDO_MS};
use protocol::Millis;
use serde::{Deserialize, Serialize};
use worker::{D1Database, D1PreparedStatement, Result};

use super::{num, opt_text, stmt, text};

/// A contact's own fields and property values, as a merge records them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub owner_id: Option<String>,
    pub listed_at: Option<Millis>,
    pub created_at: Millis,
    /// Property values as stored, by key.
    pub values: BTreeMap<String, String>,
}

/// Contact `id`'s snapshot and site, if it exists.
pub async fn snapshot(db: &D1Database, id: &str) -> Result<Option<(String, Snapshot)>> {
    #[derive(Deserialize)]
    struct Row {
        site_id: String,
        name: Option<String>,
        email: Option<String>,
        phone: Option<String>,
        owner_id: Option<String>,
        listed_at: Option<Millis>,
        created_at: Millis,
        /// A JSON object of key → value.
        property_values: String,
    }
    let row: Option<Row> = stmt(
        db,
        "SELECT site_id, name, email, phone, owner_id, listed_at, created_at, \
         (SELECT json_group_object(key, value) FROM contact_values WHERE contact_id = ?1) \
             AS property_values \
         FROM contacts WHERE id = ?1",
        &[text(id)],
    )?
    .first(None)
    .await?;
    row.map(|r| {
        Ok((
            r.site_id,
            Snapshot {
                name: r.name,
                email: r.email,
                phone: r.phone,
                owner_id: r.owner_id,
                listed_at: r.listed_at,
                created_at: r.created_at,
                values: serde_json::from_str(&r.property_values)?,
            },
        ))
    })
    .transpose()
}

/// The ids of contact `id`'s visitors and of its conversations.
pub async fn ways_in(db: &D1Database, id: &str) -> Result<(Vec<String>, Vec<String>)> {
    #[derive(Deserialize)]
    struct Row {
        visitors: String,
        conversations: String,
    }
    let row: Option<Row> = stmt(
        db,
        "SELECT (SELECT json_group_array(id) FROM visitors WHERE contact_id = ?1) AS visitors, \
         (SELECT json_group_array(id) FROM conversations WHERE contact_id = ?1) AS conversations",
        &[text(id)],
    )?
    .first(None)
    .await?;
    match row {
        Some(r) => Ok((
            serde_json::from_str(&r.visitors)?,
            serde_json::from_str(&r.conversations)?,
        )),
        None => Ok((Vec::new(), Vec::new())),
    }
}

/// A merge to store.
pub struct NewMerge<'a> {
    pub id: &'a str,
    pub site_id: &'a str,
    pub into_id: &'a str,
    pub from_id: &'a str,
    pub from: &'a Snapshot,
    pub into_before: &'a Snapshot,
    pub merged: &'a Snapshot,
    pub visitors: &'a [String],
    pub conversations: &'a [String],
    pub by: Option<&'a str>,
    pub at: Millis,
}

/// The statements that set contact `id` to `snapshot`'s fields and values (values it lacks
/// are removed), for a batch.
fn write_contact(
    db: &D1Database,
    site_id: &str,
    id: &str,
    snapshot: &Snapshot,
    at: Millis,
) -> Result<Vec<D1PreparedStatement>> {
    let values = serde_json::to_string(&snapshot.values)?;
    Ok(vec![
        stmt(
            db,
            "UPDATE contacts SET name = ?2, email = ?3, phone = ?4, owner_id = ?5, \
             listed_at = ?6, updated_at = ?7 WHERE id = ?1",
            &[
                text(id),
                opt_text(snapshot.name.as_deref()),
                opt_text(snapshot.email.as_deref()),
                opt_text(snapshot.phone.as_deref()),
                opt_text(snapshot.owner_id.as_deref()),
                snapshot.listed_at.map_or(wasm_bindgen::JsValue::NULL, num),
                num(at),
            ],
        )?,
        stmt(
            db,
            "DELETE FROM contact_values WHERE contact_id = ?1 \
             AND key NOT IN (SELECT key FROM json_each(?2))",
            &[text(id), text(&values)],
        )?,
        stmt(
            db,
            "INSERT INTO contact_values (contact_id, site_id, key, value, updated_at) \
             SELECT ?1, ?2, j.key, j.value, ?4 FROM json_each(?3) j \
             WHERE EXISTS (SELECT 1 FROM contact_properties p WHERE p.site_id = ?2 AND p.key = j.key) \
             ON CONFLICT (contact_id, key) DO UPDATE SET value = excluded.value, \
             updated_at = excluded.updated_at WHERE value != excluded.value",
            &[text(id), text(site_id), text(&values), num(at)],
        )?,
    ])
}

/// Stores a merge, in one batch.
pub async fn merge(db: &D1Database, m: &NewMerge<'_>) -> Result<()> {
    let mut batch = vec![stmt(
        db,
        "INSERT INTO contact_merges (id, site_id, into_id, from_id, from_contact, into_before, \
         merged, visitors, conversations, merged_by, merged_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        &[
            text(m.id),
            text(m.site_id),
            text(m.into_id),
            text(m.from_id),
            text(&serde_json::to_string(m.from)?),
            text(&serde_json::to_string(m.into_before)?),
            text(&serde_json::to_string(m.merged)?),
            text(&serde_json::to_string(m.visitors)?),
            text(&serde_json::to_string(m.conversations)?),
            opt_text(m.by),
            num(m.at),
        ],
    )?];
    batch.extend(write_contact(db, m.site_id, m.into_id, m.merged, m.at)?);
    for table in ["visitors", "conversations"] {
        batch.push(stmt(
            db,
            &format!("UPDATE {table} SET contact_id = ?2 WHERE contact_id = ?1"),
            &[text(m.from_id), text(m.into_id)],
        )?);
    }
    // A waiting erasure request is the person's: it follows them (unless the kept contact has
    // one waiting already).
    batch.push(stmt(
        db,
        "UPDATE OR IGNORE erasure_requests SET contact_id = ?2 WHERE contact_id = ?1",
        &[text(m.from_id), text(m.into_id)],
    )?);
    batch.push(stmt(
        db,
        "DELETE FROM contacts WHERE id = ?1",
        &[text(m.from_id)],
    )?);
    db.batch(batch).await?;
    Ok(())
}

/// A merge's record, as undoing reads it.
#[derive(Deserialize)]
pub struct MergeRow {
    pub id: String,
    pub site_id: String,
    pub into_id: String,
    pub from_id: String,
    /// A [`Snapshot`], JSON.
    pub from_contact: String,
    /// A [`Snapshot`], JSON.
    pub into_before: String,
    /// A [`Snapshot`], JSON.
    pub merged: String,
    /// JSON arrays of ids.
    pub visitors: String,
    pub conversations: String,
    pub merged_by: Option<String>,
    pub merged_at: Millis,
}

const MERGE_COLUMNS: &str = "id, site_id, into_id, from_id, from_contact, into_before, merged, \
     visitors, conversations, merged_by, merged_at";

/// Merge `id` if it can still be undone at `now`: not undone, less than 30 days old, and the
/// contact it went into still there (not merged into another since).
pub async fn undoable(db: &D1Database, id: &str, now: Millis) -> Result<Option<MergeRow>> {
    stmt(
        db,
        &format!(
            "SELECT {MERGE_COLUMNS} FROM contact_merges \
             WHERE id = ?1 AND undone_at IS NULL AND merged_at > ?2 \
             AND EXISTS (SELECT 1 FROM contacts WHERE id = contact_merges.into_id)"
        ),
        &[text(id), num(now - MERGE_UNDO_MS)],
    )?
    .first(None)
    .await
}

/// The merges into contact `id` that can still be undone at `now`, newest first.
pub async fn merges_into(db: &D1Database, id: &str, now: Millis) -> Result<Vec<ContactMerge>> {
    let rows: Vec<MergeRow> = stmt(
        db,
        &format!(
            "SELECT {MERGE_COLUMNS} FROM contact_merges \
             WHERE into_id = ?1 AND undone_at IS NULL AND merged_at > ?2 \
             ORDER BY merged_at DESC"
        ),
        &[text(id), num(now - MERGE_UNDO_MS)],
    )?
    .all()
    .await?
    .results()?;
    rows.into_iter()
        .map(|r| {
            let from: Snapshot = serde_json::from_str(&r.from_contact)?;
            Ok(ContactMerge {
                id: r.id,
                from_id: r.from_id,
                from_name: from.name.or(from.email).or(from.phone),
                merged_by: r.merged_by,
                merged_at: r.merged_at,
                undo_until: r.merged_at + MERGE_UNDO_MS,
            })
        })
        .collect()
}

/// The kept contact's fields after undoing: each field the merge changed goes back to what it
/// was, unless it was changed again since (then that change stands).
pub fn restored(before: &Snapshot, merged: &Snapshot, current: &Snapshot) -> Snapshot {
    let back = |b: &Option<String>, m: &Option<String>, c: &Option<String>| {
        if b != m && c == m {
            b.clone()
        } else {
            c.clone()
        }
    };
    let mut values = current.values.clone();
    for key in before.values.keys().chain(merged.values.keys()) {
        let (b, m) = (before.values.get(key), merged.values.get(key));
        if b != m && current.values.get(key) == m {
            match b {
                Some(b) => values.insert(key.clone(), b.clone()),
                None => values.remove(key),
            };
        }
    }
    Snapshot {
        name: back(&before.name, &merged.name, &current.name),
        email: back(&before.email, &merged.email, &current.email),
        phone: back(&before.phone, &merged.phone, &current.phone),
        owner_id: back(&before.owner_id, &merged.owner_id, &current.owner_id),
        listed_at: if before.listed_at != merged.listed_at && current.listed_at == merged.listed_at
        {
            before.listed_at
        } else {
            current.listed_at
        },
        created_at: current.created_at,
        values,
    }
}

/// Undoes merge `m`, in one batch: `from` made again as it was, its visitors and
/// conversations (those still the kept contact's) moved back, and the kept contact set to
/// `restored` ([`restored`]).
pub async fn undo(db: &D1Database, m: &MergeRow, restored: &Snapshot, at: Millis) -> Result<()> {
    let from: Snapshot = serde_json::from_str(&m.from_contact)?;
    let mut batch = vec![stmt(
        db,
        "INSERT INTO contacts (id, site_id, name, email, phone, owner_id, listed_at, created_at, \
         updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        &[
            text(&m.from_id),
            text(&m.site_id),
            opt_text(from.name.as_deref()),
            opt_text(from.email.as_deref()),
            opt_text(from.phone.as_deref()),
            opt_text(from.owner_id.as_deref()),
            from.listed_at.map_or(wasm_bindgen::JsValue::NULL, num),
            num(from.created_at),
            num(at),
        ],
    )?];
    batch.extend(write_contact(db, &m.site_id, &m.from_id, &from, at)?);
    for (table, ids) in [
        ("visitors", &m.visitors),
        ("conversations", &m.conversations),
    ] {
        batch.push(stmt(
            db,
            &format!(
                "UPDATE {table} SET contact_id = ?2 WHERE contact_id = ?1 \
                 AND id IN (SELECT value FROM json_each(?3))"
            ),
            &[text(&m.into_id), text(&m.from_id), text(ids)],
        )?);
    }
    batch.extend(write_contact(db, &m.site_id, &m.into_id, restored, at)?);
    batch.push(stmt(
        db,
        "UPDATE contact_merges SET undone_at = ?2 WHERE id = ?1",
        &[text(&m.id), num(at)],
    )?);
    db.batch(batch).await?;
    Ok(())
}

/// The kept contact after a merge: where both have a value, `into`'s stays unless `take` names
/// the field; where only `from` has one, it is taken. Listed since the earlier of the two.
pub fn merged(into: &Snapshot, from: &Snapshot, take: &[String]) -> Snapshot {
    let pick = |name: &str, i: &Option<String>, f: &Option<String>| {
        if f.is_some() && (i.is_none() || take.iter().any(|t| t == name)) {
            f.clone()
        } else {
            i.clone()
        }
    };
    let mut values = into.values.clone();
    for (key, value) in &from.values {
        if !values.contains_key(key) || take.iter().any(|t| *t == format!("properties.{key}")) {
            values.insert(key.clone(), value.clone());
        }
    }
    let listed_at = match (into.listed_at, from.listed_at) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    Snapshot {
        name: pick("name", &into.name, &from.name),
        email: pick("email", &into.email, &from.email),
        phone: pick("phone", &into.phone, &from.phone),
        owner_id: pick("owner_id", &into.owner_id, &from.owner_id),
        listed_at,
        created_at: into.created_at.min(from.created_at),
        values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(name: Option<&str>, email: Option<&str>, values: &[(&str, &str)]) -> Snapshot {
        Snapshot {
            name: name.map(str::to_owned),
            email: email.map(str::to_owned),
            listed_at: Some(10),
            created_at: 5,
            values: values
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            ..Snapshot::default()
        }
    }

    #[test]
    fn a_merge_keeps_the_kept_contacts_values_unless_told_and_fills_the_gaps() {
        let into = snapshot(Some("Ada"), None, &[("plan", "Pro")]);
        let from = snapshot(
            Some("A. Lovelace"),
            Some("ada@x.example"),
            &[("plan", "Free"), ("seats", "3")],
        );
        let kept = merged(&into, &from, &[]);
        assert_eq!(kept.name.as_deref(), Some("Ada"));
        assert_eq!(
            kept.email.as_deref(),
            Some("ada@x.example"),
            "filled from the other"
        );
        assert_eq!(kept.values["plan"], "Pro");
        assert_eq!(kept.values["seats"], "3");
        let taken = merged(&into, &from, &["name".into(), "properties.plan".into()]);
        assert_eq!(taken.name.as_deref(), Some("A. Lovelace"));
        assert_eq!(taken.values["plan"], "Free");
    }

    #[test]
    fn undoing_restores_what_the_merge_changed_but_not_what_changed_since() {
        let before = snapshot(Some("Ada"), None, &[("plan", "Pro")]);
        let from = snapshot(
            Some("A. Lovelace"),
            Some("ada@x.example"),
            &[("seats", "3")],
        );
        let after = merged(&before, &from, &["name".into()]);
        // Since the merge, someone set the e-mail again and a bot wrote the plan.
        let mut current = after.clone();
        current.email = Some("ada@new.example".into());
        current.values.insert("plan".into(), "Team".into());
        let back = restored(&before, &after, &current);
        assert_eq!(
            back.name.as_deref(),
            Some("Ada"),
            "the merge's change is undone"
        );
        assert_eq!(
            back.email.as_deref(),
            Some("ada@new.example"),
            "a later change stands"
        );
        assert_eq!(
            back.values.get("seats"),
            None,
            "the other's value leaves with it"
        );
        assert_eq!(back.values["plan"], "Team");
    }
}
