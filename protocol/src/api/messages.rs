//! Messages, shared by the widget's and the agents' APIs: sending one (`POST
//! …/conversations/{id}/messages`, and a socket `send` frame) and reading a conversation's.

use serde::{Deserialize, Serialize};

use crate::{Message, Seq};

/// `POST …/conversations/{id}/messages`, and the payload of a socket `send` frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendMessage {
    /// Chosen by the client (a UUID); resending the same id stores the message once.
    pub client_id: String,
    /// May be empty when `attachment` is given.
    pub body: String,
    /// The id of a file uploaded for this message (`…/uploads` answers an [`Attachment`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<String>,
}

/// Answer to a send: 201 when stored now, 200 when this client id was stored before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageAccepted {
    pub message: Message,
    /// True when the client id had been stored before and nothing new was written.
    pub duplicate: bool,
}

/// `GET …/conversations/{id}/messages?after=SEQ`: messages with `seq > after`, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessagePage {
    pub messages: Vec<Message>,
    /// The highest sequence number stored in the conversation.
    pub last_seq: Seq,
}
