//! The admin API: a site's chat settings, read and replaced whole. Only agents with the admin
//! role may use it (least privilege: agents answer chats, admins configure them); every change
//! must come from our own origin, like every cookie-authenticated state change.

use domain::chat_settings::update_chat_settings;
use protocol::api::{ErrorCode, Role};
use protocol::settings::ChatSettings;
use worker::{Request, Response};

use super::agent::signed_in;
use crate::config::App;
use crate::error::{ApiError, ApiResult};
use crate::{http, store};

async fn admin(app: &App, req: &Request) -> ApiResult<()> {
    let agent = signed_in(app, req).await?;
    if agent.role == Role::Admin {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::Forbidden,
            "Only an admin can change the settings.",
        ))
    }
}

fn unknown_site() -> ApiError {
    ApiError::new(ErrorCode::UnknownSite, "No such site.")
}

/// `GET /api/admin/sites/{site}/settings`.
pub async fn settings(app: &App, req: &Request, site_id: &str) -> ApiResult<Response> {
    admin(app, req).await?;
    let settings = store::chat_settings(&app.db, site_id)
        .await?
        .ok_or_else(unknown_site)?;
    Ok(http::json(&settings, 200))
}

/// `PUT /api/admin/sites/{site}/settings`: validated whole before anything is stored; the
/// consent version is the server's (raised when the consent text or mode changes).
pub async fn put_settings(app: &App, mut req: Request, site_id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    admin(app, &req).await?;
    let body: ChatSettings = http::read_json(&mut req).await?;
    let stored = store::chat_settings(&app.db, site_id)
        .await?
        .ok_or_else(unknown_site)?;
    let settings = update_chat_settings(&stored, &body)?;
    let new_consent = settings.consent.version != stored.consent.version;
    if !store::put_chat_settings(&app.db, site_id, &settings, new_consent).await? {
        return Err(unknown_site());
    }
    Ok(http::json(&settings, 200))
}
