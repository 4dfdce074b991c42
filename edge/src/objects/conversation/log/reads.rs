//! How far each participant has read: positions that only move forward, capped at the last
//! message.

use protocol::{Author, Seq};
use serde::Deserialize;
use worker::{Result, SqlStorageValue};

use super::Log;
use crate::participant::Participant;

#[derive(Deserialize)]
struct ReadRow {
    reader_kind: String,
    reader_name: String,
    reader_id: String,
    seq: i64,
}

impl Log {
    /// Records that `who` has read up to `seq` (capped at the last message). Positions only move
    /// forward; returns the new position when it moved.
    pub fn mark_read(&self, who: &Participant, seq: Seq) -> Result<Option<Seq>> {
        let seq = seq.min(self.last_seq()?);
        let (kind, id) = who.scope();
        let name = match who.author() {
            Author::Agent { name, .. } | Author::Bot { name, .. } => name,
            Author::Visitor => String::new(),
        };
        let cursor = self.sql.exec(
            "INSERT INTO reads (reader_kind, reader_id, reader_name, seq) VALUES (?, ?, ?, ?) \
             ON CONFLICT (reader_kind, reader_id) DO UPDATE SET seq = excluded.seq, \
             reader_name = excluded.reader_name WHERE excluded.seq > reads.seq",
            vec![
                kind.into(),
                id.into(),
                name.as_str().into(),
                SqlStorageValue::Integer(i64::try_from(seq).unwrap_or(i64::MAX)),
            ],
        )?;
        Ok((cursor.rows_written() > 0 && seq > 0).then_some(seq))
    }

    /// Every stored read position, as participants see them.
    pub fn reads(&self) -> Result<Vec<(Author, Seq)>> {
        let rows: Vec<ReadRow> = self
            .sql
            .exec(
                "SELECT reader_kind, reader_id, reader_name, seq FROM reads",
                None,
            )?
            .to_array()?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let author = match r.reader_kind.as_str() {
                    "agent" => Author::Agent {
                        id: r.reader_id,
                        name: r.reader_name,
                    },
                    _ => Author::Visitor,
                };
                (author, u64::try_from(r.seq).unwrap_or(0))
            })
            .collect())
    }
}
