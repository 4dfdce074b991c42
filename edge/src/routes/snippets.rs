//! The team's snippets: saved replies any member writes and inserts; only their author or an
//! admin changes or deletes one (least privilege: a member's wording is theirs).

use domain::credentials::validate_display_name;
use domain::message::validate_send;
use protocol::api::{ErrorCode, NewSnippet, Role, SendMessage, Snippet, SnippetList};
use worker::{Request, Response};

use super::agent::signed_in;
use crate::config::App;
use crate::error::{ApiError, ApiResult};
use crate::store::{self, AgentRow};
use crate::{http, secrets};

fn unknown() -> ApiError {
    ApiError::new(ErrorCode::UnknownSnippet, "No such snippet.")
}

/// A snippet's name and body, checked like a display name and a message.
fn validate(new: &NewSnippet) -> ApiResult<(String, String)> {
    let name = validate_display_name("name", &new.name)?;
    let body = validate_send(&SendMessage {
        client_id: "snippet".into(),
        body: new.body.clone(),
        attachment: None,
    })?
    .body;
    Ok((name, body))
}

/// 403 unless `agent` wrote snippet `id` or is an admin; 404 when there is none.
async fn may_change(app: &App, agent: &AgentRow, id: &str) -> ApiResult<()> {
    let author = store::snippets::author(&app.db, id)
        .await?
        .ok_or_else(unknown)?;
    if agent.role == Role::Admin || author.as_deref() == Some(agent.id.as_str()) {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::Forbidden,
            "Only its author or an admin can change a snippet.",
        ))
    }
}

/// `GET /api/agent/snippets`.
pub async fn list(app: &App, req: &Request) -> ApiResult<Response> {
    signed_in(app, req).await?;
    let snippets = store::snippets::all(&app.db).await?;
    Ok(http::json(&SnippetList { snippets }, 200))
}

/// `POST /api/agent/snippets` → 201 `Snippet`.
pub async fn create(app: &App, mut req: Request) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let agent = signed_in(app, &req).await?;
    let new: NewSnippet = http::read_json(&mut req).await?;
    let (name, body) = validate(&new)?;
    let now = store::now();
    let snippet = Snippet {
        id: secrets::new_id("sn")?,
        name,
        body,
        created_by: Some(agent.id),
        updated_at: now,
    };
    store::snippets::insert(&app.db, &snippet, now).await?;
    Ok(http::json(&snippet, 201))
}

/// `PUT /api/agent/snippets/{id}` → 200 `Snippet`.
pub async fn update(app: &App, mut req: Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let agent = signed_in(app, &req).await?;
    let new: NewSnippet = http::read_json(&mut req).await?;
    let (name, body) = validate(&new)?;
    may_change(app, &agent, id).await?;
    let snippet = store::snippets::update(&app.db, id, &name, &body, store::now())
        .await?
        .ok_or_else(unknown)?;
    Ok(http::json(&snippet, 200))
}

/// `DELETE /api/agent/snippets/{id}` → 204.
pub async fn delete(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    let agent = signed_in(app, req).await?;
    may_change(app, &agent, id).await?;
    if store::snippets::delete(&app.db, id).await? {
        Ok(http::no_content())
    } else {
        Err(unknown())
    }
}
