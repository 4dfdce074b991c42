//! The conversation's state in its Durable Object's SQLite storage: the message log (sequence
//! numbers, one row per participant and client id), the conversation's identity, how far each
//! participant has read, the team's internal notes, and replies on Meta channels waiting to be
//! handed to the REPLIES queue. All calls are synchronous: SQLite-backed Durable Object storage
//! runs in the object's thread, and no other event interleaves within a call.
//!
//! This module keeps [`Log`] and the conversation's own state, as values in the `meta` table
//! (identity, status, how replies go, what the index has, a pending close). The tables are each
//! a submodule's, every one adding its methods to [`Log`]:
//!
//! - `schema`: creating the tables, and the migrations every object runs once.
//! - `messages`: the message log: appending once per client id, reading after a position.
//! - `notes`: the team's internal notes.
//! - `reads`: how far each participant has read.
//! - `outbox`: replies on Meta channels waiting to be handed off.
//! - `bot`: the chatflow bot the conversation runs, its session, and what it has yet to do.

use protocol::api::ReplyChannel;
use protocol::{ConversationStatus, Seq};
use serde::Deserialize;
use worker::{Result, SqlStorage, SqlStorageValue};

use crate::contracts::conversation::Init;

pub use bot::{BotRun, Queued};

mod bot;
mod messages;
mod notes;
mod outbox;
mod reads;
mod schema;

/// The message log in the object's SQLite storage. All calls are synchronous: SQLite-backed
/// Durable Object storage runs in the same thread, and no other event interleaves within a call.
/// A clone is another handle on the same storage (for work that outlives a request).
#[derive(Clone)]
pub struct Log {
    sql: SqlStorage,
}

#[derive(Deserialize)]
struct MetaRow {
    value: String,
}

impl Log {
    fn meta(&self, key: &str) -> Result<Option<String>> {
        let rows: Vec<MetaRow> = self
            .sql
            .exec("SELECT value FROM meta WHERE key = ?", vec![key.into()])?
            .to_array()?;
        Ok(rows.into_iter().next().map(|r| r.value))
    }

    pub fn init(&self, init: &Init) -> Result<()> {
        let value = serde_json::to_string(init)?;
        self.sql.exec(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('identity', ?)",
            vec![SqlStorageValue::from(value)],
        )?;
        Ok(())
    }

    /// Whether the conversation is open (the default) or closed.
    pub fn status(&self) -> Result<ConversationStatus> {
        Ok(match self.meta("status")?.as_deref() {
            Some("closed") => ConversationStatus::Closed,
            _ => ConversationStatus::Open,
        })
    }

    /// Sets the status; returns whether it changed.
    pub fn set_status(&self, status: ConversationStatus) -> Result<bool> {
        let value = match status {
            ConversationStatus::Open => "open",
            ConversationStatus::Closed => "closed",
        };
        self.set_meta("status", value, self.status()? != status)
    }

    /// How agents' replies reach a website visitor: the chat (the default) or e-mail.
    pub fn reply_by(&self) -> Result<ReplyChannel> {
        Ok(match self.meta("reply_by")?.as_deref() {
            Some("email") => ReplyChannel::Email,
            _ => ReplyChannel::Chat,
        })
    }

    /// Sets how replies reach the visitor; returns whether it changed.
    pub fn set_reply_by(&self, channel: ReplyChannel) -> Result<bool> {
        let value = match channel {
            ReplyChannel::Chat => "chat",
            ReplyChannel::Email => "email",
        };
        self.set_meta("reply_by", value, self.reply_by()? != channel)
    }

    /// Stores `value` under `key` when `changed`; returns `changed`.
    fn set_meta(&self, key: &str, value: &str, changed: bool) -> Result<bool> {
        if changed {
            self.sql.exec(
                "INSERT INTO meta (key, value) VALUES (?, ?) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                vec![key.into(), value.into()],
            )?;
        }
        Ok(changed)
    }

    /// The newest message the inbox index has been given (see `super::index`).
    pub fn published_seq(&self) -> Result<Seq> {
        Ok(self
            .meta("published_seq")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// Records that the index has message `seq`; it only moves forward (publishes of two
    /// messages may finish in either order).
    pub fn set_published_seq(&self, seq: Seq) -> Result<()> {
        self.sql.exec(
            "INSERT INTO meta (key, value) VALUES ('published_seq', ?) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value \
             WHERE CAST(value AS INTEGER) < CAST(excluded.value AS INTEGER)",
            vec![seq.to_string().into()],
        )?;
        Ok(())
    }

    /// Whether a close's effects (index, list, transcript) have yet to all go.
    pub fn close_pending(&self) -> Result<bool> {
        Ok(self.meta("close_pending")?.as_deref() == Some("1"))
    }

    pub fn set_close_pending(&self, pending: bool) -> Result<()> {
        self.set_meta("close_pending", if pending { "1" } else { "0" }, true)?;
        Ok(())
    }

    pub fn identity(&self) -> Result<Option<Init>> {
        self.meta("identity")?
            .map(|v| serde_json::from_str(&v).map_err(worker::Error::from))
            .transpose()
    }
}
