//! WebSocket frames. A conversation socket (visitor or agent, to the conversation's Durable
//! Object) carries [`ClientFrame`] up and [`ServerFrame`] down, and an agent's also
//! [`AgentFrame`]s down: [`ToAgent`] is everything an agent's conversation socket receives. An
//! agent's list socket (the Hub's) carries [`ListFrame`] down. Frames are JSON text, externally tagged: `{"send": {…}}`,
//! `{"message": {…}}`. (Externally tagged enums decode as a stream; internally tagged ones make
//! serde buffer every frame into a generic tree first, which cost the widget about 11 KB gzip.)
//!
//! On connect with `?after=SEQ` the server first replays every stored message with a greater
//! sequence number, oldest first, then sends [`ServerFrame::Synced`]; live messages follow. A
//! client that remembers the last sequence it saw therefore misses nothing and sees nothing twice.

use serde::{Deserialize, Serialize};

use crate::api::{ErrorCode, SendMessage};
use crate::{Author, ConversationStatus, Message, Seq};

mod agent;

pub use agent::{AgentFrame, ListFrame, SignedOut, ToAgent};

/// An agent as participants see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentRef {
    pub id: String,
    pub name: String,
}

/// Sent by a participant on a conversation socket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientFrame {
    /// Store and deliver a message. Answered by [`ServerFrame::Ack`] (or `Error`), and the
    /// message itself comes back as [`ServerFrame::Message`] like everyone else's.
    Send(SendMessage),
    /// The sender is (or stopped) typing. Not stored; relayed to the other participants. Clients
    /// send `true` at most every few seconds while typing and treat a typing state older than
    /// [`TYPING_EXPIRES_MS`] as stopped.
    Typing { active: bool },
    /// The sender has seen every message up to `seq`. Stored (it only moves forward) and relayed.
    Read { seq: Seq },
}

/// A typing indicator not refreshed within this many milliseconds has stopped.
pub const TYPING_EXPIRES_MS: u32 = 6_000;

/// Sent by the server on a conversation socket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerFrame {
    /// A stored message, replayed or live. Clients dedupe by `seq`.
    Message(Message),
    /// The sender's message with this client id is durably stored as `seq`.
    Ack {
        client_id: String,
        seq: Seq,
        /// True when that client id had been stored before (a resend).
        duplicate: bool,
    },
    /// The replay after connect is complete; `last_seq` is the newest stored message.
    Synced { last_seq: Seq },
    /// The conversation's status: sent right after `Synced`, and whenever an agent closes or
    /// reopens it. A closed conversation takes no messages; the widget offers a new one.
    Status { status: ConversationStatus },
    /// Someone else is (or stopped) typing.
    Typing { author: Author, active: bool },
    /// How far a side has read: `by` is the visitor, or an agent. Sent after `Synced` for the
    /// positions already stored, then whenever one moves.
    Read { by: Author, seq: Seq },
    /// The agents who have the conversation open now, sent after `Synced` and whenever it
    /// changes (the widget shows "Dana joined"; the inbox shows who else is viewing).
    Agents { present: Vec<AgentRef> },
    /// A frame was refused; nothing was stored. `client_id` names the send it answers.
    Error {
        code: ErrorCode,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_id: Option<String>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_frame_is_externally_tagged() {
        let frame: ClientFrame =
            serde_json::from_str(r#"{"send":{"client_id":"a-1","body":"hello"}}"#).unwrap();
        assert_eq!(
            frame,
            ClientFrame::Send(SendMessage {
                client_id: "a-1".into(),
                body: "hello".into(),
                attachment: None,
            })
        );
    }

    #[test]
    fn server_frames_round_trip() {
        let frames = vec![
            ServerFrame::Message(Message {
                seq: 3,
                client_id: "c".into(),
                author: Author::Agent {
                    id: "ag".into(),
                    name: "Ada".into(),
                },
                body: "<b>not html</b> https://x.org".into(),
                links: vec![crate::TextLink {
                    text: "https://x.org".into(),
                    href: "https://x.org".into(),
                }],
                attachment: Some(crate::Attachment {
                    id: "f_1".into(),
                    name: "cat.png".into(),
                    content_type: "image/png".into(),
                    size: 68,
                }),
                choices: Vec::new(),
                sent_at: 1_700_000_000_000,
            }),
            ServerFrame::Ack {
                client_id: "c".into(),
                seq: 3,
                duplicate: false,
            },
            ServerFrame::Synced { last_seq: 3 },
            ServerFrame::Status {
                status: ConversationStatus::Closed,
            },
            ServerFrame::Typing {
                author: Author::Visitor,
                active: true,
            },
            ServerFrame::Read {
                by: Author::Visitor,
                seq: 3,
            },
            ServerFrame::Agents {
                present: vec![AgentRef {
                    id: "ag".into(),
                    name: "Ada".into(),
                }],
            },
            ServerFrame::Error {
                code: ErrorCode::EmptyMessage,
                message: "empty".into(),
                client_id: None,
            },
        ];
        for frame in frames {
            let text = serde_json::to_string(&frame).unwrap();
            assert_eq!(serde_json::from_str::<ServerFrame>(&text).unwrap(), frame);
        }
    }

    #[test]
    fn unknown_frame_type_is_an_error_not_a_panic() {
        assert!(serde_json::from_str::<ClientFrame>(r#"{"launch_missiles":{}}"#).is_err());
        assert!(serde_json::from_str::<ClientFrame>(r#"{"type":"send"}"#).is_err());
    }
}
