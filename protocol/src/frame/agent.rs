//! What agents' sockets receive beyond the frames every participant gets: [`AgentFrame`]s on a
//! conversation socket ([`ToAgent`] is everything that socket receives, as one closed type) and
//! [`ListFrame`]s on the list socket (the hub's).

use serde::{Deserialize, Serialize};

use super::{AgentRef, ServerFrame};
use crate::api::{ConversationSummary, ErrorCode, Mention, Note};
use crate::{Author, ConversationStatus, Message, Seq};

/// Sent by the server on an agent's list socket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListFrame {
    /// A conversation was created or changed; replaces the row with the same id.
    Conversation(ConversationSummary),
    /// The agent's sessions ended (they signed out everywhere, or an admin removed them): the
    /// server closes the socket next, and the app should return to its sign-in screen.
    SignedOut(SignedOut),
    /// A teammate @mentioned the agent in a note.
    Mention(Mention),
    /// The inboxes the agent sees changed (an admin changed an inbox, a team or their role):
    /// the app fetches its inboxes and its list again.
    AccessChanged,
    /// The conversation with this id moved to an inbox the agent does not see: drop its row.
    Gone(String),
}

/// Sent on agents' conversation sockets only, beside [`ServerFrame`]s (a separate type, so the
/// widget, which never gets one, carries no code for it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentFrame {
    /// An internal note was stored.
    Note(Note),
    /// A reply on Messenger or WhatsApp moved on (sent, delivered, read, failed).
    Delivery(crate::reply::Delivery),
    /// How the visitor of a website chat is reached: whether they have the chat open now, and
    /// whether replies go by e-mail. Sent after `Synced` and whenever either changes.
    Reach {
        visitor_present: bool,
        reply_by: crate::api::ReplyChannel,
    },
    /// What the team knows of the visitor changed (they left their e-mail in the chat, or an
    /// agent edited their details): read `VisitorDetails` again.
    VisitorChanged {},
}

/// Everything the server sends down an agent's conversation socket, as one closed type: the
/// frames every participant gets (as in [`ServerFrame`]) and the agents-only ones (as in
/// [`AgentFrame`]).
///
/// Its JSON is exactly the JSON the Worker sends today, one [`ServerFrame`] or [`AgentFrame`]
/// at a time: the same externally tagged, snake_case variants with the same fields (both types
/// share that tagging, and no variant name is in both). It is one flat enum rather than a
/// wrapper of the two so that it decodes as a stream, like them; an untagged wrapper would
/// buffer every frame into a generic tree first (see the module docs). The unit tests hold the
/// three types to the same JSON, variant by variant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToAgent {
    /// [`ServerFrame::Message`].
    Message(Message),
    /// [`ServerFrame::Ack`].
    Ack {
        client_id: String,
        seq: Seq,
        duplicate: bool,
    },
    /// [`ServerFrame::Synced`].
    Synced { last_seq: Seq },
    /// [`ServerFrame::Status`].
    Status { status: ConversationStatus },
    /// [`ServerFrame::Typing`].
    Typing { author: Author, active: bool },
    /// [`ServerFrame::Read`].
    Read { by: Author, seq: Seq },
    /// [`ServerFrame::Agents`].
    Agents { present: Vec<AgentRef> },
    /// [`ServerFrame::Error`].
    Error {
        code: ErrorCode,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_id: Option<String>,
    },
    /// [`AgentFrame::Note`].
    Note(Note),
    /// [`AgentFrame::Delivery`].
    Delivery(crate::reply::Delivery),
    /// [`AgentFrame::Reach`].
    Reach {
        visitor_present: bool,
        reply_by: crate::api::ReplyChannel,
    },
    /// [`AgentFrame::VisitorChanged`].
    VisitorChanged {},
}

impl ToAgent {
    /// The frame as every participant gets it (what the outbox applies), or `None` for an
    /// agents-only one.
    pub fn to_server_frame(&self) -> Option<ServerFrame> {
        Some(match self.clone() {
            Self::Message(m) => ServerFrame::Message(m),
            Self::Ack {
                client_id,
                seq,
                duplicate,
            } => ServerFrame::Ack {
                client_id,
                seq,
                duplicate,
            },
            Self::Synced { last_seq } => ServerFrame::Synced { last_seq },
            Self::Status { status } => ServerFrame::Status { status },
            Self::Typing { author, active } => ServerFrame::Typing { author, active },
            Self::Read { by, seq } => ServerFrame::Read { by, seq },
            Self::Agents { present } => ServerFrame::Agents { present },
            Self::Error {
                code,
                message,
                client_id,
            } => ServerFrame::Error {
                code,
                message,
                client_id,
            },
            Self::Note(_) | Self::Delivery(_) | Self::Reach { .. } | Self::VisitorChanged {} => {
                return None
            }
        })
    }
}

impl From<ServerFrame> for ToAgent {
    fn from(frame: ServerFrame) -> Self {
        match frame {
            ServerFrame::Message(m) => Self::Message(m),
            ServerFrame::Ack {
                client_id,
                seq,
                duplicate,
            } => Self::Ack {
                client_id,
                seq,
                duplicate,
            },
            ServerFrame::Synced { last_seq } => Self::Synced { last_seq },
            ServerFrame::Status { status } => Self::Status { status },
            ServerFrame::Typing { author, active } => Self::Typing { author, active },
            ServerFrame::Read { by, seq } => Self::Read { by, seq },
            ServerFrame::Agents { present } => Self::Agents { present },
            ServerFrame::Error {
                code,
                message,
                client_id,
            } => Self::Error {
                code,
                message,
                client_id,
            },
        }
    }
}

impl From<AgentFrame> for ToAgent {
    fn from(frame: AgentFrame) -> Self {
        match frame {
            AgentFrame::Note(note) => Self::Note(note),
            AgentFrame::Delivery(delivery) => Self::Delivery(delivery),
            AgentFrame::Reach {
                visitor_present,
                reply_by,
            } => Self::Reach {
                visitor_present,
                reply_by,
            },
            AgentFrame::VisitorChanged {} => Self::VisitorChanged {},
        }
    }
}

/// Why an agent was signed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignedOut {
    /// They signed out everywhere, or changed their password elsewhere.
    Everywhere,
    /// An admin removed them from the team.
    Removed,
    /// This session ended: it was signed out (in another tab or window) or it expired.
    Ended,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the Worker sends down an agent's conversation socket: a [`ServerFrame`] or an
    /// [`AgentFrame`], each serialised on its own (`conversation/sockets.rs`).
    #[derive(Clone, Debug)]
    enum Sent {
        Server(ServerFrame),
        Agent(AgentFrame),
    }

    impl From<ServerFrame> for Sent {
        fn from(frame: ServerFrame) -> Self {
            Self::Server(frame)
        }
    }

    impl From<AgentFrame> for Sent {
        fn from(frame: AgentFrame) -> Self {
            Self::Agent(frame)
        }
    }

    impl Sent {
        fn json(&self) -> String {
            match self {
                Self::Server(f) => serde_json::to_string(f).unwrap(),
                Self::Agent(f) => serde_json::to_string(f).unwrap(),
            }
        }

        fn to_agent(&self) -> ToAgent {
            match self.clone() {
                Self::Server(f) => f.into(),
                Self::Agent(f) => f.into(),
            }
        }
    }

    /// Every frame an agent's conversation socket receives, as the Worker's `serde_json` writes
    /// it, beside the frame the Worker serialised.
    fn frames_to_agents() -> Vec<(&'static str, Sent)> {
        let ada = || AgentRef {
            id: "ag".into(),
            name: "Ada".into(),
        };
        let agent = || Author::Agent {
            id: "ag".into(),
            name: "Ada".into(),
        };
        vec![
            (
                r#"{"message":{"seq":3,"client_id":"c","author":{"agent":{"id":"ag","name":"Ada"}},"body":"see https://x.org","links":[{"text":"https://x.org","href":"https://x.org"}],"attachment":{"id":"f_1","name":"cat.png","content_type":"image/png","size":68},"sent_at":1700000000000}}"#,
                ServerFrame::Message(Message {
                    seq: 3,
                    client_id: "c".into(),
                    author: agent(),
                    body: "see https://x.org".into(),
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
                })
                .into(),
            ),
            (
                r#"{"message":{"seq":4,"client_id":"v","author":"visitor","body":"hi","sent_at":1700000000001}}"#,
                ServerFrame::Message(Message {
                    seq: 4,
                    client_id: "v".into(),
                    author: Author::Visitor,
                    body: "hi".into(),
                    links: Vec::new(),
                    attachment: None,
                    choices: Vec::new(),
                    sent_at: 1_700_000_000_001,
                })
                .into(),
            ),
            (
                r#"{"ack":{"client_id":"c","seq":3,"duplicate":true}}"#,
                ServerFrame::Ack {
                    client_id: "c".into(),
                    seq: 3,
                    duplicate: true,
                }
                .into(),
            ),
            (
                r#"{"synced":{"last_seq":3}}"#,
                ServerFrame::Synced { last_seq: 3 }.into(),
            ),
            (
                r#"{"status":{"status":"closed"}}"#,
                ServerFrame::Status {
                    status: ConversationStatus::Closed,
                }
                .into(),
            ),
            (
                r#"{"typing":{"author":"visitor","active":true}}"#,
                ServerFrame::Typing {
                    author: Author::Visitor,
                    active: true,
                }
                .into(),
            ),
            (
                r#"{"read":{"by":{"agent":{"id":"ag","name":"Ada"}},"seq":2}}"#,
                ServerFrame::Read {
                    by: agent(),
                    seq: 2,
                }
                .into(),
            ),
            (
                r#"{"agents":{"present":[{"id":"ag","name":"Ada"}]}}"#,
                ServerFrame::Agents {
                    present: vec![ada()],
                }
                .into(),
            ),
            (
                r#"{"error":{"code":"empty_message","message":"empty","client_id":"c"}}"#,
                ServerFrame::Error {
                    code: ErrorCode::EmptyMessage,
                    message: "empty".into(),
                    client_id: Some("c".into()),
                }
                .into(),
            ),
            (
                r#"{"error":{"code":"conversation_closed","message":"closed"}}"#,
                ServerFrame::Error {
                    code: ErrorCode::ConversationClosed,
                    message: "closed".into(),
                    client_id: None,
                }
                .into(),
            ),
            (
                r#"{"note":{"id":1,"client_id":"n","author":{"id":"ag","name":"Ada"},"body":"@Ada look","mentions":[{"id":"ag","name":"Ada"}],"after_seq":3,"at":1700000000002}}"#,
                AgentFrame::Note(Note {
                    id: 1,
                    client_id: "n".into(),
                    author: ada(),
                    body: "@Ada look".into(),
                    links: Vec::new(),
                    mentions: vec![ada()],
                    after_seq: 3,
                    at: 1_700_000_000_002,
                })
                .into(),
            ),
            (
                r#"{"delivery":{"seq":3,"state":"failed","error":"Outside the 24-hour window.","at":1700000000003}}"#,
                AgentFrame::Delivery(crate::reply::Delivery {
                    seq: 3,
                    state: crate::reply::DeliveryState::Failed,
                    error: Some("Outside the 24-hour window.".into()),
                    at: 1_700_000_000_003,
                })
                .into(),
            ),
            (
                r#"{"reach":{"visitor_present":false,"reply_by":"email"}}"#,
                AgentFrame::Reach {
                    visitor_present: false,
                    reply_by: crate::api::ReplyChannel::Email,
                }
                .into(),
            ),
            (
                r#"{"visitor_changed":{}}"#,
                AgentFrame::VisitorChanged {}.into(),
            ),
        ]
    }

    #[test]
    fn to_agent_is_byte_identical_to_the_frames_the_worker_sends() {
        for (json, sent) in frames_to_agents() {
            // What the Worker writes: the frame serialised on its own.
            assert_eq!(sent.json(), json);
            let frame = sent.to_agent();
            assert_eq!(
                serde_json::from_str::<ToAgent>(json).unwrap(),
                frame,
                "{json}"
            );
            assert_eq!(serde_json::to_string(&frame).unwrap(), json);
            // And the outbox's view of it is the frame every participant got.
            match &sent {
                Sent::Server(f) => assert_eq!(frame.to_server_frame().as_ref(), Some(f)),
                Sent::Agent(_) => assert_eq!(frame.to_server_frame(), None),
            }
        }
    }

    #[test]
    fn to_agent_covers_every_variant() {
        // A new variant of either frame type fails to compile here until it has a case above
        // (and in `ToAgent`, whose `From` impls match exhaustively).
        let mut seen = std::collections::HashSet::new();
        for (_, sent) in frames_to_agents() {
            seen.insert(match sent {
                Sent::Server(ServerFrame::Message(_)) => "message",
                Sent::Server(ServerFrame::Ack { .. }) => "ack",
                Sent::Server(ServerFrame::Synced { .. }) => "synced",
                Sent::Server(ServerFrame::Status { .. }) => "status",
                Sent::Server(ServerFrame::Typing { .. }) => "typing",
                Sent::Server(ServerFrame::Read { .. }) => "read",
                Sent::Server(ServerFrame::Agents { .. }) => "agents",
                Sent::Server(ServerFrame::Error { .. }) => "error",
                Sent::Agent(AgentFrame::Note(_)) => "note",
                Sent::Agent(AgentFrame::Delivery(_)) => "delivery",
                Sent::Agent(AgentFrame::Reach { .. }) => "reach",
                Sent::Agent(AgentFrame::VisitorChanged {}) => "visitor_changed",
            });
        }
        assert_eq!(seen.len(), 12);
    }

    #[test]
    fn server_and_agent_frames_share_no_tag() {
        // Each frame reads as exactly one of the Worker's two types.
        for (json, sent) in frames_to_agents() {
            let server = serde_json::from_str::<ServerFrame>(json).is_ok();
            let agent = serde_json::from_str::<AgentFrame>(json).is_ok();
            assert!(server != agent, "{json}");
            assert_eq!(server, matches!(sent, Sent::Server(_)));
        }
        assert!(serde_json::from_str::<ToAgent>(r#"{"launch_missiles":{}}"#).is_err());
    }
}
