//! The team's snippets.

use protocol::api::Snippet;
use protocol::Millis;
use serde::Deserialize;
use worker::{D1Database, Result};

use super::{changes, num, stmt, text};

#[derive(Deserialize)]
struct Row {
    id: String,
    name: String,
    body: String,
    created_by: Option<String>,
    updated_at: Millis,
}

impl From<Row> for Snippet {
    fn from(r: Row) -> Self {
        Self {
            id: r.id,
            name: r.name,
            body: r.body,
            created_by: r.created_by,
            updated_at: r.updated_at,
        }
    }
}

const COLUMNS: &str = "id, name, body, created_by, updated_at";

pub async fn all(db: &D1Database) -> Result<Vec<Snippet>> {
    let rows: Vec<Row> = stmt(
        db,
        &format!("SELECT {COLUMNS} FROM snippets ORDER BY name COLLATE NOCASE, id"),
        &[],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub async fn insert(db: &D1Database, snippet: &Snippet, at: Millis) -> Result<()> {
    stmt(
        db,
        "INSERT INTO snippets (id, name, body, created_by, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        &[
            text(&snippet.id),
            text(&snippet.name),
            text(&snippet.body),
            text(snippet.created_by.as_deref().unwrap_or_default()),
            num(at),
        ],
    )?
    .run()
    .await?;
    Ok(())
}

/// Who wrote a snippet (`Some(None)` when its author has left); `None` when there is none.
pub async fn author(db: &D1Database, id: &str) -> Result<Option<Option<String>>> {
    #[derive(Deserialize)]
    struct Author {
        created_by: Option<String>,
    }
    let row: Option<Author> = stmt(
        db,
        "SELECT created_by FROM snippets WHERE id = ?1",
        &[text(id)],
    )?
    .first(None)
    .await?;
    Ok(row.map(|r| r.created_by))
}

pub async fn update(
    db: &D1Database,
    id: &str,
    name: &str,
    body: &str,
    at: Millis,
) -> Result<Option<Snippet>> {
    let row: Option<Row> = stmt(
        db,
        &format!(
            "UPDATE snippets SET name = ?2, body = ?3, updated_at = ?4 WHERE id = ?1 \
             RETURNING {COLUMNS}"
        ),
        &[text(id), text(name), text(body), num(at)],
    )?
    .first(None)
    .await?;
    Ok(row.map(Into::into))
}

pub async fn delete(db: &D1Database, id: &str) -> Result<bool> {
    let result = stmt(db, "DELETE FROM snippets WHERE id = ?1", &[text(id)])?
        .run()
        .await?;
    Ok(changes(&result) == 1)
}
