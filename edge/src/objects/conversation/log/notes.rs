//! The team's internal notes: stored once per author and client id, each shown after the last
//! message stored when it was written.

use protocol::api::Note;
use protocol::frame::AgentRef;
use serde::Deserialize;
use worker::{Result, SqlStorageValue};

use super::Log;
use crate::store;

#[derive(Deserialize)]
struct NoteRow {
    id: i64,
    client_id: String,
    author_id: String,
    author_name: String,
    body: String,
    mentions: String,
    after_seq: i64,
    at: i64,
}

impl NoteRow {
    fn into_note(self) -> Note {
        Note {
            id: u64::try_from(self.id).unwrap_or(0),
            client_id: self.client_id,
            author: AgentRef {
                id: self.author_id,
                name: self.author_name,
            },
            links: domain::text::links(&self.body),
            body: self.body,
            mentions: serde_json::from_str(&self.mentions).unwrap_or_default(),
            after_seq: u64::try_from(self.after_seq).unwrap_or(0),
            at: self.at,
        }
    }
}

const NOTE_COLUMNS: &str = "id, client_id, author_id, author_name, body, mentions, after_seq, at";

impl Log {
    /// Stores a note by `author` unless they already wrote this client id; returns the note and
    /// whether it was already there. It shows after the last message stored now.
    pub fn add_note(
        &self,
        author: &AgentRef,
        client_id: &str,
        body: &str,
        mentions: &[AgentRef],
    ) -> Result<(Note, bool)> {
        let find = || -> Result<Option<Note>> {
            let rows: Vec<NoteRow> = self
                .sql
                .exec(
                    &format!(
                        "SELECT {NOTE_COLUMNS} FROM notes WHERE author_id = ? AND client_id = ?"
                    ),
                    vec![author.id.as_str().into(), client_id.into()],
                )?
                .to_array()?;
            Ok(rows.into_iter().next().map(NoteRow::into_note))
        };
        if let Some(existing) = find()? {
            return Ok((existing, true));
        }
        let (after_seq, last_at) = self.last()?;
        self.sql.exec(
            "INSERT INTO notes (client_id, author_id, author_name, body, mentions, after_seq, at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
            vec![
                client_id.into(),
                author.id.as_str().into(),
                author.name.as_str().into(),
                body.into(),
                serde_json::to_string(mentions)?.into(),
                SqlStorageValue::Integer(i64::try_from(after_seq).unwrap_or(i64::MAX)),
                SqlStorageValue::Integer(store::now().max(last_at)),
            ],
        )?;
        let stored = find()?.ok_or_else(|| worker::Error::RustError("note not stored".into()))?;
        Ok((stored, false))
    }

    /// Every note, oldest first.
    pub fn notes(&self) -> Result<Vec<Note>> {
        let rows: Vec<NoteRow> = self
            .sql
            .exec(
                &format!("SELECT {NOTE_COLUMNS} FROM notes ORDER BY id"),
                None,
            )?
            .to_array()?;
        Ok(rows.into_iter().map(NoteRow::into_note).collect())
    }
}
