//! The conversation's state in its Durable Object's SQLite storage: the message log (sequence
//! numbers, one row per participant and client id), the conversation's identity, how far each
//! participant has read, the team's internal notes, and replies on Meta channels waiting to be
//! handed to the REPLIES queue. All calls are synchronous: SQLite-backed Durable Object storage
//! runs in the object's thread, and no other event interleaves within a call.

use protocol::api::{Note, ReplyChannel, SendMessage};
use protocol::frame::AgentRef;
use protocol::{Attachment, Author, ConversationStatus, Message, Millis, Seq};
use serde::Deserialize;
use worker::{Result, SqlStorage, SqlStorageValue};

use crate::contracts::conversation::Init;
use crate::participant::Participant;
use crate::store;

/// The message log in the object's SQLite storage. All calls are synchronous: SQLite-backed
/// Durable Object storage runs in the same thread, and no other event interleaves within a call.
/// A clone is another handle on the same storage (for work that outlives a request).
#[derive(Clone)]
pub struct Log {
    sql: SqlStorage,
}

#[derive(Deserialize)]
struct MessageRow {
    seq: i64,
    client_id: String,
    author_kind: String,
    author_id: String,
    author_name: String,
    body: String,
    attachment: Option<String>,
    sent_at: i64,
}

impl MessageRow {
    fn into_message(self) -> Message {
        let author = match self.author_kind.as_str() {
            "agent" => Author::Agent {
                id: self.author_id,
                name: self.author_name,
            },
            _ => Author::Visitor,
        };
        Message {
            seq: u64::try_from(self.seq).unwrap_or(0),
            client_id: self.client_id,
            author,
            links: domain::text::links(&self.body),
            body: self.body,
            attachment: self
                .attachment
                .and_then(|json| serde_json::from_str(&json).ok()),
            sent_at: self.sent_at,
        }
    }
}

#[derive(Deserialize)]
struct MetaRow {
    value: String,
}

#[derive(Deserialize)]
struct MaxRow {
    seq: Option<i64>,
    sent_at: Option<i64>,
}

const MESSAGE_COLUMNS: &str =
    "seq, client_id, author_kind, author_id, author_name, body, attachment, sent_at";

/// Changes to the tables after their first version, in order; `meta.schema` counts those
/// applied. Append only: an object created long ago runs every step it has not seen.
const MIGRATIONS: &[&str] = &[
    // 1: a file sent with the message (`protocol::Attachment` as JSON).
    "ALTER TABLE messages ADD COLUMN attachment TEXT",
    // 2: internal notes, the team's only (`mentions`: `protocol::frame::AgentRef`s as JSON).
    "CREATE TABLE notes (
         id INTEGER PRIMARY KEY,
         client_id TEXT NOT NULL,
         author_id TEXT NOT NULL,
         author_name TEXT NOT NULL,
         body TEXT NOT NULL,
         mentions TEXT NOT NULL,
         after_seq INTEGER NOT NULL,
         at INTEGER NOT NULL,
         UNIQUE (author_id, client_id)
     )",
    // 3: agents' replies on a Meta channel waiting to be handed to the REPLIES queue (the
    // object's alarm hands them off; `requests`: the Send API bodies as a JSON array).
    "CREATE TABLE outbox (seq INTEGER PRIMARY KEY, requests TEXT NOT NULL)",
];

#[derive(Deserialize)]
struct OutboxRow {
    seq: i64,
    requests: String,
}

#[derive(Deserialize)]
struct AtRow {
    at: Option<i64>,
}

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
    pub fn open(sql: SqlStorage) -> Self {
        // Creating tables is idempotent; a failure here surfaces on the first query instead.
        let _ = sql.exec(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS messages (
                 seq INTEGER PRIMARY KEY,
                 client_id TEXT NOT NULL,
                 author_kind TEXT NOT NULL,
                 author_id TEXT NOT NULL,
                 author_name TEXT NOT NULL,
                 body TEXT NOT NULL,
                 sent_at INTEGER NOT NULL,
                 UNIQUE (author_kind, author_id, client_id)
             );
             CREATE TABLE IF NOT EXISTS reads (
                 reader_kind TEXT NOT NULL,
                 reader_id TEXT NOT NULL,
                 reader_name TEXT NOT NULL,
                 seq INTEGER NOT NULL,
                 PRIMARY KEY (reader_kind, reader_id)
             );",
            None,
        );
        let log = Self { sql };
        log.migrate();
        log
    }

    /// Applies the [`MIGRATIONS`] this object has not run yet. A failure leaves the version where
    /// it was, so the next start tries again (and the first query that needs it fails loudly).
    fn migrate(&self) {
        let applied = self
            .meta("schema")
            .ok()
            .flatten()
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0);
        for (n, step) in MIGRATIONS.iter().enumerate().skip(applied) {
            let done = self.sql.exec(step, None).and_then(|_| {
                self.sql.exec(
                    "INSERT INTO meta (key, value) VALUES ('schema', ?) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    vec![(n + 1).to_string().into()],
                )
            });
            if let Err(e) = done {
                worker::console_error!("conversation storage migration {} failed: {e}", n + 1);
                return;
            }
        }
    }

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

    fn last(&self) -> Result<(Seq, Millis)> {
        let rows: Vec<MaxRow> = self
            .sql
            .exec(
                "SELECT seq, sent_at FROM messages ORDER BY seq DESC LIMIT 1",
                None,
            )?
            .to_array()?;
        let row = rows.into_iter().next();
        Ok((
            row.as_ref()
                .and_then(|r| r.seq)
                .and_then(|s| u64::try_from(s).ok())
                .unwrap_or(0),
            row.and_then(|r| r.sent_at).unwrap_or(0),
        ))
    }

    pub fn last_seq(&self) -> Result<Seq> {
        Ok(self.last()?.0)
    }

    /// The message this participant sent with this client id, if stored.
    pub fn find(&self, who: &Participant, client_id: &str) -> Result<Option<Message>> {
        let (kind, id) = who.scope();
        let existing: Vec<MessageRow> = self
            .sql
            .exec(
                &format!(
                    "SELECT {MESSAGE_COLUMNS} FROM messages \
                     WHERE author_kind = ? AND author_id = ? AND client_id = ?"
                ),
                vec![kind.into(), id.into(), client_id.into()],
            )?
            .to_array()?;
        Ok(existing.into_iter().next().map(MessageRow::into_message))
    }

    /// Stores the message (with its already claimed file) unless this participant already sent
    /// this client id; returns the stored message and whether it was already there.
    pub fn append(
        &self,
        who: &Participant,
        send: &SendMessage,
        attachment: Option<Attachment>,
        at: Option<Millis>,
    ) -> Result<(Message, bool)> {
        if let Some(existing) = self.find(who, &send.client_id)? {
            return Ok((existing, true));
        }
        let (kind, id) = who.scope();
        let (last_seq, last_at) = self.last()?;
        let message = Message {
            seq: last_seq + 1,
            client_id: send.client_id.clone(),
            author: who.author(),
            body: send.body.clone(),
            links: domain::text::links(&send.body),
            attachment,
            // Times only move forward, even if the clock steps back or Meta delivers late.
            sent_at: at.unwrap_or_else(store::now).max(last_at),
        };
        let name = match &message.author {
            Author::Agent { name, .. } => name.as_str(),
            Author::Visitor => "",
        };
        let attachment = match &message.attachment {
            Some(file) => SqlStorageValue::from(serde_json::to_string(file)?),
            None => SqlStorageValue::Null,
        };
        self.sql.exec(
            "INSERT INTO messages \
             (seq, client_id, author_kind, author_id, author_name, body, attachment, sent_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                SqlStorageValue::Integer(message.seq as i64),
                message.client_id.as_str().into(),
                kind.into(),
                id.into(),
                name.into(),
                message.body.as_str().into(),
                attachment,
                SqlStorageValue::Integer(message.sent_at),
            ],
        )?;
        Ok((message, false))
    }

    /// When the person (the visitor, or the contact on a Meta channel) last wrote.
    pub fn last_contact_at(&self) -> Result<Option<Millis>> {
        let rows: Vec<AtRow> = self
            .sql
            .exec(
                "SELECT MAX(sent_at) AS at FROM messages WHERE author_kind = 'visitor'",
                None,
            )?
            .to_array()?;
        Ok(rows.into_iter().next().and_then(|r| r.at))
    }

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

    pub fn after(&self, after: Seq, limit: usize) -> Result<Vec<Message>> {
        let rows: Vec<MessageRow> = self
            .sql
            .exec(
                &format!(
                    "SELECT {MESSAGE_COLUMNS} FROM messages WHERE seq > ? ORDER BY seq LIMIT ?"
                ),
                vec![
                    SqlStorageValue::Integer(i64::try_from(after).unwrap_or(i64::MAX)),
                    SqlStorageValue::Integer(limit as i64),
                ],
            )?
            .to_array()?;
        Ok(rows.into_iter().map(MessageRow::into_message).collect())
    }
}

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
            Author::Agent { name, .. } => name,
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
