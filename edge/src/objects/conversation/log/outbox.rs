//! Agents' replies on a Meta channel waiting to be handed to the REPLIES queue (the object's
//! alarm hands them off): the Send API requests kept until then.

use protocol::Seq;
use serde::Deserialize;
use worker::{Result, SqlStorageValue};

use super::Log;

#[derive(Deserialize)]
struct OutboxRow {
    seq: i64,
    requests: String,
}

impl Log {
    /// Keeps a reply's Send API requests until they are handed off.
    pub fn hold_outgoing(&self, seq: Seq, requests: &str) -> Result<()> {
        self.sql.exec(
            "INSERT OR IGNORE INTO outbox (seq, requests) VALUES (?, ?)",
            vec![SqlStorageValue::Integer(seq as i64), requests.into()],
        )?;
        Ok(())
    }

    /// The replies waiting to be handed off, oldest first: (seq, requests).
    pub fn outgoing(&self) -> Result<Vec<(Seq, String)>> {
        let rows: Vec<OutboxRow> = self
            .sql
            .exec("SELECT seq, requests FROM outbox ORDER BY seq", None)?
            .to_array()?;
        Ok(rows
            .into_iter()
            .map(|r| (u64::try_from(r.seq).unwrap_or(0), r.requests))
            .collect())
    }

    /// Forgets a reply that was handed off.
    pub fn handed_off(&self, seq: Seq) -> Result<()> {
        self.sql.exec(
            "DELETE FROM outbox WHERE seq = ?",
            vec![SqlStorageValue::Integer(seq as i64)],
        )?;
        Ok(())
    }
}
