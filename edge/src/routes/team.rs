//! The team: who is on it (any agent may list the members, to assign and to mention), and, for
//! admins, invitations, roles and removal. An invitation is a link whose token only the
//! invitee's browser sees (in the URL fragment; only its digest is stored); accepting it creates
//! the member and signs them in. The team can never lose its last admin, and a removed member's
//! sessions end with them and their open inbox pages are signed out at once.

use domain::credentials::{bearer_token, token_digest};
use domain::team::{invitation_url, validate_acceptance, validate_chat_limit, validate_invitation};
use protocol::api::{
    AcceptInvitation, AgentStatus, ErrorCode, InvitationCreated, InvitationList, InvitationPreview,
    Members, NewInvitation, SetChatLimit, SetRole,
};
use protocol::frame::SignedOut;
use protocol::limits::INVITATION_TTL_MS;
use worker::{Request, Response};

use super::agent::{signed_in, signed_in_admin, start_session};
use super::avatars;
use crate::config::App;
use crate::contracts::hub::{HubStub, Sessions};
use crate::edge_cache::Entry;
use crate::error::{ApiError, ApiResult};
use crate::store::inboxes::Table;
use crate::store::team::{self as store_team, Accepted, Guarded};
use crate::store::{self, AgentRow};
use crate::{http, secrets};

fn unknown_agent() -> ApiError {
    ApiError::new(
        ErrorCode::UnknownAgent,
        "No member of the team has that id.",
    )
}

fn last_admin() -> ApiError {
    ApiError::new(
        ErrorCode::LastAdmin,
        "The team needs an admin: make someone else an admin first.",
    )
}

fn unknown_invitation() -> ApiError {
    ApiError::new(
        ErrorCode::UnknownInvitation,
        "This invitation is not valid any more: it was used, withdrawn or it expired. \
         Ask an admin for a new one.",
    )
}

/// `GET /api/agent/team`.
pub async fn members(app: &App, req: &Request) -> ApiResult<Response> {
    signed_in(app, req).await?;
    let members = store_team::members(&app.db)
        .await?
        .iter()
        .map(AgentRow::profile)
        .collect();
    Ok(http::json(&Members { members }, 200))
}

/// `POST /api/admin/invitations` → 201 [`InvitationCreated`].
pub async fn invite(app: &App, mut req: Request) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let admin = signed_in_admin(app, &req).await?;
    let body: NewInvitation = http::read_json(&mut req).await?;
    let valid = validate_invitation(&body)?;
    super::inboxes::all_exist(app, "inbox_ids", Table::Inboxes, &valid.inbox_ids).await?;
    super::inboxes::all_exist(app, "team_ids", Table::Teams, &valid.team_ids).await?;
    let inbox_ids = serde_json::to_string(&valid.inbox_ids)?;
    let team_ids = serde_json::to_string(&valid.team_ids)?;
    let token = secrets::new_token()?;
    let id = secrets::new_id("i")?;
    let now = store::now();
    let invitation = store_team::invite(
        &app.db,
        &store_team::NewInvitation {
            id: &id,
            token_hash: &token_digest(&token),
            email: &valid.email,
            name: &valid.name,
            role: valid.role,
            invited_by: &admin.id,
            at: now,
            expires_at: now + INVITATION_TTL_MS,
            inbox_ids: &inbox_ids,
            team_ids: &team_ids,
        },
    )
    .await?
    .ok_or_else(|| {
        ApiError::new(
            ErrorCode::AlreadyMember,
            format!("{} is already a member of the team.", valid.email),
        )
    })?;
    let url = invitation_url(&http::own_origin(&req)?, &token);
    // The invitation stands whether or not the e-mail could go: the admin has the link.
    let emailed = crate::mail::queue_invitation(app, &invitation, &url).await;
    let (emailed, not_emailed_because) = match emailed {
        Ok(Ok(())) => (true, None),
        Ok(Err(reason)) => (false, Some(reason)),
        Err(e) => (false, Some(e.message)),
    };
    let created = InvitationCreated {
        invitation,
        url,
        emailed,
        not_emailed_because,
    };
    Ok(http::json(&created, 201))
}

/// `GET /api/admin/invitations`.
pub async fn invitations(app: &App, req: &Request) -> ApiResult<Response> {
    signed_in_admin(app, req).await?;
    let invitations = store_team::invitations(&app.db, store::now()).await?;
    Ok(http::json(&InvitationList { invitations }, 200))
}

/// `DELETE /api/admin/invitations/{id}`: its link stops working.
pub async fn withdraw(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    signed_in_admin(app, req).await?;
    if store_team::withdraw(&app.db, id).await? {
        Ok(http::no_content())
    } else {
        Err(ApiError::new(
            ErrorCode::UnknownInvitation,
            "No pending invitation has that id.",
        ))
    }
}

/// `PUT /api/admin/agents/{id}/role` → the member's profile.
pub async fn set_role(app: &App, mut req: Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    signed_in_admin(app, &req).await?;
    let body: SetRole = http::read_json(&mut req).await?;
    match store_team::set_role(&app.db, id, body.role).await? {
        Guarded::Done(agent) => {
            // Admins see every inbox; agents only theirs.
            HubStub::of(&app.hub)?.access_changed().await?;
            Ok(http::json(&agent.profile(), 200))
        }
        Guarded::LastAdmin => Err(last_admin()),
        Guarded::Unknown => Err(unknown_agent()),
    }
}

/// `PUT /api/admin/agents/{id}/chat-limit` → the member's profile.
pub async fn set_chat_limit(app: &App, mut req: Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    signed_in_admin(app, &req).await?;
    let body: SetChatLimit = http::read_json(&mut req).await?;
    let limit = validate_chat_limit(body.chat_limit)?;
    let agent = store_team::set_chat_limit(&app.db, id, limit)
        .await?
        .ok_or_else(unknown_agent)?;
    // Capacity is part of the widget's availability.
    Entry::presence(&http::own_origin(&req)?).forget().await;
    Ok(http::json(&agent.profile(), 200))
}

/// `DELETE /api/admin/agents/{id}`: the member, their sessions and picture go; their messages
/// stay in the conversations under their name.
pub async fn remove(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    signed_in_admin(app, req).await?;
    let avatar = match store_team::remove(&app.db, id).await? {
        Guarded::Done(avatar) => avatar,
        Guarded::LastAdmin => return Err(last_admin()),
        Guarded::Unknown => {
            // A retry after a failure below finishes the job: the rules forget them and
            // whatever they still hold open is closed.
            store::inboxes::forget_member_in_rules(&app.db, id).await?;
            HubStub::of(&app.hub)?
                .sign_out(id, SignedOut::Removed, Sessions::All)
                .await?;
            return Err(unknown_agent());
        }
    };
    store::inboxes::forget_member_in_rules(&app.db, id).await?;
    avatars::forget(app, id, avatar).await;
    HubStub::of(&app.hub)?
        .sign_out(id, SignedOut::Removed, Sessions::All)
        .await?;
    // They no longer count towards availability.
    Entry::presence(&http::own_origin(req)?).forget().await;
    Ok(http::no_content())
}

/// The digest of the invitation token a request carries as `Authorization: Bearer`.
fn presented_invitation(req: &Request) -> ApiResult<String> {
    let header = req.headers().get("authorization")?;
    Ok(token_digest(bearer_token(header.as_deref())?))
}

/// `GET /api/invitations/current`: what the bearer's invitation is for.
pub async fn preview(app: &App, req: &Request) -> ApiResult<Response> {
    let digest = presented_invitation(req)?;
    let (invitation, site_name) = store_team::invitation_by_token(&app.db, &digest, store::now())
        .await?
        .ok_or_else(unknown_invitation)?;
    let preview = InvitationPreview {
        email: invitation.email,
        name: invitation.name,
        role: invitation.role,
        site_name,
        expires_at: invitation.expires_at,
    };
    Ok(http::json(&preview, 200))
}

/// `POST /api/invitations/accept` → 201 with the new member's profile and a session cookie.
pub async fn accept(app: &App, mut req: Request) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let digest = presented_invitation(&req)?;
    let body: AcceptInvitation = http::read_json(&mut req).await?;
    let name = validate_acceptance(&body)?;
    let now = store::now();
    let (invitation, _) = store_team::invitation_by_token(&app.db, &digest, now)
        .await?
        .ok_or_else(unknown_invitation)?;
    let agent = AgentRow {
        id: secrets::new_id("a")?,
        email: invitation.email,
        name,
        role: invitation.role,
        status: AgentStatus::Available,
        password_hash: secrets::hash_password(&body.password).await?.encode(),
        avatar: None,
        chat_limit: None,
    };
    match store_team::accept(
        &app.db,
        &digest,
        &agent.id,
        &agent.name,
        &agent.password_hash,
        now,
    )
    .await?
    {
        Accepted::Joined => start_session(app, &req, &agent, 201).await,
        Accepted::AlreadyMember => Err(ApiError::new(
            ErrorCode::AlreadyMember,
            format!("{} is already a member of the team.", agent.email),
        )),
        Accepted::Unknown => Err(unknown_invitation()),
    }
}
