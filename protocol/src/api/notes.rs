//! What agents write for the team's use: internal notes on a conversation, with the @mentions
//! they carry (`/api/agent/conversations/{id}/notes`, `/api/agent/mentions`), and snippets, the
//! team's saved replies (`/api/agent/snippets`).

use serde::{Deserialize, Serialize};

use crate::{Millis, Seq};

/// `POST /api/agent/snippets` and `PUT /api/agent/snippets/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSnippet {
    /// How agents find it ("Opening hours").
    pub name: String,
    /// The text it inserts, with the rules of a message.
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snippet {
    pub id: String,
    pub name: String,
    pub body: String,
    /// The member who wrote it, while they are one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    pub updated_at: Millis,
}

/// `GET /api/agent/snippets`: every snippet, by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnippetList {
    pub snippets: Vec<Snippet>,
}

/// `POST /api/agent/conversations/{id}/notes`: an internal note on the conversation, seen by
/// the team only, never by the visitor or on Messenger/WhatsApp. Every `@Name` of a member in
/// the body mentions them (the edge finds them); each is told in their inbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewNote {
    pub client_id: String,
    pub body: String,
}

/// A stored note (answer to [`NewNote`]: 201, or 200 for a resend of its client id).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// Its place among the conversation's notes, from 1.
    pub id: u64,
    pub client_id: String,
    pub author: crate::frame::AgentRef,
    pub body: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<crate::TextLink>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<crate::frame::AgentRef>,
    /// The last message stored when it was written: it shows after that message.
    pub after_seq: Seq,
    pub at: Millis,
}

/// `GET /api/agent/conversations/{id}/notes`: every note, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteList {
    pub notes: Vec<Note>,
}

/// A note that @mentions the agent, as their inbox lists it (`GET /api/agent/mentions`, and
/// live as `ListFrame::Mention`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub conversation_id: String,
    pub note: Note,
}

/// `POST /api/agent/mentions/seen`: the agent has seen the notes of this conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MentionsSeen {
    pub conversation_id: String,
}

/// `GET /api/agent/mentions`: the agent's mentions not yet seen, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MentionList {
    pub mentions: Vec<Mention>,
}
