//! The agents' live sockets: a conversation's thread, and the inbox list's changes. Both are
//! held under the agent's session, so they end when it does (or, for a thread, when the agent
//! no longer sees its inbox); a list socket also makes the agent present.

use protocol::api::ErrorCode;
use worker::{Request, Response};

use super::session::{participant, session, session_to};
use crate::config::App;
use crate::contracts::conversation::{ConversationStub, Join};
use crate::contracts::hub::HubStub;
use crate::edge_cache::Entry;
use crate::error::{ApiError, ApiResult};
use crate::http;

pub async fn socket(app: &App, req: Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let after = http::after_param(&req)?;
    let (agent, session) = session_to(app, &req, id).await?;
    // Held under the session: it ends when the session or the agent's access does.
    let join = Join {
        who: participant(&agent),
        after,
        session: Some(session),
        subprotocol: None,
        origin: http::own_origin(&req)?,
    };
    ConversationStub::of(&app.conversations, id)?
        .join(&req, &join)
        .await
}

/// `GET /api/agent/inbox/socket`: live changes to the inbox list.
pub async fn list_socket(app: &App, req: Request) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    if !http::is_upgrade(&req) {
        return Err(ApiError::new(
            ErrorCode::InvalidField,
            "This route takes a WebSocket upgrade.",
        ));
    }
    let (agent, session) = session(app, &req).await?;
    let origin = http::own_origin(&req)?;
    let response = HubStub::of(&app.hub)?
        .join(&req, &participant(&agent), &session, &origin)
        .await?;
    // The agent is present from now on (the hub forgets it again when they leave).
    Entry::presence(&origin).forget().await;
    Ok(response)
}
