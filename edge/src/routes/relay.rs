//! Calls into a conversation's Durable Object on behalf of a participant the front Worker has
//! authenticated (and into the inbox's object for agents' list sockets). The participant travels
//! in an internal header (see [`crate::participant`]).

use protocol::api::SendMessage;
use protocol::ConversationStatus;
use worker::{Headers, Method, Request, RequestInit, Response, Stub};

use crate::config::App;
use crate::conversation::{Inbound, Init, NoteToStore, StatusChange, SUBPROTOCOL_HEADER};
use crate::error::ApiResult;
use crate::http;
use crate::participant::{Participant, HEADER};

fn stub(app: &App, conversation_id: &str) -> ApiResult<Stub> {
    Ok(app
        .conversations
        .id_from_name(conversation_id)?
        .get_stub()?)
}

fn request(
    method: Method,
    path: &str,
    who: Option<&Participant>,
    body: Option<String>,
    headers: Headers,
) -> ApiResult<Request> {
    if let Some(who) = who {
        headers.set(HEADER, &serde_json::to_string(who)?)?;
    }
    let mut init = RequestInit::new();
    init.with_method(method)
        .with_headers(headers)
        .with_body(body.map(Into::into));
    Ok(Request::new_with_init(
        &format!("https://conversation{path}"),
        &init,
    )?)
}

pub async fn init(app: &App, init: &Init) -> ApiResult<()> {
    let req = request(
        Method::Post,
        "/init",
        None,
        Some(serde_json::to_string(init)?),
        Headers::new(),
    )?;
    stub(app, &init.conversation_id)?
        .fetch_with_request(req)
        .await?;
    Ok(())
}

/// Stores a send; the object's response (201/200 `MessageAccepted`, or an error) is passed on.
pub async fn send(
    app: &App,
    origin: Option<&str>,
    conversation_id: &str,
    who: &Participant,
    send: &SendMessage,
) -> ApiResult<Response> {
    let headers = Headers::new();
    if let Some(origin) = origin {
        headers.set(crate::conversation::ORIGIN_HEADER, origin)?;
    }
    let req = request(
        Method::Post,
        "/messages",
        Some(who),
        Some(serde_json::to_string(send)?),
        headers,
    )?;
    Ok(stub(app, conversation_id)?.fetch_with_request(req).await?)
}

/// Stores an agent's note; the object's answer (the note, or an error) is passed on.
pub async fn add_note(
    app: &App,
    conversation_id: &str,
    who: &Participant,
    note: &NoteToStore,
) -> ApiResult<Response> {
    let req = request(
        Method::Post,
        "/notes",
        Some(who),
        Some(serde_json::to_string(note)?),
        Headers::new(),
    )?;
    Ok(stub(app, conversation_id)?.fetch_with_request(req).await?)
}

/// The conversation's notes (`NoteList`).
pub async fn notes(app: &App, conversation_id: &str) -> ApiResult<Response> {
    let req = request(Method::Get, "/notes", None, None, Headers::new())?;
    Ok(stub(app, conversation_id)?.fetch_with_request(req).await?)
}

/// Closes or reopens; the object's answer (the inbox row, or an error) is passed on.
pub async fn set_status(
    app: &App,
    conversation_id: &str,
    status: ConversationStatus,
) -> ApiResult<Response> {
    let req = request(
        Method::Post,
        "/status",
        None,
        Some(serde_json::to_string(&StatusChange { status })?),
        Headers::new(),
    )?;
    Ok(stub(app, conversation_id)?.fetch_with_request(req).await?)
}

/// Switches how a website chat's replies reach the visitor; the object's answer is passed on.
pub async fn reply_by(
    app: &App,
    conversation_id: &str,
    change: &protocol::api::ReplyBy,
) -> ApiResult<Response> {
    let req = request(
        Method::Put,
        "/reply-by",
        None,
        Some(serde_json::to_string(change)?),
        Headers::new(),
    )?;
    Ok(stub(app, conversation_id)?.fetch_with_request(req).await?)
}

/// Stores a message from a Meta channel (see [`crate::inbound`]).
pub async fn inbound(app: &App, conversation_id: &str, inbound: &Inbound) -> ApiResult<()> {
    let req = request(
        Method::Post,
        "/inbound",
        None,
        Some(serde_json::to_string(inbound)?),
        Headers::new(),
    )?;
    let mut response = stub(app, conversation_id)?.fetch_with_request(req).await?;
    if (200..300).contains(&response.status_code()) {
        Ok(())
    } else {
        let detail = response.text().await.unwrap_or_default();
        Err(crate::error::ApiError::new(
            protocol::api::ErrorCode::Internal,
            format!("the conversation refused an inbound message: {detail}"),
        ))
    }
}

/// Stores an agent's WhatsApp template reply; the object's answer is passed on.
pub async fn send_template(
    app: &App,
    origin: &str,
    conversation_id: &str,
    who: &Participant,
    template: &crate::conversation::TemplateToStore,
) -> ApiResult<Response> {
    // A media header's file is fetched by Meta from a link on the origin the agent used.
    let headers = Headers::new();
    headers.set(crate::conversation::ORIGIN_HEADER, origin)?;
    let req = request(
        Method::Post,
        "/template",
        Some(who),
        Some(serde_json::to_string(template)?),
        headers,
    )?;
    Ok(stub(app, conversation_id)?.fetch_with_request(req).await?)
}

/// Tells the conversation's agents that a reply moved on (see [`crate::replies`]).
pub async fn delivery(
    app: &App,
    conversation_id: &str,
    delivery: &protocol::reply::Delivery,
) -> ApiResult<()> {
    let req = request(
        Method::Post,
        "/delivery",
        None,
        Some(serde_json::to_string(delivery)?),
        Headers::new(),
    )?;
    stub(app, conversation_id)?.fetch_with_request(req).await?;
    Ok(())
}

/// Has the object check its agents' sockets against their access again, closing those whose
/// access has gone (see `crate::conversation`'s `access`).
pub async fn check_access(app: &App, conversation_id: &str) -> ApiResult<()> {
    let req = request(Method::Post, "/access", None, None, Headers::new())?;
    let response = stub(app, conversation_id)?.fetch_with_request(req).await?;
    if (200..300).contains(&response.status_code()) {
        Ok(())
    } else {
        Err(crate::error::ApiError::new(
            protocol::api::ErrorCode::Internal,
            format!(
                "the conversation could not check its sockets ({})",
                response.status_code()
            ),
        ))
    }
}

pub async fn history(app: &App, conversation_id: &str, after: u64) -> ApiResult<Response> {
    let req = request(
        Method::Get,
        &format!("/messages?after={after}"),
        None,
        None,
        Headers::new(),
    )?;
    Ok(stub(app, conversation_id)?.fetch_with_request(req).await?)
}

/// What a socket is opened with beyond who holds it.
pub struct Hold<'a> {
    /// The digest of an agent's session, which the socket is held under.
    pub session: Option<&'a str>,
    /// Echoed to the client when it asked for one (browsers fail the handshake otherwise).
    pub subprotocol: Option<&'a str>,
}

/// Hands a WebSocket upgrade to the object.
pub async fn socket(
    app: &App,
    original: &Request,
    conversation_id: &str,
    who: &Participant,
    after: u64,
    hold: Hold<'_>,
) -> ApiResult<Response> {
    let headers = upgrade_headers(original)?;
    if let Some(p) = hold.subprotocol {
        headers.set(SUBPROTOCOL_HEADER, p)?;
    }
    if let Some(session) = hold.session {
        headers.set(crate::participant::SESSION_HEADER, session)?;
    }
    headers.set(
        crate::conversation::ORIGIN_HEADER,
        &http::own_origin(original)?,
    )?;
    let req = request(
        Method::Get,
        &format!("/socket?after={after}"),
        Some(who),
        None,
        headers,
    )?;
    Ok(stub(app, conversation_id)?.fetch_with_request(req).await?)
}

/// The headers of a WebSocket upgrade that the Durable Object needs to accept it.
fn upgrade_headers(original: &Request) -> ApiResult<Headers> {
    let headers = Headers::new();
    for name in [
        "upgrade",
        "connection",
        "sec-websocket-key",
        "sec-websocket-version",
    ] {
        if let Some(value) = original.headers().get(name)? {
            headers.set(name, &value)?;
        }
    }
    Ok(headers)
}

/// Hands an agent's inbox-socket upgrade to the inbox's Durable Object, with the digest of the
/// session it was opened with.
pub async fn inbox_socket(
    app: &App,
    original: &Request,
    who: &Participant,
    session: &str,
) -> ApiResult<Response> {
    let headers = upgrade_headers(original)?;
    headers.set(HEADER, &serde_json::to_string(who)?)?;
    headers.set(crate::participant::SESSION_HEADER, session)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_headers(headers);
    let stub = app.inboxes.id_from_name(crate::inbox::HUB)?.get_stub()?;
    Ok(stub
        // On the Worker's own origin, which the object keeps to key the edge cache it clears.
        .fetch_with_request(Request::new_with_init(
            &format!("{}/socket", http::own_origin(original)?),
            &init,
        )?)
        .await?)
}
