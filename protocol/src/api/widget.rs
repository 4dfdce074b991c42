//! The widget's (visitor's) API under `/api/widget`: starting a conversation with its first
//! message, and finding the visitor's latest one. Sending and reading messages is shared with
//! the agents' API ([`super::messages`]).

use serde::{Deserialize, Serialize};

use super::SendMessage;
use crate::frame::AgentRef;
use crate::{ConversationStatus, Message, Seq};

/// `POST /api/widget/conversations`: start a conversation with its first message.
/// A returning visitor sends their token as `Authorization: Bearer`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateConversation {
    pub site_id: String,
    pub first_message: SendMessage,
    /// The host page where the chat started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
    /// BCP 47 language tag of the visitor's browser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// The consent text version the visitor saw (and, in explicit mode, agreed to). Required
    /// when the site asks for explicit consent, and it must be the current version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_version: Option<u32>,
}

/// Answer to [`CreateConversation`] (201).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationCreated {
    pub conversation_id: String,
    /// The visitor's bearer token: the one given, or a new one. The widget keeps it in its own
    /// storage; the server keeps only its hash.
    pub visitor_token: String,
    pub message: Message,
}

/// `GET /api/widget/conversations/current`: the visitor's latest conversation, if any.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentConversation {
    pub conversation: Option<ConversationRef>,
    /// The visitor's contact owner, who heads their chat when the site's heading shows
    /// owners (`HeadingRule::ContactOwner`) and they have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<AgentRef>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationRef {
    pub id: String,
    pub status: ConversationStatus,
    pub last_seq: Seq,
}

/// `GET`/`PUT /api/widget/conversations/{id}/email`: the e-mail the team has for the visitor
/// (read), or the one they leave in the chat (written, then answered with the address as
/// stored). A visitor with an address is not asked for one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorEmail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_fields_may_be_absent() {
        let parsed: CreateConversation = serde_json::from_str(
            r#"{"site_id":"s","first_message":{"client_id":"c","body":"hi"}}"#,
        )
        .unwrap();
        assert_eq!(parsed.page_url, None);
        assert_eq!(parsed.first_message.body, "hi");
    }
}
