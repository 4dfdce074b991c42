//! Erasing people (`crate::erasure`): an admin erases a contact, or confirms or declines a
//! visitor's request from the widget; admins see the requests waiting and the erasures done.

use protocol::api::{ErasureList, ErasureRequestList, ErrorCode};
use worker::{Request, Response};

use super::agent::signed_in_admin;
use super::contacts::unknown_contact;
use crate::config::App;
use crate::error::{ApiError, ApiResult};
use crate::store::{self, Viewer};
use crate::{http, secrets};

fn unknown_request() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "No such erasure request waiting.")
}

/// Erases contact `id` for `admin`: 200 `Erasure` when everything went at once, 202 while a
/// part is retried.
async fn erase_for(app: &App, admin: &store::AgentRow, id: &str) -> ApiResult<Response> {
    let found = store::contacts::contact(&app.db, &Viewer::of(admin), id)
        .await?
        .ok_or_else(unknown_contact)?;
    let erasure = crate::erasure::start(app, id, &found.summary.site_id, &admin.id).await?;
    let status = if erasure.completed_at.is_some() {
        200
    } else {
        202
    };
    Ok(http::json(&erasure, status))
}

/// `POST /api/admin/contacts/{id}/erase`. Admins only.
pub async fn erase(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    let admin = signed_in_admin(app, req).await?;
    erase_for(app, &admin, id).await
}

/// `GET /api/admin/erasures` (`?site=`): the latest 100, newest first. Admins only.
pub async fn list(app: &App, req: &Request) -> ApiResult<Response> {
    signed_in_admin(app, req).await?;
    let site = http::query_param(req, "site").filter(|s| !s.is_empty());
    let erasures = store::erasures::list(&app.db, site.as_deref(), 100).await?;
    Ok(http::json(&ErasureList { erasures }, 200))
}

/// `POST /api/widget/conversations/{id}/erasure` (the visitor, checked by the caller): the
/// request reaches the admins → 202 `{}`; asking again changes nothing.
pub async fn request(app: &App, conversation_id: &str) -> ApiResult<Response> {
    let id = secrets::new_id("rq")?;
    if !store::erasure_requests::insert(&app.db, &id, conversation_id, store::now()).await? {
        return Err(ApiError::unknown_conversation());
    }
    Ok(http::json(&serde_json::json!({}), 202))
}

/// `GET /api/admin/erasure-requests`: waiting, oldest first. Admins only.
pub async fn requests(app: &App, req: &Request) -> ApiResult<Response> {
    signed_in_admin(app, req).await?;
    let requests = store::erasure_requests::waiting(&app.db).await?;
    Ok(http::json(&ErasureRequestList { requests }, 200))
}

/// `POST /api/admin/erasure-requests/{id}/confirm`: erases the contact. Admins only.
pub async fn confirm(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    let admin = signed_in_admin(app, req).await?;
    let request = store::erasure_requests::request(&app.db, id)
        .await?
        .ok_or_else(unknown_request)?;
    erase_for(app, &admin, &request.contact_id).await
}

/// `POST /api/admin/erasure-requests/{id}/decline` → 204: the contact stays; the request is
/// kept as declined, by whom and when. Admins only.
pub async fn decline(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    let admin = signed_in_admin(app, req).await?;
    if !store::erasure_requests::decline(&app.db, id, &admin.id, store::now()).await? {
        return Err(unknown_request());
    }
    Ok(http::no_content())
}
