//! The visitor's API, called by the widget frame (same origin as the Worker). A visitor is known
//! by a bearer token the widget keeps in its own storage; the server keeps only its digest.
//! Browsers cannot set headers on a WebSocket, so there the token travels as a subprotocol
//! (`bearer.TOKEN`, beside `porchlight.v1`), never in the URL.
//!
//! Starting a conversation, with its first message and the visitor's consent, is [`start`]'s;
//! this module has the visitor's token and what a visitor does in a conversation of theirs.

mod email;
mod start;

pub use email::{email, set_email, tell_agents};
pub use start::create;

use domain::credentials::{bearer_token, token_digest};
use domain::message::validate_send;
use protocol::api::{CurrentConversation, ErrorCode, SendMessage};
use worker::{Request, Response};

use super::files::{self, Uploader};
use crate::config::App;
use crate::contracts::conversation::{Call, ConversationStub, Join};
use crate::error::{ApiError, ApiResult};
use crate::floods::{self, Flood};
use crate::http;
use crate::participant::Participant;
use crate::store::{self, VisitorRow};

/// The subprotocol a widget socket speaks.
const SUBPROTOCOL: &str = "porchlight.v1";
const BEARER_SUBPROTOCOL: &str = "bearer.";

fn forbidden() -> ApiError {
    ApiError::new(
        ErrorCode::Forbidden,
        "This visitor token is not valid here.",
    )
}

/// The site lets only the visitors it identified chat (`IdentitySettings::required`).
fn identity_required() -> ApiError {
    ApiError::new(
        ErrorCode::IdentityRequired,
        "Please sign in to the site to chat with us.",
    )
}

/// The visitor token from `Authorization`, or from the WebSocket subprotocol list.
fn token(req: &Request) -> ApiResult<String> {
    let protocols = req.headers().get("sec-websocket-protocol")?;
    if let Some(token) = protocols.as_deref().and_then(|list| {
        list.split(',')
            .map(str::trim)
            .find_map(|p| p.strip_prefix(BEARER_SUBPROTOCOL))
            .filter(|t| !t.is_empty())
    }) {
        return Ok(token.to_owned());
    }
    let header = req.headers().get("authorization")?;
    Ok(bearer_token(header.as_deref())?.to_owned())
}

async fn visitor(app: &App, req: &Request) -> ApiResult<VisitorRow> {
    let token = token(req)?;
    store::visitor_any_site(&app.db, &token_digest(&token))
        .await?
        .ok_or_else(forbidden)
}

/// The visitor, if conversation `id` is theirs; otherwise the right 401/403/404.
async fn visitor_conversation(app: &App, req: &Request, id: &str) -> ApiResult<VisitorRow> {
    let visitor = visitor(app, req).await?;
    if store::is_visitors_conversation(&app.db, id, &visitor.id).await? {
        Ok(visitor)
    } else {
        Err(ApiError::unknown_conversation())
    }
}

/// `GET /api/widget/conversations/current`: the visitor's latest conversation.
pub async fn current(app: &App, req: &Request) -> ApiResult<Response> {
    let visitor = visitor(app, req).await?;
    let conversation = store::latest_conversation(&app.db, &visitor.id).await?;
    let owner = store::mail::heading_owner(&app.db, &visitor.id).await?;
    Ok(http::json(
        &CurrentConversation {
            conversation,
            owner,
        },
        200,
    ))
}

/// `GET /api/widget/conversations/{id}/export`: the visitor's own conversation as a zip (its
/// messages and files; not the team's notes).
pub async fn export(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    visitor_conversation(app, req, id).await?;
    crate::export::visitor_conversation(app, id).await
}

/// `POST /api/widget/conversations/{id}/erasure`: the visitor asks for their data to be erased
/// (`routes::erasures::request`).
pub async fn request_erasure(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    visitor_conversation(app, req, id).await?;
    super::erasures::request(app, id).await
}

pub async fn history(app: &App, req: Request, id: &str) -> ApiResult<Response> {
    let after = http::after_param(&req)?;
    visitor_conversation(app, &req, id).await?;
    ConversationStub::of(&app.conversations, id)?
        .call(&Call::History { after })
        .await
}

/// A visitor writing to conversation `id`: from a page of ours, theirs, and within the flood
/// limit of their messages (which their other writes count against too).
async fn visitor_writing(app: &App, req: &Request, id: &str) -> ApiResult<VisitorRow> {
    http::refuse_cross_origin(req)?;
    let visitor = visitor_conversation(app, req, id).await?;
    floods::count_visitor(
        app.env(),
        Flood::Messages,
        &visitor.id,
        &floods::address(req),
    )
    .await?;
    Ok(visitor)
}

pub async fn send(app: &App, mut req: Request, id: &str) -> ApiResult<Response> {
    let visitor = visitor_writing(app, &req, id).await?;
    let body: SendMessage = http::read_json(&mut req).await?;
    let body = validate_send(&body)?;
    let who = Participant::Visitor {
        visitor_id: visitor.id,
    };
    let send = Call::Send {
        who,
        origin: Some(http::own_origin(&req)?),
        send: body,
    };
    ConversationStub::of(&app.conversations, id)?
        .call(&send)
        .await
}

/// `POST /api/widget/uploads?site=SITE&name=NAME`: a file for the visitor's next message. A
/// visitor without a token yet may upload (their first message may be a file); one with a
/// token must present it, so that only they can claim the file.
pub async fn upload(app: &App, req: Request) -> ApiResult<Response> {
    http::refuse_cross_origin(&req)?;
    let site_id = http::query_param(&req, "site")
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidField, "`site` is required."))?;
    let address = floods::address(&req);
    let (scope, identified) = match req.headers().get("authorization")? {
        Some(header) => {
            let token = bearer_token(Some(&header))?;
            let visitor = store::visitor_by_token(&app.db, &site_id, &token_digest(token))
                .await?
                .ok_or_else(forbidden)?;
            floods::count_visitor(app.env(), Flood::Connections, &visitor.id, &address).await?;
            (
                format!("visitor:{}", visitor.id),
                visitor.identity.is_some(),
            )
        }
        None => {
            floods::count(app.env(), Flood::Starts, &address).await?;
            floods::count(app.env(), Flood::Address, &address).await?;
            (String::new(), false)
        }
    };
    let uploader = Uploader {
        scope: &scope,
        is_agent: false,
        identified,
    };
    files::upload(app, req, &site_id, uploader).await
}

/// `GET /api/widget/conversations/{id}/attachments/{file}`.
pub async fn attachment(app: &App, req: &Request, id: &str, file: &str) -> ApiResult<Response> {
    visitor_conversation(app, req, id).await?;
    files::serve(app, id, file).await
}

pub async fn socket(app: &App, req: Request, id: &str) -> ApiResult<Response> {
    if !http::is_upgrade(&req) {
        return Err(ApiError::new(
            ErrorCode::InvalidField,
            "This route takes a WebSocket upgrade.",
        ));
    }
    let after = http::after_param(&req)?;
    let visitor = visitor_conversation(app, &req, id).await?;
    let address = floods::address(&req);
    floods::count_visitor(app.env(), Flood::Connections, &visitor.id, &address).await?;
    let asked_subprotocol = req
        .headers()
        .get("sec-websocket-protocol")?
        .is_some_and(|list| list.split(',').any(|p| p.trim() == SUBPROTOCOL));
    let who = Participant::Visitor {
        visitor_id: visitor.id,
    };
    let join = Join {
        who,
        after,
        session: None,
        subprotocol: asked_subprotocol.then(|| SUBPROTOCOL.to_owned()),
        origin: http::own_origin(&req)?,
    };
    ConversationStub::of(&app.conversations, id)?
        .join(&req, &join)
        .await
}
