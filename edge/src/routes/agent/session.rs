//! Who is signed in: the session cookie (HttpOnly, SameSite=Strict, Secure over TLS) and the
//! checks every agent and admin route starts with: signed in, an admin, or seeing the
//! conversation asked about (the same 404 for a conversation that does not exist as for one in
//! another inbox, so ids cannot be probed).

use domain::credentials::token_digest;
use protocol::api::{ErrorCode, Role};
use worker::{Request, Response};

use crate::config::App;
use crate::error::{ApiError, ApiResult};
use crate::participant::Participant;
use crate::store::{self, AgentRow};
use crate::{http, secrets};

pub(super) const COOKIE: &str = "pl_session";
/// Sessions last two weeks.
const SESSION_MS: i64 = 14 * 24 * 60 * 60 * 1000;

pub(super) fn session_cookie(req: &Request, value: &str, max_age_s: i64) -> String {
    let secure = if http::is_https(req) { "; Secure" } else { "" };
    format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_s}{secure}")
}

/// The signed-in agent, or 401.
pub async fn signed_in(app: &App, req: &Request) -> ApiResult<AgentRow> {
    Ok(session(app, req).await?.0)
}

/// The signed-in agent if they are an admin; 403 for other agents.
pub async fn signed_in_admin(app: &App, req: &Request) -> ApiResult<AgentRow> {
    let agent = signed_in(app, req).await?;
    if agent.role == Role::Admin {
        Ok(agent)
    } else {
        Err(ApiError::new(
            ErrorCode::Forbidden,
            "Only an admin can do this.",
        ))
    }
}

/// The signed-in agent and the digest of their session's token, or 401.
pub(super) async fn session(app: &App, req: &Request) -> ApiResult<(AgentRow, String)> {
    let token = http::cookie(req, COOKIE)
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated, "Please sign in."))?;
    let digest = token_digest(&token);
    let agent = store::session_agent(&app.db, &digest, store::now())
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::Unauthenticated,
                "Your session has ended; please sign in again.",
            )
        })?;
    Ok((agent, digest))
}

/// Starts a session for `agent`: answers `status` with their profile and the session cookie.
pub async fn start_session(
    app: &App,
    req: &Request,
    agent: &AgentRow,
    status: u16,
) -> ApiResult<Response> {
    let token = secrets::new_token()?;
    let now = store::now();
    store::insert_session(
        &app.db,
        &token_digest(&token),
        &agent.id,
        now,
        now + SESSION_MS,
    )
    .await?;
    let response = http::json(&agent.profile(), status);
    response.headers().set(
        "set-cookie",
        &session_cookie(req, &token, SESSION_MS / 1000),
    )?;
    Ok(response)
}

pub(in crate::routes) fn participant(agent: &AgentRow) -> Participant {
    Participant::Agent {
        id: agent.id.clone(),
        name: agent.name.clone(),
    }
}

/// The signed-in agent, if conversation `id` is in an inbox they see; 401 when nobody is
/// signed in, 404 `unknown_conversation` when it does not exist or is not theirs to see (the
/// same answer, so ids of other inboxes' conversations cannot be probed).
pub(in crate::routes) async fn signed_in_to(
    app: &App,
    req: &Request,
    id: &str,
) -> ApiResult<AgentRow> {
    Ok(session_to(app, req, id).await?.0)
}

/// As [`signed_in_to`], with the digest of the agent's session.
pub(super) async fn session_to(
    app: &App,
    req: &Request,
    id: &str,
) -> ApiResult<(AgentRow, String)> {
    let (agent, session) = session(app, req).await?;
    if store::conversation_visible(&app.db, id, &store::Viewer::of(&agent)).await? {
        Ok((agent, session))
    } else {
        Err(ApiError::unknown_conversation())
    }
}
