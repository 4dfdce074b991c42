//! The admin API: a site's chat settings, read and replaced whole, and its Messenger and
//! WhatsApp connections (tokens sealed at rest, never returned). Only agents with the admin
//! role may use it (least privilege: agents answer chats, admins configure them); every change
//! must come from our own origin, like every cookie-authenticated state change.

use domain::chat_settings::update_chat_settings;
use domain::connections::{validate_new_connection, validate_token};
use domain::meta::flow as meta_flow;
use domain::meta::MetaChannel;
use domain::sealed::{seal, NONCE_BYTES};
use domain::Rejection;
use protocol::api::{ChannelFlow, ConnectionList, ErrorCode, NewConnection, NewToken, TokenState};
use protocol::settings::{ChatSettings, PeopleRule};
use protocol::Channel;
use worker::{Method, Request, Response};

use super::agent::signed_in_admin;
use crate::config::App;
use crate::edge_cache::Entry;
use crate::error::{ApiError, ApiResult};
use crate::graph::Graph;
use crate::store::inboxes::Table;
use crate::store::ConnectionRow;
use crate::{http, secrets, store};

fn unknown_site() -> ApiError {
    ApiError::new(ErrorCode::UnknownSite, "No such site.")
}

/// `GET /api/admin/sites/{site}/settings`.
pub async fn settings(app: &App, req: &Request, site_id: &str) -> ApiResult<Response> {
    signed_in_admin(app, req).await?;
    let settings = store::chat_settings(&app.db, site_id)
        .await?
        .ok_or_else(unknown_site)?;
    Ok(http::json(&settings, 200))
}

/// `PUT /api/admin/sites/{site}/settings`: validated whole before anything is stored; the
/// consent version is the server's (raised when the consent text or mode changes).
pub async fn put_settings(app: &App, mut req: Request, site_id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    signed_in_admin(app, &req).await?;
    let body: ChatSettings = http::read_json(&mut req).await?;
    let stored = store::chat_settings(&app.db, site_id)
        .await?
        .ok_or_else(unknown_site)?;
    let settings = update_chat_settings(&stored, &body)?;
    names_real_ones(app, "routing.rule", &settings.routing.rule).await?;
    names_real_ones(app, "heading_people", &settings.heading_people).await?;
    let new_consent = settings.consent.version != stored.consent.version;
    if !store::put_chat_settings(&app.db, site_id, &settings, new_consent).await? {
        return Err(unknown_site());
    }
    Entry::settings(&http::own_origin(&req)?, site_id)
        .forget()
        .await;
    Ok(http::json(&settings, 200))
}

/// 400 naming `{field}.agent_ids[i]` or `{field}.team_ids[i]` when a rule (routing's, the
/// heading's) names a member or team that does not exist.
async fn names_real_ones(app: &App, field: &str, rule: &PeopleRule) -> ApiResult<()> {
    if let Some((agent_ids, team_ids)) = rule.named() {
        for (list, table, ids, what) in [
            (
                "agent_ids",
                Table::Agents,
                agent_ids,
                "a member of the team",
            ),
            ("team_ids", Table::Teams, team_ids, "a team"),
        ] {
            if let Some(i) = store::inboxes::first_unknown(&app.db, table, ids).await? {
                return Err(Rejection::field(
                    &format!("{field}.{list}[{i}]"),
                    &format!("is not {what}"),
                )
                .into());
            }
        }
    }
    Ok(())
}

/// `GET /api/admin/sites/{site}/connections`.
pub async fn connections(app: &App, req: &Request, site_id: &str) -> ApiResult<Response> {
    signed_in_admin(app, req).await?;
    let rows = store::connections(&app.db, site_id).await?;
    let connections = rows.iter().map(ConnectionRow::public).collect();
    Ok(http::json(&ConnectionList { connections }, 200))
}

/// `POST /api/admin/sites/{site}/connections`: the token is sealed before it is stored.
pub async fn connect(app: &App, mut req: Request, site_id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    signed_in_admin(app, &req).await?;
    let body: NewConnection = http::read_json(&mut req).await?;
    let new = validate_new_connection(&body)?;
    let key = app.token_key().ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotConfigured,
            "Connections need the TOKEN_KEY secret (openssl rand -base64 32).",
        )
    })?;
    let site_inbox = store::inboxes::site_inbox(&app.db, site_id)
        .await?
        .ok_or_else(unknown_site)?;
    let inbox_id = match new.inbox_id {
        Some(inbox) => super::inboxes::existing_inbox(app, "inbox_id", inbox).await?,
        None => site_inbox,
    };
    let id = secrets::new_id("mc")?;
    let nonce: [u8; NONCE_BYTES] = secrets::random_bytes(NONCE_BYTES)?
        .try_into()
        .map_err(|_| ApiError::new(ErrorCode::Internal, "Randomness failed."))?;
    let row = ConnectionRow {
        token_sealed: seal(&key, &nonce, id.as_bytes(), new.access_token.as_bytes()),
        id,
        site_id: site_id.to_owned(),
        channel: new.channel,
        account_id: new.account_id,
        business_account_id: new.business_account_id,
        name: new.name,
        token_state: TokenState::Valid,
        created_at: store::now(),
        inbox_id,
        flow: "{}".to_owned(),
    };
    if !store::insert_connection(&app.db, &row).await? {
        return Err(ApiError::new(
            ErrorCode::AlreadyConnected,
            "That Page or number is already connected.",
        ));
    }
    Ok(http::json(&row.public(), 201))
}

/// `PUT /api/admin/sites/{site}/connections/{id}/flow` → 200 `Connection` with its flow
/// (`domain::meta::flow`). A Messenger greeting that changed is set on the Page first
/// (Messenger Profile API); when Meta does not take it, 502 `meta_unavailable` and nothing is
/// stored.
pub async fn set_flow(app: &App, mut req: Request, site_id: &str, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    signed_in_admin(app, &req).await?;
    let body: ChannelFlow = http::read_json(&mut req).await?;
    let mut connection = store::connections(&app.db, site_id)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "No such connection on this site."))?;
    let channel = match connection.channel {
        Channel::WhatsApp => MetaChannel::WhatsApp,
        _ => MetaChannel::Messenger,
    };
    let mut flow = meta_flow::validate(&body, channel)?;
    domain::routing::validate(&mut flow.routing)?;
    names_real_ones(app, "routing.rule", &flow.routing.rule).await?;
    if channel == MetaChannel::Messenger
        && meta_flow::greeting_text(&flow) != meta_flow::greeting_text(&connection.flow())
    {
        set_greeting(app, &connection, &flow).await?;
    }
    let json = serde_json::to_string(&flow)?;
    if !store::flow::set(&app.db, site_id, id, &json).await? {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            "No such connection on this site.",
        ));
    }
    connection.flow = json;
    Ok(http::json(&connection.public(), 200))
}

/// Sets (or removes) the Page's greeting through the Messenger Profile API.
async fn set_greeting(app: &App, connection: &ConnectionRow, flow: &ChannelFlow) -> ApiResult<()> {
    let graph = Graph::connect(app, &connection.id, &connection.token_sealed)
        .filter(|_| connection.token_state == TokenState::Valid)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::MetaUnavailable,
                "The Page's token cannot be used: reconnect the Page, then set the greeting.",
            )
        })?;
    let (method, body) = meta_flow::profile_request(flow);
    let method = if method == "DELETE" {
        Method::Delete
    } else {
        Method::Post
    };
    let path = format!("{}/messenger_profile", connection.account_id);
    let answer = graph.call(method, &path, Some(&body)).await;
    if answer.ok() {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorCode::MetaUnavailable,
        format!(
            "Meta did not take the greeting: {}",
            answer.body.chars().take(300).collect::<String>()
        ),
    ))
}

/// `PUT /api/admin/sites/{site}/connections/{id}/token` → 200 `Connection`: the connection's
/// new token, sealed like the first; the connection is valid again (replies failed for the
/// old token stay failed).
pub async fn replace_token(
    app: &App,
    mut req: Request,
    site_id: &str,
    id: &str,
) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    signed_in_admin(app, &req).await?;
    let body: NewToken = http::read_json(&mut req).await?;
    let token = validate_token(&body.access_token)?;
    let key = app.token_key().ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotConfigured,
            "Connections need the TOKEN_KEY secret (openssl rand -base64 32).",
        )
    })?;
    let nonce: [u8; NONCE_BYTES] = secrets::random_bytes(NONCE_BYTES)?
        .try_into()
        .map_err(|_| ApiError::new(ErrorCode::Internal, "Randomness failed."))?;
    let sealed = seal(&key, &nonce, id.as_bytes(), token.as_bytes());
    let connection = store::replace_token(&app.db, site_id, id, &sealed)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "No such connection on this site."))?;
    Ok(http::json(&connection.public(), 200))
}

/// `DELETE /api/admin/sites/{site}/connections/{id}`.
pub async fn disconnect(app: &App, req: &Request, site_id: &str, id: &str) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    signed_in_admin(app, req).await?;
    if store::delete_connection(&app.db, site_id, id).await? {
        Ok(http::no_content())
    } else {
        Err(ApiError::new(
            ErrorCode::NotFound,
            "No such connection on this site.",
        ))
    }
}

/// `POST /api/admin/housekeeping`: runs the cron trigger's work now (see
/// [`crate::housekeeping`]) and says what it did.
pub async fn housekeeping(app: &App, req: &Request) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    signed_in_admin(app, req).await?;
    let done = crate::housekeeping::run_all(app, store::now()).await?;
    Ok(http::json(&done, 200))
}
