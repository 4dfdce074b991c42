//! The conversation Durable Object: one per conversation, addressed by the conversation id. It
//! owns the ordered message log in its SQLite storage, assigns sequence numbers, stores each
//! client id once per participant, and fans every stored message out to the participants'
//! hibernating WebSockets (the visitor's widget and any agents with the thread open).
//!
//! Why acknowledgements are safe: a Durable Object's output gate holds every outgoing message
//! (socket frames and HTTP responses) until the storage writes made before it are durable, so an
//! `Ack` can never reach a client for a message that could still be lost.
//!
//! Internal routes (reachable only from the front Worker, which authenticates first and passes
//! the [`Participant`] in a header):
//! - `POST /init` with [`Init`]: records the conversation's identity (idempotent).
//! - `POST /messages` with a validated `SendMessage` → `MessageAccepted` (201, or 200 for a resend).
//! - `GET /messages?after=SEQ` → `MessagePage`.
//! - `GET /socket?after=SEQ` (WebSocket upgrade): replay after `SEQ`, `Synced`, then live.

use domain::message::{preview, validate_send};
use protocol::api::{ErrorCode, MessageAccepted, MessagePage, SendMessage};
use protocol::frame::{ClientFrame, ServerFrame};
use protocol::limits::{HISTORY_PAGE_MAX, REQUEST_MAX_BYTES};
use protocol::{Author, Message, Millis, Seq};
use serde::{Deserialize, Serialize};
use worker::{
    console_error, durable_object, DurableObject, Env, Headers, Request, Response, Result,
    SqlStorage, SqlStorageValue, State, WebSocket, WebSocketIncomingMessage, WebSocketPair,
};

use crate::error::ApiError;
use crate::participant::Participant;
use crate::{config, http, store};

/// Identity of a conversation, given by the front Worker when it creates one.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Init {
    pub conversation_id: String,
    pub site_id: String,
}

/// Internal header naming the WebSocket subprotocol the front Worker accepted for the client.
pub const SUBPROTOCOL_HEADER: &str = "x-porchlight-subprotocol";

#[durable_object]
pub struct Conversation {
    state: State,
    env: Env,
    log: Log,
}

impl DurableObject for Conversation {
    fn new(state: State, env: Env) -> Self {
        let log = Log::open(state.storage().sql());
        Self { state, env, log }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let path = req.path();
        match (req.method(), path.as_str()) {
            (worker::Method::Post, "/init") => {
                let init: Init = req.json().await?;
                self.log.init(&init)?;
                Ok(http::no_content())
            }
            (worker::Method::Post, "/messages") => {
                let who = Participant::from_request(&req)?;
                let send: SendMessage = req.json().await?;
                match self.accept(&who, &send) {
                    Ok(accepted) => {
                        let status = if accepted.duplicate { 200 } else { 201 };
                        Ok(http::json(&accepted, status))
                    }
                    Err(e) => Ok(e.into_response()),
                }
            }
            (worker::Method::Get, "/messages") => {
                let after = http::after_param(&req).unwrap_or(0);
                let page = MessagePage {
                    messages: self.log.after(after, HISTORY_PAGE_MAX)?,
                    last_seq: self.log.last_seq()?,
                };
                Ok(http::json(&page, 200))
            }
            (worker::Method::Get, "/socket") => self.join(&req),
            _ => Ok(ApiError::new(ErrorCode::NotFound, "No such route.").into_response()),
        }
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> Result<()> {
        let Some(who) = ws.deserialize_attachment::<Participant>()? else {
            return ws.close(Some(1011), Some("unknown participant"));
        };
        let frame = match message {
            WebSocketIncomingMessage::String(text) if text.len() <= REQUEST_MAX_BYTES => {
                serde_json::from_str::<ClientFrame>(&text).map_err(|e| {
                    ApiError::new(ErrorCode::MalformedBody, format!("Not a valid frame: {e}."))
                })
            }
            WebSocketIncomingMessage::String(_) => Err(ApiError::new(
                ErrorCode::BodyTooLarge,
                format!("A frame can be at most {REQUEST_MAX_BYTES} bytes."),
            )),
            WebSocketIncomingMessage::Binary(_) => Err(ApiError::new(
                ErrorCode::MalformedBody,
                "Frames are JSON text, not binary.",
            )),
        };
        let reply = match frame {
            Ok(ClientFrame::Send(send)) => match self.accept(&who, &send) {
                Ok(accepted) => ServerFrame::Ack {
                    client_id: accepted.message.client_id,
                    seq: accepted.message.seq,
                    duplicate: accepted.duplicate,
                },
                Err(e) => ServerFrame::Error {
                    code: e.code,
                    message: e.message,
                    client_id: Some(send.client_id),
                },
            },
            Err(e) => ServerFrame::Error {
                code: e.code,
                message: e.message,
                client_id: None,
            },
        };
        ws.send(&reply)
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        _reason: String,
        _was_clean: bool,
    ) -> Result<()> {
        close_politely(&ws, code)
    }

    async fn websocket_error(&self, ws: WebSocket, _error: worker::Error) -> Result<()> {
        close_politely(&ws, 1011)
    }
}

/// Brings the inbox index up to date and tells the inbox's agents. The message is already
/// durable here; if this fails, the next message repairs the index (updates only move forward),
/// so the failure is logged rather than returned to the sender.
async fn publish(env: Env, init: Init, message: Message) {
    let result: Result<()> = async {
        let db = env.d1(config::DB)?;
        let summary = store::record_message(
            &db,
            &init.conversation_id,
            message.seq,
            message.sent_at,
            &preview(&message.body),
        )
        .await?;
        if let Some(summary) = summary {
            crate::inbox::notify(&env, crate::inbox::DEFAULT_INBOX, &summary).await?;
        }
        Ok(())
    }
    .await;
    if let Err(e) = result {
        console_error!("publishing message {} failed: {e}", message.seq);
    }
}

/// Completes a client's close handshake; hibernating sockets only finish closing when the object
/// answers. 1005/1006 ("no status", "abnormal") may not be sent, so they become 1000.
pub fn close_politely(ws: &WebSocket, code: usize) -> Result<()> {
    let code = u16::try_from(code)
        .ok()
        .filter(|c| matches!(c, 1000 | 1001 | 1011 | 3000..=4999))
        .unwrap_or(1000);
    // The peer may already be gone; there is nothing more to do then.
    let _ = ws.close(Some(code), Some("bye"));
    Ok(())
}

impl Conversation {
    /// Validates and stores a send (once per participant and client id), then delivers it.
    fn accept(
        &self,
        who: &Participant,
        send: &SendMessage,
    ) -> std::result::Result<MessageAccepted, ApiError> {
        let send = validate_send(send)?;
        let Some(init) = self.log.identity()? else {
            return Err(ApiError::unknown_conversation());
        };
        let (message, duplicate) = self.log.append(who, &send)?;
        if !duplicate {
            self.broadcast(&ServerFrame::Message(message.clone()));
            // The index update runs after the sender is answered: it is not part of durability.
            self.state
                .wait_until(publish(self.env.clone(), init, message.clone()));
        }
        Ok(MessageAccepted { message, duplicate })
    }

    /// Sends a frame to every connected participant, sender included.
    fn broadcast(&self, frame: &ServerFrame) {
        let Ok(text) = serde_json::to_string(frame) else {
            return;
        };
        for ws in self.state.get_websockets() {
            // A socket that is closing cannot take the frame; its client resumes by sequence.
            let _ = ws.send_with_str(&text);
        }
    }

    /// Accepts a participant's WebSocket, replays what they missed, then keeps it for live frames.
    fn join(&self, req: &Request) -> Result<Response> {
        if !http::is_upgrade(req) {
            return Ok(
                ApiError::new(ErrorCode::InvalidField, "Expected a WebSocket upgrade.")
                    .into_response(),
            );
        }
        let who = Participant::from_request(req)?;
        let after = http::after_param(req).unwrap_or(0);
        let WebSocketPair { client, server } = WebSocketPair::new()?;
        let (kind, id) = who.scope();
        self.state
            .accept_websocket_with_tags(&server, &[&format!("{kind}:{id}")]);
        server.serialize_attachment(&who)?;

        // Replay in pages so a long history never builds one huge result in memory.
        let mut cursor = after;
        loop {
            let page = self.log.after(cursor, HISTORY_PAGE_MAX)?;
            let Some(last) = page.last().map(|m| m.seq) else {
                break;
            };
            for message in page {
                server.send(&ServerFrame::Message(message))?;
            }
            cursor = last;
        }
        server.send(&ServerFrame::Synced {
            last_seq: self.log.last_seq()?,
        })?;

        let headers = Headers::new();
        if let Some(protocol) = req.headers().get(SUBPROTOCOL_HEADER)? {
            headers.set("sec-websocket-protocol", &protocol)?;
        }
        Ok(Response::from_websocket(client)?.with_headers(headers))
    }
}

/// The message log in the object's SQLite storage. All calls are synchronous: SQLite-backed
/// Durable Object storage runs in the same thread, and no other event interleaves within a call.
struct Log {
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
            body: self.body,
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

const MESSAGE_COLUMNS: &str = "seq, client_id, author_kind, author_id, author_name, body, sent_at";

impl Log {
    fn open(sql: SqlStorage) -> Self {
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
             );",
            None,
        );
        Self { sql }
    }

    fn init(&self, init: &Init) -> Result<()> {
        let value = serde_json::to_string(init)?;
        self.sql.exec(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('identity', ?)",
            vec![SqlStorageValue::from(value)],
        )?;
        Ok(())
    }

    fn identity(&self) -> Result<Option<Init>> {
        let rows: Vec<MetaRow> = self
            .sql
            .exec("SELECT value FROM meta WHERE key = 'identity'", None)?
            .to_array()?;
        rows.first()
            .map(|r| serde_json::from_str(&r.value).map_err(worker::Error::from))
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

    fn last_seq(&self) -> Result<Seq> {
        Ok(self.last()?.0)
    }

    /// Stores the message unless this participant already sent this client id; returns the
    /// stored message and whether it was already there.
    fn append(&self, who: &Participant, send: &SendMessage) -> Result<(Message, bool)> {
        let (kind, id) = who.scope();
        let existing: Vec<MessageRow> = self
            .sql
            .exec(
                &format!(
                    "SELECT {MESSAGE_COLUMNS} FROM messages \
                     WHERE author_kind = ? AND author_id = ? AND client_id = ?"
                ),
                vec![kind.into(), id.into(), send.client_id.as_str().into()],
            )?
            .to_array()?;
        if let Some(row) = existing.into_iter().next() {
            return Ok((row.into_message(), true));
        }
        let (last_seq, last_at) = self.last()?;
        let message = Message {
            seq: last_seq + 1,
            client_id: send.client_id.clone(),
            author: who.author(),
            body: send.body.clone(),
            // Times only move forward, even if the clock steps back.
            sent_at: store::now().max(last_at),
        };
        let name = match &message.author {
            Author::Agent { name, .. } => name.as_str(),
            Author::Visitor => "",
        };
        self.sql.exec(
            "INSERT INTO messages (seq, client_id, author_kind, author_id, author_name, body, sent_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
            vec![
                SqlStorageValue::Integer(message.seq as i64),
                message.client_id.as_str().into(),
                kind.into(),
                id.into(),
                name.into(),
                message.body.as_str().into(),
                SqlStorageValue::Integer(message.sent_at),
            ],
        )?;
        Ok((message, false))
    }

    fn after(&self, after: Seq, limit: usize) -> Result<Vec<Message>> {
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
