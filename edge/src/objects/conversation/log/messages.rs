//! The message log: each message stored once per participant and client id under the next
//! sequence number, with times that only move forward; read back after a position.

use protocol::api::SendMessage;
use protocol::{Attachment, Author, Message, Millis, Seq};
use serde::Deserialize;
use worker::{Result, SqlStorageValue};

use super::Log;
use crate::participant::Participant;
use crate::store;

#[derive(Deserialize)]
struct MessageRow {
    seq: i64,
    client_id: String,
    author_kind: String,
    author_id: String,
    author_name: String,
    body: String,
    attachment: Option<String>,
    choices: Option<String>,
    sent_at: i64,
}

impl MessageRow {
    fn into_message(self) -> Message {
        let author = match self.author_kind.as_str() {
            "agent" => Author::Agent {
                id: self.author_id,
                name: self.author_name,
            },
            "bot" => Author::Bot {
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
            choices: self
                .choices
                .and_then(|json| serde_json::from_str(&json).ok())
                .unwrap_or_default(),
            sent_at: self.sent_at,
        }
    }
}

#[derive(Deserialize)]
struct MaxRow {
    seq: Option<i64>,
    sent_at: Option<i64>,
}

const MESSAGE_COLUMNS: &str =
    "seq, client_id, author_kind, author_id, author_name, body, attachment, choices, sent_at";

#[derive(Deserialize)]
struct AtRow {
    at: Option<i64>,
}

impl Log {
    pub(super) fn last(&self) -> Result<(Seq, Millis)> {
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

    /// Stores the message (with its already claimed file, and a bot's offered answers) unless
    /// this participant already sent this client id; returns the stored message and whether it
    /// was already there.
    pub fn append(
        &self,
        who: &Participant,
        send: &SendMessage,
        attachment: Option<Attachment>,
        at: Option<Millis>,
        choices: Vec<String>,
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
            choices,
            // Times only move forward, even if the clock steps back or Meta delivers late.
            sent_at: at.unwrap_or_else(store::now).max(last_at),
        };
        let name = match &message.author {
            Author::Agent { name, .. } | Author::Bot { name, .. } => name.as_str(),
            Author::Visitor => "",
        };
        let attachment = match &message.attachment {
            Some(file) => SqlStorageValue::from(serde_json::to_string(file)?),
            None => SqlStorageValue::Null,
        };
        let choices = if message.choices.is_empty() {
            SqlStorageValue::Null
        } else {
            SqlStorageValue::from(serde_json::to_string(&message.choices)?)
        };
        self.sql.exec(
            "INSERT INTO messages (seq, client_id, author_kind, author_id, author_name, body, \
             attachment, choices, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                SqlStorageValue::Integer(message.seq as i64),
                message.client_id.as_str().into(),
                kind.into(),
                id.into(),
                name.into(),
                message.body.as_str().into(),
                attachment,
                choices,
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
