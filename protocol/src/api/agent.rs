//! The agent's own account under `/api/agent`: signing in, their profile, role and
//! available/away toggle, and the chat limit admins set for them.

use serde::{Deserialize, Serialize};

/// `POST /api/agent/session`: sign in. Sets an HttpOnly session cookie.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Login {
    pub email: String,
    pub password: String,
}

/// The signed-in agent (`GET /api/agent/me`, and the answer to [`Login`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentProfile {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub status: AgentStatus,
    /// The agent's profile picture (a path on the Worker's origin, public and immutable: a new
    /// picture gets a new path); none when they have not set one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    /// The most open conversations assigned to them at once; none for no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_limit: Option<u32>,
}

/// `PUT /api/admin/agents/{id}/chat-limit`: 1 to [`crate::limits::CHAT_LIMIT_MAX`], or `null`
/// for no limit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetChatLimit {
    pub chat_limit: Option<u32>,
}

/// Whether an agent takes chats now (their own toggle). Counted as available for the widget
/// only while they also have the inbox open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentStatus {
    Available,
    Away,
}

/// `PUT /api/agent/me/status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetAgentStatus {
    pub status: AgentStatus,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Agent,
}
