//! Inboxes and teams: least privilege for agents.
//!
//! - Any member lists the inboxes they see (`GET /api/agent/inboxes`; admins see all) and every
//!   team (`GET /api/agent/teams`, to read routing rules and pick teammates).
//! - Admins create, change and delete inboxes (`/api/admin/inboxes`) and teams
//!   (`/api/admin/teams`), and say where each channel delivers (`PUT …/sites/{site}/inbox`,
//!   `PUT …/sites/{site}/connections/{id}/inbox`).
//! - A member who sees two inboxes moves a conversation between them
//!   (`PUT /api/agent/conversations/{id}/inbox`).
//!
//! Every change to who sees what tells the hub ([`HubStub::access_changed`]), which reads
//! access again for every open inbox app, so a member who lost an inbox stops getting its rows
//! at once, and one who gained it gets them.

use domain::team::{validate_inbox, validate_team};
use domain::Rejection;
use protocol::api::{ErrorCode, InboxChoice, InboxInput, InboxList, TeamInput, TeamList};
use worker::{Request, Response};

use super::agent::{signed_in, signed_in_admin, signed_in_to};
use crate::config::App;
use crate::contracts::hub::HubStub;
use crate::edge_cache::Entry;
use crate::error::{ApiError, ApiResult};
use crate::store::inboxes::{self as store_inboxes, Deleted, Saved, Table};
use crate::store::{self, AgentRow, Viewer};
use crate::{http, secrets};

fn unknown_inbox() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "No inbox has that id.")
}

fn unknown_team() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "No team has that id.")
}

fn name_taken(what: &str) -> ApiError {
    Rejection::field("name", &format!("is the name of another {what}")).into()
}

/// 422 naming `field[i]` when an id of `ids` names no row of `table`.
pub(super) async fn all_exist(
    app: &App,
    field: &str,
    table: Table,
    ids: &[String],
) -> ApiResult<()> {
    match store_inboxes::first_unknown(&app.db, table, ids).await? {
        Some(i) => {
            Err(Rejection::field(&format!("{field}[{i}]"), "names nothing that exists").into())
        }
        None => Ok(()),
    }
}

/// `inbox`, if it names an inbox; 422 naming `field` otherwise.
pub(super) async fn existing_inbox(app: &App, field: &str, inbox: String) -> ApiResult<String> {
    match store_inboxes::first_unknown(&app.db, Table::Inboxes, std::slice::from_ref(&inbox))
        .await?
    {
        Some(_) => Err(Rejection::field(field, "is not an inbox").into()),
        None => Ok(inbox),
    }
}

/// Checks an inbox as an admin sends it, with every id it names.
async fn valid_inbox(app: &App, input: &InboxInput) -> ApiResult<InboxInput> {
    let input = validate_inbox(input)?;
    all_exist(app, "member_ids", Table::Agents, &input.member_ids).await?;
    all_exist(app, "team_ids", Table::Teams, &input.team_ids).await?;
    Ok(input)
}

/// After a change to who sees what or who answers where: open inbox apps reload, and the
/// widget's availability is computed afresh.
async fn access_changed(app: &App, req: &Request) -> ApiResult<()> {
    HubStub::of(&app.hub)?.access_changed().await?;
    Entry::presence(&http::own_origin(req)?).forget().await;
    Ok(())
}

/// `GET /api/agent/inboxes`.
pub async fn list(app: &App, req: &Request) -> ApiResult<Response> {
    let agent = signed_in(app, req).await?;
    let inboxes = store_inboxes::list(&app.db, &Viewer::of(&agent)).await?;
    Ok(http::json(&InboxList { inboxes }, 200))
}

/// `POST /api/admin/inboxes` → 201 `Inbox`.
pub async fn create(app: &App, mut req: Request) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    signed_in_admin(app, &req).await?;
    let body: InboxInput = http::read_json(&mut req).await?;
    let input = valid_inbox(app, &body).await?;
    let id = secrets::new_id("ib")?;
    match store_inboxes::create(&app.db, &id, &input, store::now()).await? {
        Saved::Done => {}
        Saved::NameTaken | Saved::Unknown => return Err(name_taken("inbox")),
    }
    access_changed(app, &req).await?;
    let inbox = store_inboxes::get(&app.db, &id)
        .await?
        .ok_or_else(unknown_inbox)?;
    Ok(http::json(&inbox, 201))
}

/// `PUT /api/admin/inboxes/{id}` → 200 `Inbox`: its name and who sees it, replaced whole.
pub async fn update(app: &App, mut req: Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    signed_in_admin(app, &req).await?;
    let body: InboxInput = http::read_json(&mut req).await?;
    let input = valid_inbox(app, &body).await?;
    match store_inboxes::update(&app.db, id, &input).await? {
        Saved::Done => {}
        Saved::NameTaken => return Err(name_taken("inbox")),
        Saved::Unknown => return Err(unknown_inbox()),
    }
    access_changed(app, &req).await?;
    let inbox = store_inboxes::get(&app.db, id)
        .await?
        .ok_or_else(unknown_inbox)?;
    Ok(http::json(&inbox, 200))
}

/// `DELETE /api/admin/inboxes/{id}[?move_to=INBOX]` → 204. An inbox that conversations or
/// channels are in needs `move_to`, where they all go; the last inbox is never deleted.
pub async fn delete(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    signed_in_admin(app, req).await?;
    let move_to = match http::query_param(req, "move_to").filter(|m| !m.is_empty()) {
        Some(target) if target == id => {
            return Err(Rejection::field("move_to", "must be another inbox").into())
        }
        Some(target) => Some(existing_inbox(app, "move_to", target).await?),
        None => None,
    };
    match store_inboxes::delete(&app.db, id, move_to.as_deref()).await? {
        Deleted::Done => {}
        Deleted::Unknown => return Err(unknown_inbox()),
        Deleted::Last => {
            return Err(Rejection::field(
                "id",
                "is the only inbox: channels need an inbox to deliver to",
            )
            .into())
        }
        Deleted::InUse {
            conversations,
            channels,
        } => {
            return Err(Rejection::field(
                "move_to",
                &format!(
                    "is needed: {conversations} conversations and {channels} channels are in \
                     this inbox; name the inbox they move to"
                ),
            )
            .into())
        }
    }
    access_changed(app, req).await?;
    Ok(http::no_content())
}

/// `GET /api/agent/teams`.
pub async fn teams(app: &App, req: &Request) -> ApiResult<Response> {
    signed_in(app, req).await?;
    let teams = store_inboxes::teams(&app.db).await?;
    Ok(http::json(&TeamList { teams }, 200))
}

async fn valid_team(app: &App, input: &TeamInput) -> ApiResult<TeamInput> {
    let input = validate_team(input)?;
    all_exist(app, "member_ids", Table::Agents, &input.member_ids).await?;
    Ok(input)
}

/// `POST /api/admin/teams` → 201 `Team`.
pub async fn create_team(app: &App, mut req: Request) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    signed_in_admin(app, &req).await?;
    let body: TeamInput = http::read_json(&mut req).await?;
    let input = valid_team(app, &body).await?;
    let id = secrets::new_id("tm")?;
    match store_inboxes::create_team(&app.db, &id, &input, store::now()).await? {
        Saved::Done => {}
        Saved::NameTaken | Saved::Unknown => return Err(name_taken("team")),
    }
    access_changed(app, &req).await?;
    let team = store_inboxes::team(&app.db, &id)
        .await?
        .ok_or_else(unknown_team)?;
    Ok(http::json(&team, 201))
}

/// `PUT /api/admin/teams/{id}` → 200 `Team`: its name and members, replaced whole.
pub async fn update_team(app: &App, mut req: Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    signed_in_admin(app, &req).await?;
    let body: TeamInput = http::read_json(&mut req).await?;
    let input = valid_team(app, &body).await?;
    match store_inboxes::update_team(&app.db, id, &input).await? {
        Saved::Done => {}
        Saved::NameTaken => return Err(name_taken("team")),
        Saved::Unknown => return Err(unknown_team()),
    }
    access_changed(app, &req).await?;
    let team = store_inboxes::team(&app.db, id)
        .await?
        .ok_or_else(unknown_team)?;
    Ok(http::json(&team, 200))
}

/// `DELETE /api/admin/teams/{id}` → 204; refused while a site's routing rule names the team
/// (change the rule first, so no rule silently loses its members).
pub async fn delete_team(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    signed_in_admin(app, req).await?;
    let naming = store_inboxes::rules_naming_team(&app.db, id).await?;
    if !naming.is_empty() {
        return Err(Rejection::field(
            "id",
            &format!("is a team {} names; change that first", naming.join(", ")),
        )
        .into());
    }
    if !store_inboxes::delete_team(&app.db, id).await? {
        return Err(unknown_team());
    }
    access_changed(app, req).await?;
    Ok(http::no_content())
}

/// `PUT /api/agent/conversations/{id}/inbox` → 200 with the row: the caller must see the
/// conversation and the inbox it goes to. Whoever no longer sees it drops its row at once.
pub async fn move_conversation(app: &App, mut req: Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let agent = signed_in_to(app, &req, id).await?;
    let body: InboxChoice = http::read_json(&mut req).await?;
    let viewer = Viewer::of(&agent);
    let moved =
        store_inboxes::move_conversation(&app.db, id, &body.inbox_id, &viewer, store::now())
            .await?
            .ok_or_else(|| Rejection::field("inbox_id", "is not an inbox you see"))?;
    HubStub::of(&app.hub)?.moved(&moved).await?;
    Ok(http::json(&moved, 200))
}

/// Every inbox, as an admin sees them (the answer to a channel's move).
async fn all_inboxes(app: &App, admin: &AgentRow) -> ApiResult<Response> {
    let inboxes = store_inboxes::list(&app.db, &Viewer::of(admin)).await?;
    Ok(http::json(&InboxList { inboxes }, 200))
}

/// `PUT /api/admin/sites/{site}/inbox` → 200 `InboxList`: where the site's new chats go.
pub async fn set_site_inbox(app: &App, mut req: Request, site_id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let admin = signed_in_admin(app, &req).await?;
    let body: InboxChoice = http::read_json(&mut req).await?;
    let inbox = existing_inbox(app, "inbox_id", body.inbox_id).await?;
    if !store_inboxes::set_site_inbox(&app.db, site_id, &inbox).await? {
        return Err(ApiError::new(ErrorCode::UnknownSite, "No such site."));
    }
    access_changed(app, &req).await?;
    all_inboxes(app, &admin).await
}

/// `PUT /api/admin/sites/{site}/connections/{id}/inbox` → 200 `InboxList`: where the Page's or
/// number's new conversations go.
pub async fn set_connection_inbox(
    app: &App,
    mut req: Request,
    site_id: &str,
    id: &str,
) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let admin = signed_in_admin(app, &req).await?;
    let body: InboxChoice = http::read_json(&mut req).await?;
    let inbox = existing_inbox(app, "inbox_id", body.inbox_id).await?;
    if !store_inboxes::set_connection_inbox(&app.db, site_id, id, &inbox).await? {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            "No such connection on this site.",
        ));
    }
    all_inboxes(app, &admin).await
}
