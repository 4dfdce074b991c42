//! The team: members, roles and chat limits, invitations, and the snippets everyone shares.

use client::http::{self, HttpError};
use protocol::api::{
    AgentProfile, InvitationCreated, InvitationList, Members, NewInvitation, NewSnippet, Role,
    SetChatLimit, SetRole, Snippet, SnippetList,
};
use protocol::routes as route;

use super::encode;

/// `GET /api/agent/team`: every member, by name.
pub async fn team() -> Result<Members, HttpError> {
    http::get_fresh_json(&route::TeamMembers::new().path_with(encode), None).await
}

/// `GET /api/admin/invitations`: pending invitations, newest first.
pub async fn invitations() -> Result<InvitationList, HttpError> {
    http::get_fresh_json(&route::Invitations::new().path_with(encode), None).await
}

/// `POST /api/admin/invitations`: the invitation and its link (shown this once).
pub async fn invite(new: &NewInvitation) -> Result<InvitationCreated, HttpError> {
    http::post_json(&route::Invite::new().path_with(encode), new, None).await
}

/// `DELETE /api/admin/invitations/{id}`: its link stops working.
pub async fn withdraw(id: &str) -> Result<(), HttpError> {
    http::delete(&route::WithdrawInvitation::new(id).path_with(encode), None).await
}

/// `PUT /api/admin/agents/{id}/role`.
pub async fn set_role(id: &str, role: Role) -> Result<AgentProfile, HttpError> {
    let url = route::SetRole::new(id).path_with(encode);
    http::put_json(&url, &SetRole { role }).await
}

/// `PUT /api/admin/agents/{id}/chat-limit`: `None` for no limit.
pub async fn set_chat_limit(id: &str, chat_limit: Option<u32>) -> Result<AgentProfile, HttpError> {
    let url = route::SetChatLimit::new(id).path_with(encode);
    http::put_json(&url, &SetChatLimit { chat_limit }).await
}

/// `GET /api/agent/snippets`: the team's saved replies, by name.
pub async fn snippets() -> Result<SnippetList, HttpError> {
    http::get_fresh_json(&route::Snippets::new().path_with(encode), None).await
}

/// `POST /api/agent/snippets`.
pub async fn add_snippet(new: &NewSnippet) -> Result<Snippet, HttpError> {
    http::post_json(&route::CreateSnippet::new().path_with(encode), new, None).await
}

/// `DELETE /api/agent/snippets/{id}`.
pub async fn delete_snippet(id: &str) -> Result<(), HttpError> {
    http::delete(&route::DeleteSnippet::new(id).path_with(encode), None).await
}

/// `DELETE /api/admin/agents/{id}`: removes a member from the team.
pub async fn remove_member(id: &str) -> Result<(), HttpError> {
    http::delete(&route::RemoveAgent::new(id).path_with(encode), None).await
}
