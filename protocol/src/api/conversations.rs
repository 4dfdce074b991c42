//! The agents' conversations under `/api/agent/conversations`: the inbox list's rows, and
//! assigning a conversation to a member or team, or switching its replies to e-mail.

use serde::{Deserialize, Serialize};

use super::default_inbox;
use crate::consent::ConsentRecord;
use crate::{Channel, ConversationStatus, Millis, Seq};

/// One row of the inbox list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationSummary {
    pub id: String,
    pub site_id: String,
    pub channel: Channel,
    pub status: ConversationStatus,
    pub created_at: Millis,
    pub last_message_at: Millis,
    /// The start of the last message, for the list.
    pub last_message_preview: String,
    pub last_seq: Seq,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
    /// The visitor's consent, when the site asked for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<ConsentRecord>,
    /// The person's name on Messenger or WhatsApp, when Meta gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_name: Option<String>,
    /// The member it is assigned to; none while unassigned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee_id: Option<String>,
    /// Who wrote the last message (none for rows from before this was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_author: Option<LastAuthor>,
    /// The inbox it is in, which decides who may see it.
    #[serde(default = "default_inbox")]
    pub inbox_id: String,
    /// The team it is assigned to (one that sees its inbox), beside or instead of a member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    /// A chatflow's bot holds it: its session runs (a member may take it over by taking it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bot_active: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LastAuthor {
    Visitor,
    Agent,
    /// A chatflow's bot: the team is not waited on.
    Bot,
}

/// `PUT /api/agent/conversations/{id}/assignee`: assign to a member, or unassign with `null`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assign {
    pub agent_id: Option<String>,
}

/// `PUT /api/agent/conversations/{id}/team`: give it to a team, or take it from its team with
/// `null`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignTeam {
    pub team_id: Option<String>,
}

/// How agents' replies reach a website visitor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyChannel {
    /// In the chat (the widget), as always.
    #[default]
    Chat,
    /// By e-mail to the visitor's known address, each reply also kept in the chat; what the
    /// visitor writes back by e-mail joins the conversation. A message from the widget switches
    /// it back to the chat.
    Email,
}

/// `PUT /api/agent/conversations/{id}/reply-by` (and its answer): switch a website chat's
/// replies to e-mail, or back to the chat. E-mail needs the visitor's address, the site's
/// sender address and the deployment's inbound e-mail domain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyBy {
    pub channel: ReplyChannel,
}

/// `GET /api/agent/conversations`: newest activity first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationList {
    pub conversations: Vec<ConversationSummary>,
}
