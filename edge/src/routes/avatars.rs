//! Agents' profile pictures: an agent sets or removes their own (`PUT`/`DELETE
//! /api/agent/me/avatar`, the image's bytes as the body), and anyone may fetch one by the path in
//! the agent's profile (`GET /api/avatars/{agent}/{version}`), since visitors see them in the
//! chat. Each picture is a new version id, so its URL never changes meaning and is cached for a
//! year; the replaced one is deleted from R2.
//!
//! The bytes are judged like attachments (`domain::files::check_avatar`: PNG, JPEG, GIF or WebP
//! by signature, never SVG) and served with the same headers under which nothing runs.

use domain::branding::initial_avatar;
use domain::files::{check_avatar, check_avatar_size};
use protocol::api::ErrorCode;
use worker::{Request, Response};

use super::agent::signed_in;
use crate::config::App;
use crate::error::{ApiError, ApiResult};
use crate::store;
use crate::{http, secrets};

/// `PUT /api/agent/me/avatar`: 200 with the agent's profile, now with the new `avatar_url`.
pub async fn put(app: &App, mut req: Request) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let mut agent = signed_in(app, &req).await?;
    let max = u64::from(protocol::limits::AVATAR_MAX_BYTES);
    let bytes = http::read_body_at_most(&mut req, max, |size| {
        check_avatar_size(size).err().map_or_else(
            || ApiError::new(ErrorCode::FileTooLarge, "The picture is too large."),
            ApiError::from,
        )
    })
    .await?;
    let content_type = check_avatar(&bytes)?;
    let version = secrets::new_id("p")?;
    let metadata = worker::HttpMetadata {
        content_type: Some(content_type.to_owned()),
        ..Default::default()
    };
    app.files()?
        .put(store::avatar_key(&agent.id, &version), bytes)
        .http_metadata(metadata)
        .execute()
        .await?;
    let replaced = store::set_agent_avatar(&app.db, &agent.id, Some(&version)).await?;
    forget(app, &agent.id, replaced).await;
    agent.avatar = Some(version);
    Ok(http::json(&agent.profile(), 200))
}

/// `DELETE /api/agent/me/avatar`: 200 with the profile, without a picture.
pub async fn delete(app: &App, req: &Request) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    let mut agent = signed_in(app, req).await?;
    let replaced = store::set_agent_avatar(&app.db, &agent.id, None).await?;
    forget(app, &agent.id, replaced).await;
    agent.avatar = None;
    Ok(http::json(&agent.profile(), 200))
}

/// Deletes a replaced (or its removed owner's) picture's bytes; a failure leaves an
/// unreferenced object, logged.
pub(super) async fn forget(app: &App, agent_id: &str, replaced: Option<String>) {
    let Some(old) = replaced else { return };
    let deleted = match app.files() {
        Ok(bucket) => bucket.delete(store::avatar_key(agent_id, &old)).await,
        Err(e) => Err(e),
    };
    if let Err(e) = deleted {
        worker::console_warn!("avatar {old} of {agent_id} was not deleted from R2: {e}");
    }
}

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "No such picture.")
}

fn well_formed(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// How long a member's current picture may be cached: a new one shows within this.
const CURRENT_MAX_AGE_S: u32 = 300;

/// `GET /api/avatars/{agent}`: the member's picture as it is now, for whoever knows only their
/// id (the widget's heading): the uploaded one, or their initial (`domain::branding`); 404 for
/// no such member.
pub async fn current(app: &App, agent_id: &str) -> ApiResult<Response> {
    if !well_formed(agent_id) {
        return Err(not_found());
    }
    let agent = store::team::agent(&app.db, agent_id)
        .await?
        .ok_or_else(not_found)?;
    let max_age = format!("public, max-age={CURRENT_MAX_AGE_S}");
    if let Some(version) = &agent.avatar {
        let mut picture = serve(app, agent_id, version).await?;
        picture.headers_mut().set("cache-control", &max_age)?;
        return Ok(picture);
    }
    let headers = http::inert_file_headers("image/svg+xml")?;
    headers.set("cache-control", &max_age)?;
    Ok(Response::ok(initial_avatar(&agent.id, &agent.name))?.with_headers(headers))
}

/// `GET /api/avatars/{agent}/{version}`: the picture, or 404.
pub async fn serve(app: &App, agent_id: &str, version: &str) -> ApiResult<Response> {
    if !well_formed(agent_id) || !well_formed(version) {
        return Err(not_found());
    }
    let object = app
        .files()?
        .get(store::avatar_key(agent_id, version))
        .execute()
        .await?
        .ok_or_else(not_found)?;
    let content_type = object
        .http_metadata()
        .content_type
        .unwrap_or_else(|| "application/octet-stream".into());
    let body = object.body().ok_or_else(not_found)?.response_body()?;
    let headers = http::inert_file_headers(&content_type)?;
    headers.set("cache-control", "public, max-age=31536000, immutable")?;
    Ok(Response::from_body(body)?.with_headers(headers))
}
