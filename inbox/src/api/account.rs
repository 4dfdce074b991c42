//! The signed-in agent: signing in and out, their password, status and picture, and joining by invitation.

use client::http::{self, HttpError};
use protocol::api::{
    AcceptInvitation, AgentProfile, AgentStatus, ChangePassword, InvitationPreview, Login,
    SetAgentStatus,
};
use protocol::routes as route;

use super::encode;

/// `GET /api/agent/me`: the signed-in agent; a 401 means "not signed in".
pub async fn me() -> Result<AgentProfile, HttpError> {
    http::get_json(&route::Me::new().path_with(encode), None).await
}

/// `POST /api/agent/session`: signs in and sets the session cookie.
pub async fn sign_in(login: &Login) -> Result<AgentProfile, HttpError> {
    http::post_json(&route::SignIn::new().path_with(encode), login, None).await
}

/// `DELETE /api/agent/session`: signs out and clears the cookie.
pub async fn sign_out() -> Result<(), HttpError> {
    http::delete(&route::SignOut::new().path_with(encode), None).await
}

/// `DELETE /api/agent/sessions`: signs out on every device, this one included.
pub async fn sign_out_everywhere() -> Result<(), HttpError> {
    http::delete(&route::SignOutEverywhere::new().path_with(encode), None).await
}

/// `PUT /api/agent/me/password`: other sessions end; this one stays.
pub async fn change_password(change: &ChangePassword) -> Result<AgentProfile, HttpError> {
    http::put_json(&route::ChangePassword::new().path_with(encode), change).await
}

/// `GET /api/invitations/current`: what the invitation with this token is for.
pub async fn invitation(token: &str) -> Result<InvitationPreview, HttpError> {
    http::get_fresh_json(
        &route::CurrentInvitation::new().path_with(encode),
        Some(token),
    )
    .await
}

/// `POST /api/invitations/accept`: joins the team and signs in.
pub async fn accept_invitation(
    token: &str,
    accept: &AcceptInvitation,
) -> Result<AgentProfile, HttpError> {
    http::post_json(
        &route::AcceptInvitation::new().path_with(encode),
        accept,
        Some(token),
    )
    .await
}

/// `PUT /api/agent/me/status`: the agent's own available/away toggle.
pub async fn set_status(status: AgentStatus) -> Result<AgentProfile, HttpError> {
    http::put_json(
        &route::SetStatus::new().path_with(encode),
        &SetAgentStatus { status },
    )
    .await
}

/// `PUT /api/agent/me/avatar`: the agent's new profile picture; their profile as it now is.
pub async fn set_avatar(file: &web_sys::File) -> Result<AgentProfile, HttpError> {
    http::send_file(
        "PUT",
        &route::PutAvatar::new().path_with(encode),
        file,
        None,
    )
    .await
}

/// `DELETE /api/agent/me/avatar`: back to initials.
pub async fn remove_avatar() -> Result<(), HttpError> {
    http::delete(&route::DeleteAvatar::new().path_with(encode), None).await
}
