//! The admin API: a site's chat settings, read and replaced whole, and its Messenger and
//! WhatsApp connections (tokens sealed at rest, never returned). Only agents with the admin
//! role may use it (least privilege: agents answer chats, admins configure them); every change
//! must come from our own origin, like every cookie-authenticated state change.

use domain::chat_settings::update_chat_settings;
use domain::connections::validate_new_connection;
use domain::sealed::{seal, NONCE_BYTES};
use domain::Rejection;
use protocol::api::{ConnectionList, ErrorCode, HousekeepingDone, NewConnection, TokenState};
use protocol::settings::{ChatSettings, RoutingRule};
use worker::{Request, Response};

use super::agent::signed_in_admin;
use crate::config::App;
use crate::edge_cache::Entry;
use crate::error::{ApiError, ApiResult};
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
    if let RoutingRule::Members { agent_ids } = &settings.routing.rule {
        let members = store::team::members(&app.db).await?;
        if let Some(i) = agent_ids
            .iter()
            .position(|id| !members.iter().any(|m| m.id == *id))
        {
            return Err(Rejection::field(
                &format!("routing.rule.agent_ids[{i}]"),
                "is not a member of the team",
            )
            .into());
        }
    }
    let new_consent = settings.consent.version != stored.consent.version;
    if !store::put_chat_settings(&app.db, site_id, &settings, new_consent).await? {
        return Err(unknown_site());
    }
    Entry::settings(&http::own_origin(&req)?, site_id)
        .forget()
        .await;
    Ok(http::json(&settings, 200))
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
    if store::chat_settings(&app.db, site_id).await?.is_none() {
        return Err(unknown_site());
    }
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
    };
    if !store::insert_connection(&app.db, &row).await? {
        return Err(ApiError::new(
            ErrorCode::AlreadyConnected,
            "That Page or number is already connected.",
        ));
    }
    Ok(http::json(&row.public(), 201))
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
    let uploads_deleted = crate::housekeeping::run_all(app, store::now()).await?;
    Ok(http::json(&HousekeepingDone { uploads_deleted }, 200))
}
