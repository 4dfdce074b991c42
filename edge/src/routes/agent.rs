//! The agents' API, called by the inbox app on the Worker's own origin. Agents sign in with
//! e-mail and password and hold a session cookie (HttpOnly, SameSite=Strict, Secure over TLS);
//! every state change and socket upgrade must also carry our own `Origin`.

use domain::credentials::{normalise_email, token_digest, PasswordHash, PBKDF2_ITERATIONS};
use domain::message::validate_send;
use protocol::api::{ConversationList, ErrorCode, Login, SendMessage, SetAgentStatus};
use protocol::ConversationStatus;
use worker::{Request, Response};

use super::files::{self, Uploader};
use super::relay;
use crate::config::App;
use crate::edge_cache::Entry;
use crate::error::{ApiError, ApiResult};
use crate::participant::Participant;
use crate::store::{self, AgentRow};
use crate::{http, secrets};

const COOKIE: &str = "pl_session";
/// Sessions last two weeks.
const SESSION_MS: i64 = 14 * 24 * 60 * 60 * 1000;

fn session_cookie(req: &Request, value: &str, max_age_s: i64) -> String {
    let secure = if http::is_https(req) { "; Secure" } else { "" };
    format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_s}{secure}")
}

/// The signed-in agent, or 401.
pub async fn signed_in(app: &App, req: &Request) -> ApiResult<AgentRow> {
    let token = http::cookie(req, COOKIE)
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated, "Please sign in."))?;
    store::session_agent(&app.db, &token_digest(&token), store::now())
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::Unauthenticated,
                "Your session has ended; please sign in again.",
            )
        })
}

fn participant(agent: &AgentRow) -> Participant {
    Participant::Agent {
        id: agent.id.clone(),
        name: agent.name.clone(),
    }
}

async fn conversation_exists(app: &App, id: &str) -> ApiResult<()> {
    if store::conversation_exists(&app.db, id).await? {
        Ok(())
    } else {
        Err(ApiError::unknown_conversation())
    }
}

/// `POST /api/agent/session`.
pub async fn sign_in(app: &App, mut req: Request) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let login: Login = http::read_json(&mut req).await?;
    let found = match normalise_email(&login.email) {
        Ok(email) => store::agent_by_email(&app.db, &email).await?,
        Err(_) => None,
    };
    // Derive a key even for an unknown e-mail, so timing does not reveal who has an account.
    let stored = found.as_ref().map_or_else(
        || {
            PasswordHash {
                iterations: PBKDF2_ITERATIONS,
                salt: vec![0; 16],
                hash: vec![0; 32],
            }
            .encode()
        },
        |a| a.password_hash.clone(),
    );
    let matches = secrets::verify_password(&login.password, &stored).await?;
    let agent = match found {
        Some(agent) if matches => agent,
        _ => {
            return Err(ApiError::new(
                ErrorCode::InvalidCredentials,
                "That e-mail and password do not match.",
            ))
        }
    };
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
    let response = http::json(&agent.profile(), 200);
    response.headers().set(
        "set-cookie",
        &session_cookie(&req, &token, SESSION_MS / 1000),
    )?;
    Ok(response)
}

/// `DELETE /api/agent/session`.
pub async fn sign_out(app: &App, req: &Request) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    if let Some(token) = http::cookie(req, COOKIE) {
        store::delete_session(&app.db, &token_digest(&token)).await?;
    }
    let response = http::no_content();
    response
        .headers()
        .set("set-cookie", &session_cookie(req, "", 0))?;
    Ok(response)
}

pub async fn me(app: &App, req: &Request) -> ApiResult<Response> {
    Ok(http::json(&signed_in(app, req).await?.profile(), 200))
}

/// `PUT /api/agent/me/status`: the agent's own available/away toggle.
pub async fn set_status(app: &App, mut req: Request) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let mut agent = signed_in(app, &req).await?;
    let body: SetAgentStatus = http::read_json(&mut req).await?;
    store::set_agent_status(&app.db, &agent.id, body.status).await?;
    Entry::presence(&http::own_origin(&req)?).forget().await;
    agent.status = body.status;
    Ok(http::json(&agent.profile(), 200))
}

pub async fn list(app: &App, req: &Request) -> ApiResult<Response> {
    signed_in(app, req).await?;
    let conversations = store::list_conversations(&app.db, 200).await?;
    Ok(http::json(&ConversationList { conversations }, 200))
}

pub async fn history(app: &App, req: Request, id: &str) -> ApiResult<Response> {
    let after = http::after_param(&req)?;
    signed_in(app, &req).await?;
    conversation_exists(app, id).await?;
    relay::history(app, id, after).await
}

pub async fn send(app: &App, mut req: Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let agent = signed_in(app, &req).await?;
    conversation_exists(app, id).await?;
    let body: SendMessage = http::read_json(&mut req).await?;
    let body = validate_send(&body)?;
    relay::send(app, id, &participant(&agent), &body).await
}

/// `POST /api/agent/conversations/{id}/close` and `/reopen`.
pub async fn set_conversation_status(
    app: &App,
    req: &Request,
    id: &str,
    status: ConversationStatus,
) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    signed_in(app, req).await?;
    conversation_exists(app, id).await?;
    relay::set_status(app, id, status).await
}

pub async fn socket(app: &App, req: Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let after = http::after_param(&req)?;
    let agent = signed_in(app, &req).await?;
    conversation_exists(app, id).await?;
    relay::socket(app, &req, id, &participant(&agent), after, None).await
}

/// `GET /api/agent/inbox/socket`: live changes to the inbox list.
pub async fn inbox_socket(app: &App, req: Request) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    if !http::is_upgrade(&req) {
        return Err(ApiError::new(
            ErrorCode::InvalidField,
            "This route takes a WebSocket upgrade.",
        ));
    }
    let agent = signed_in(app, &req).await?;
    let response = relay::inbox_socket(app, &req, &participant(&agent)).await?;
    // The agent is present from now on (the inbox object forgets it again when they leave).
    Entry::presence(&http::own_origin(&req)?).forget().await;
    Ok(response)
}

/// `POST /api/agent/conversations/{id}/uploads?name=NAME`: a file for the agent's next reply
/// in that conversation, within the site's kinds and size (also when its widget takes none).
pub async fn upload(app: &App, req: Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let agent = signed_in(app, &req).await?;
    let site_id = store::conversation_site(&app.db, id)
        .await?
        .ok_or_else(ApiError::unknown_conversation)?;
    let scope = format!("agent:{}", agent.id);
    let uploader = Uploader {
        scope: &scope,
        is_agent: true,
    };
    files::upload(app, req, &site_id, uploader).await
}

/// `GET /api/agent/conversations/{id}/attachments/{file}`.
pub async fn attachment(app: &App, req: &Request, id: &str, file: &str) -> ApiResult<Response> {
    signed_in(app, req).await?;
    conversation_exists(app, id).await?;
    files::serve(app, id, file).await
}
