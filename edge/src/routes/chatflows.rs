//! A site's chatflows (admins only): making and editing drafts, publishing a draft as the next
//! version, the versions, and rolling back to any of them (published again as a new version,
//! so the history is never rewritten). A draft is checked for what it is made of when saved; a
//! publish checks the whole flow, its bot's script included, and names every problem
//! (`domain::flows`, `domain::bot::check`).

use domain::bot::Known;
use domain::flows::{self, check_to_publish, validate};
use protocol::api::{ChatflowList, ErrorCode, FlowVersionList, Rollback, WidgetConfig};
use protocol::flows::{Chatflow, FlowVersion, Prompt};
use worker::{Request, Response};

use super::agent::signed_in_admin;
use crate::config::App;
use crate::edge_cache::Entry;
use crate::error::{ApiError, ApiResult};
use crate::store::{self, Viewer};
use crate::{http, secrets};

fn unknown_chatflow() -> ApiError {
    ApiError::new(ErrorCode::UnknownChatflow, "No such chatflow.")
}

/// The ids of the inboxes a flow may feed (every inbox; admins see them all).
async fn inbox_ids(app: &App, viewer: &Viewer<'_>) -> ApiResult<Vec<String>> {
    let inboxes = store::inboxes::list(&app.db, viewer).await?;
    Ok(inboxes.into_iter().map(|i| i.id).collect())
}

async fn site_exists(app: &App, site: &str) -> ApiResult<()> {
    match store::chat_settings(&app.db, site).await? {
        Some(_) => Ok(()),
        None => Err(ApiError::new(ErrorCode::UnknownSite, "No such site.")),
    }
}

/// `GET /api/admin/sites/{site}/chatflows` → `ChatflowList`.
pub async fn list(app: &App, req: &Request, site: &str) -> ApiResult<Response> {
    signed_in_admin(app, req).await?;
    site_exists(app, site).await?;
    let flows = store::chatflows::list(&app.db, site).await?;
    Ok(http::json(&ChatflowList { flows }, 200))
}

/// `POST /api/admin/sites/{site}/chatflows` with a `Chatflow` → 201 `ChatflowEntry`, unpublished.
pub async fn create(app: &App, mut req: Request, site: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let admin = signed_in_admin(app, &req).await?;
    site_exists(app, site).await?;
    let draft: Chatflow = http::read_json(&mut req).await?;
    let inboxes = inbox_ids(app, &Viewer::of(&admin)).await?;
    let draft = validate(&draft, &as_strs(&inboxes))?;
    let id = secrets::new_id("cf")?;
    store::chatflows::create(&app.db, &id, site, &draft, store::now()).await?;
    let made = store::chatflows::flow(&app.db, &id)
        .await?
        .ok_or_else(unknown_chatflow)?;
    Ok(http::json(&made, 201))
}

/// `GET /api/admin/chatflows/{id}` → `ChatflowEntry` (its draft is the flow's JSON export).
pub async fn get(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    signed_in_admin(app, req).await?;
    let flow = store::chatflows::flow(&app.db, id)
        .await?
        .ok_or_else(unknown_chatflow)?;
    Ok(http::json(&flow, 200))
}

/// `PUT /api/admin/chatflows/{id}` with a `Chatflow` → 200 `ChatflowEntry`: the draft changes;
/// what runs does not, until it is published.
pub async fn save(app: &App, mut req: Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let admin = signed_in_admin(app, &req).await?;
    let draft: Chatflow = http::read_json(&mut req).await?;
    let inboxes = inbox_ids(app, &Viewer::of(&admin)).await?;
    let draft = validate(&draft, &as_strs(&inboxes))?;
    if !store::chatflows::save_draft(&app.db, id, &draft, store::now()).await? {
        return Err(unknown_chatflow());
    }
    let flow = store::chatflows::flow(&app.db, id)
        .await?
        .ok_or_else(unknown_chatflow)?;
    Ok(http::json(&flow, 200))
}

/// `DELETE /api/admin/chatflows/{id}` → 204, with its versions.
pub async fn delete(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    signed_in_admin(app, req).await?;
    let flow = store::chatflows::flow(&app.db, id)
        .await?
        .ok_or_else(unknown_chatflow)?;
    if !store::chatflows::delete(&app.db, id).await? {
        return Err(unknown_chatflow());
    }
    changed(req, &flow.site_id).await?;
    Ok(http::no_content())
}

/// `POST /api/admin/chatflows/{id}/publish` → 201 `FlowVersion`: the draft, checked whole, is
/// the next version and runs from now on. 400 `invalid_field` names every problem.
pub async fn publish(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    let admin = signed_in_admin(app, req).await?;
    let flow = store::chatflows::flow(&app.db, id)
        .await?
        .ok_or_else(unknown_chatflow)?;
    publish_flow(app, req, &admin, id, &flow.site_id, &flow.draft).await
}

/// `POST /api/admin/chatflows/{id}/rollback` with a `Rollback` → 201 `FlowVersion`: version
/// `version` is published again as the next one, and becomes the draft.
pub async fn roll_back(app: &App, mut req: Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let admin = signed_in_admin(app, &req).await?;
    let body: Rollback = http::read_json(&mut req).await?;
    let flow = store::chatflows::flow(&app.db, id)
        .await?
        .ok_or_else(unknown_chatflow)?;
    let versions = store::chatflows::versions(&app.db, id).await?;
    let earlier = versions
        .into_iter()
        .find(|v| v.version == body.version)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::UnknownChatflow,
                format!("This chatflow has no version {}.", body.version),
            )
        })?;
    publish_flow(app, &req, &admin, id, &flow.site_id, &earlier.flow).await
}

/// `GET /api/admin/chatflows/{id}/versions` → `FlowVersionList`, newest first.
pub async fn versions(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    signed_in_admin(app, req).await?;
    store::chatflows::flow(&app.db, id)
        .await?
        .ok_or_else(unknown_chatflow)?;
    let versions = store::chatflows::versions(&app.db, id).await?;
    Ok(http::json(&FlowVersionList { versions }, 200))
}

/// `GET /api/admin/chatflows/{id}/report`: what its bot sessions did, per version (admins).
pub async fn report(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    signed_in_admin(app, req).await?;
    store::chatflows::flow(&app.db, id)
        .await?
        .ok_or_else(unknown_chatflow)?;
    let versions = store::chatflows::versions(&app.db, id).await?;
    let counts = store::bots::counts(&app.db, id).await?;
    Ok(http::json(
        &domain::bot::flow_report(&versions, &counts),
        200,
    ))
}

/// Checks `flow` against what the site has now (inboxes, properties, members, teams) and
/// publishes it as flow `id`'s next version, which runs at once.
async fn publish_flow(
    app: &App,
    req: &Request,
    admin: &store::AgentRow,
    id: &str,
    site: &str,
    flow: &Chatflow,
) -> ApiResult<Response> {
    let inboxes = inbox_ids(app, &Viewer::of(admin)).await?;
    let properties = store::properties::properties(&app.db, site).await?;
    let members: Vec<String> = store::team::members(&app.db)
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
    let teams: Vec<String> = store::inboxes::teams(&app.db)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    let (members, teams) = (as_strs(&members), as_strs(&teams));
    let known = Known {
        properties: &properties,
        members: &members,
        // Members' profiles have no meeting link yet: a meeting action cannot be published.
        meeting_links: &[],
        teams: &teams,
    };
    let checked = check_to_publish(flow, &as_strs(&inboxes), known)?;
    let version = store::chatflows::publish(&app.db, id, &checked, &admin.id, store::now()).await?;
    changed(req, site).await?;
    Ok(http::json(&version, 201))
}

/// The chatflow that runs for `visitor` on `page` (a path with its query), with its published
/// version.
pub async fn chosen(
    app: &App,
    origin: &str,
    site: &str,
    page: &str,
    visitor: &flows::Visitor<'_>,
) -> ApiResult<Option<(String, FlowVersion)>> {
    let (running, _) = Entry::flows(origin, site)
        .get_or_load(async { store::chatflows::running(&app.db, site).await.map(Some) })
        .await?;
    let running = running.unwrap_or_default();
    let candidates: Vec<flows::Candidate<'_>> = running
        .iter()
        .map(|(id, v)| flows::Candidate { id, flow: &v.flow })
        .collect();
    let Some(chosen) = flows::choose(&candidates, page, visitor).map(str::to_owned) else {
        return Ok(None);
    };
    Ok(running.into_iter().find(|(id, _)| *id == chosen))
}

/// Applies a chosen flow's display to the widget's `config`: its welcome and its prompt.
pub fn display(flow: &Chatflow, config: &mut WidgetConfig) {
    if !flow.display.welcome.is_empty() {
        config.welcome_message = flow.display.welcome.clone();
    }
    config.prompt_after_ms = match flow.display.prompt {
        Prompt::AfterSeconds { seconds } => Some(seconds.saturating_mul(1000)),
        // Scroll and exit intent need the loader's help, which it does not give yet.
        Prompt::Never | Prompt::AtScroll { .. } | Prompt::ExitIntent => None,
    };
}

/// Forgets the site's running flows in this data centre's cache (they changed).
async fn changed(req: &Request, site: &str) -> ApiResult<()> {
    Entry::flows(&http::own_origin(req)?, site).forget().await;
    Ok(())
}

fn as_strs(ids: &[String]) -> Vec<&str> {
    ids.iter().map(String::as_str).collect()
}
