//! The one dispatch from method and path to handler. Every route of the Worker is listed here,
//! so this match is the map of the API (see docs/api.md for bodies).

mod admin;
mod agent;
mod avatars;
mod dead_letters;
mod files;
mod identity;
mod inboxes;
mod mail_webhook;
mod pages;
mod reports;
mod setup;
mod site;
mod snippets;
mod team;
mod templates;
mod visitor;
mod webhooks;
mod widget;

use domain::meta::MetaChannel;
use protocol::api::ErrorCode;
use protocol::ConversationStatus;
use worker::{Env, Method, Request, Response, Result};

use crate::config::App;
use crate::error::{ApiError, ApiResult};

pub async fn handle(req: Request, env: Env) -> Result<Response> {
    let app = App::new(env)?;
    let path = req.path();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let method = req.method();
    let result: ApiResult<Response> = match (method.clone(), segments.as_slice()) {
        (Method::Get, ["api", "sites", site, "widget-config"]) => {
            site::widget_config(&app, &req, site).await
        }

        (Method::Post, ["api", "widget", "conversations"]) => widget::create(&app, req).await,
        (Method::Get, ["api", "widget", "conversations", "current"]) => {
            widget::current(&app, &req).await
        }
        (Method::Get, ["api", "widget", "conversations", id, "messages"]) => {
            widget::history(&app, req, id).await
        }
        (Method::Post, ["api", "widget", "conversations", id, "messages"]) => {
            widget::send(&app, req, id).await
        }
        (Method::Get, ["api", "widget", "conversations", id, "socket"]) => {
            widget::socket(&app, req, id).await
        }
        (Method::Post, ["api", "widget", "uploads"]) => widget::upload(&app, req).await,
        (Method::Post, ["api", "widget", "identify"]) => identity::identify(&app, req).await,
        (Method::Get, ["api", "widget", "conversations", id, "attachments", file]) => {
            widget::attachment(&app, &req, id, file).await
        }

        (Method::Post, ["api", "agent", "session"]) => agent::sign_in(&app, req).await,
        (Method::Delete, ["api", "agent", "session"]) => agent::sign_out(&app, &req).await,
        (Method::Delete, ["api", "agent", "sessions"]) => {
            agent::sign_out_everywhere(&app, &req).await
        }
        (Method::Put, ["api", "agent", "me", "password"]) => {
            agent::change_password(&app, req).await
        }
        (Method::Get, ["api", "agent", "team"]) => team::members(&app, &req).await,
        (Method::Get, ["api", "agent", "me"]) => agent::me(&app, &req).await,
        (Method::Put, ["api", "agent", "me", "status"]) => agent::set_status(&app, req).await,
        (Method::Put, ["api", "agent", "me", "avatar"]) => avatars::put(&app, req).await,
        (Method::Delete, ["api", "agent", "me", "avatar"]) => avatars::delete(&app, &req).await,
        (Method::Get, ["api", "avatars", agent]) => avatars::current(&app, agent).await,
        (Method::Get, ["api", "avatars", agent, version]) => {
            avatars::serve(&app, agent, version).await
        }
        (Method::Get, ["api", "agent", "conversations"]) => agent::list(&app, &req).await,
        (Method::Get, ["api", "agent", "conversations", id, "messages"]) => {
            agent::history(&app, req, id).await
        }
        (Method::Post, ["api", "agent", "conversations", id, "messages"]) => {
            agent::send(&app, req, id).await
        }
        (Method::Post, ["api", "agent", "conversations", id, "close"]) => {
            agent::set_conversation_status(&app, &req, id, ConversationStatus::Closed).await
        }
        (Method::Post, ["api", "agent", "conversations", id, "reopen"]) => {
            agent::set_conversation_status(&app, &req, id, ConversationStatus::Open).await
        }
        (Method::Post, ["api", "agent", "conversations", id, "notes"]) => {
            agent::add_note(&app, req, id).await
        }
        (Method::Get, ["api", "agent", "conversations", id, "notes"]) => {
            agent::notes(&app, &req, id).await
        }
        (Method::Get, ["api", "agent", "conversations", id, "visitor"]) => {
            visitor::details(&app, &req, id).await
        }
        (Method::Put, ["api", "agent", "conversations", id, "visitor"]) => {
            visitor::set_details(&app, req, id).await
        }
        (Method::Post, ["api", "agent", "conversations", id, "contact"]) => {
            visitor::make_contact(&app, &req, id).await
        }
        (Method::Post, ["api", "agent", "conversations", id, "transcript"]) => {
            visitor::send_transcript(&app, req, id).await
        }
        (Method::Get, ["api", "agent", "conversations", id, "emails"]) => {
            visitor::emails(&app, &req, id).await
        }
        (Method::Get, ["api", "agent", "conversations", id, "deliveries"]) => {
            visitor::deliveries(&app, &req, id).await
        }
        (Method::Get, ["api", "agent", "conversations", id, "templates"]) => {
            templates::list(&app, &req, id).await
        }
        (Method::Post, ["api", "agent", "conversations", id, "template"]) => {
            templates::send(&app, req, id).await
        }
        (Method::Get, ["api", "agent", "snippets"]) => snippets::list(&app, &req).await,
        (Method::Post, ["api", "agent", "snippets"]) => snippets::create(&app, req).await,
        (Method::Put, ["api", "agent", "snippets", id]) => snippets::update(&app, req, id).await,
        (Method::Delete, ["api", "agent", "snippets", id]) => {
            snippets::delete(&app, &req, id).await
        }
        (Method::Get, ["api", "agent", "mentions"]) => agent::mentions(&app, &req).await,
        (Method::Post, ["api", "agent", "mentions", "seen"]) => {
            agent::mentions_seen(&app, req).await
        }
        (Method::Put, ["api", "agent", "conversations", id, "assignee"]) => {
            agent::assign(&app, req, id).await
        }
        (Method::Put, ["api", "agent", "conversations", id, "team"]) => {
            agent::assign_team(&app, req, id).await
        }
        (Method::Put, ["api", "agent", "conversations", id, "reply-by"]) => {
            agent::reply_by(&app, req, id).await
        }
        (Method::Get, ["api", "agent", "conversations", id, "socket"]) => {
            agent::socket(&app, req, id).await
        }
        (Method::Post, ["api", "agent", "conversations", id, "uploads"]) => {
            agent::upload(&app, req, id).await
        }
        (Method::Get, ["api", "agent", "conversations", id, "attachments", file]) => {
            agent::attachment(&app, &req, id, file).await
        }
        (Method::Get, ["api", "agent", "inbox", "socket"]) => agent::inbox_socket(&app, req).await,
        (Method::Put, ["api", "agent", "conversations", id, "inbox"]) => {
            inboxes::move_conversation(&app, req, id).await
        }
        (Method::Get, ["api", "agent", "inboxes"]) => inboxes::list(&app, &req).await,
        (Method::Get, ["api", "agent", "teams"]) => inboxes::teams(&app, &req).await,
        (Method::Post, ["api", "admin", "inboxes"]) => inboxes::create(&app, req).await,
        (Method::Put, ["api", "admin", "inboxes", id]) => inboxes::update(&app, req, id).await,
        (Method::Delete, ["api", "admin", "inboxes", id]) => inboxes::delete(&app, &req, id).await,
        (Method::Post, ["api", "admin", "teams"]) => inboxes::create_team(&app, req).await,
        (Method::Put, ["api", "admin", "teams", id]) => inboxes::update_team(&app, req, id).await,
        (Method::Delete, ["api", "admin", "teams", id]) => {
            inboxes::delete_team(&app, &req, id).await
        }
        (Method::Put, ["api", "admin", "sites", site, "inbox"]) => {
            inboxes::set_site_inbox(&app, req, site).await
        }
        (Method::Put, ["api", "admin", "sites", site, "connections", id, "token"]) => {
            admin::replace_token(&app, req, site, id).await
        }
        (Method::Put, ["api", "admin", "sites", site, "connections", id, "flow"]) => {
            admin::set_flow(&app, req, site, id).await
        }
        (Method::Put, ["api", "admin", "sites", site, "connections", id, "inbox"]) => {
            inboxes::set_connection_inbox(&app, req, site, id).await
        }

        (Method::Get, ["api", "admin", "sites", site, "settings"]) => {
            admin::settings(&app, &req, site).await
        }
        (Method::Put, ["api", "admin", "sites", site, "settings"]) => {
            admin::put_settings(&app, req, site).await
        }

        (Method::Get, ["api", "admin", "sites", site, "identity"]) => {
            identity::secret(&app, &req, site).await
        }
        (Method::Post, ["api", "admin", "sites", site, "identity", "secret"]) => {
            identity::rotate(&app, &req, site).await
        }

        (Method::Get, ["api", "admin", "sites", site, "connections"]) => {
            admin::connections(&app, &req, site).await
        }
        (Method::Post, ["api", "admin", "sites", site, "connections"]) => {
            admin::connect(&app, req, site).await
        }
        (Method::Delete, ["api", "admin", "sites", site, "connections", id]) => {
            admin::disconnect(&app, &req, site, id).await
        }

        (Method::Post, ["api", "admin", "housekeeping"]) => admin::housekeeping(&app, &req).await,
        (Method::Get, ["api", "admin", "dead-letters"]) => dead_letters::list(&app, &req).await,
        (Method::Post, ["api", "admin", "dead-letters", id, "retry"]) => {
            dead_letters::retry(&app, &req, id).await
        }
        (Method::Get, ["api", "admin", "reports"]) => reports::report(&app, &req).await,

        (Method::Get, ["api", "admin", "invitations"]) => team::invitations(&app, &req).await,
        (Method::Post, ["api", "admin", "invitations"]) => team::invite(&app, req).await,
        (Method::Delete, ["api", "admin", "invitations", id]) => {
            team::withdraw(&app, &req, id).await
        }
        (Method::Put, ["api", "admin", "agents", id, "role"]) => {
            team::set_role(&app, req, id).await
        }
        (Method::Put, ["api", "admin", "agents", id, "chat-limit"]) => {
            team::set_chat_limit(&app, req, id).await
        }
        (Method::Delete, ["api", "admin", "agents", id]) => team::remove(&app, &req, id).await,
        (Method::Get, ["api", "invitations", "current"]) => team::preview(&app, &req).await,
        (Method::Post, ["api", "invitations", "accept"]) => team::accept(&app, req).await,

        (Method::Post, ["api", "setup"]) => setup::run(&app, req).await,

        (Method::Get, ["webhooks", "messenger" | "whatsapp"]) => webhooks::verify(&app, &req).await,
        (Method::Post, ["webhooks", "email"]) => mail_webhook::receive(&app, req).await,
        (Method::Post, ["webhooks", "messenger"]) => {
            webhooks::receive(&app, req, MetaChannel::Messenger).await
        }
        (Method::Post, ["webhooks", "whatsapp"]) => {
            webhooks::receive(&app, req, MetaChannel::WhatsApp).await
        }

        (Method::Get, ["files", conversation, file]) => {
            files::serve_linked(&app, &req, conversation, file).await
        }
        (Method::Get, ["widget", "frame"]) => pages::frame(&app, &req).await,

        (Method::Get, ["inbox"]) => Ok(pages::inbox()),
        (Method::Get, [""]) => Ok(pages::home(&req)),
        (Method::Get, ["favicon.ico" | "favicon.svg"]) => Ok(pages::icon()),

        (_, ["api", ..]) if known_api_path(&segments) => Err(ApiError::new(
            ErrorCode::MethodNotAllowed,
            format!("{method:?} is not allowed on {path}."),
        )),
        _ => Err(ApiError::new(
            ErrorCode::NotFound,
            format!("Nothing at {path}."),
        )),
    };
    Ok(result.unwrap_or_else(ApiError::into_response))
}

/// Whether some method serves this API path (so a wrong method gets 405, not 404).
fn known_api_path(segments: &[&str]) -> bool {
    matches!(
        segments,
        ["api", "sites", _, "widget-config"]
            | [
                "api",
                "widget",
                "conversations" | "uploads" | "identify",
                ..
            ]
            | [
                "api",
                "agent",
                "session"
                    | "sessions"
                    | "me"
                    | "conversations"
                    | "team"
                    | "mentions"
                    | "snippets"
                    | "inboxes"
                    | "teams",
                ..
            ]
            | ["api", "avatars", _]
            | ["api", "avatars", _, _]
            | ["api", "agent", "inbox", "socket"]
            | [
                "api",
                "admin",
                "sites",
                _,
                "settings" | "connections" | "identity" | "inbox",
                ..
            ]
            | [
                "api",
                "admin",
                "housekeeping"
                    | "invitations"
                    | "agents"
                    | "reports"
                    | "inboxes"
                    | "teams"
                    | "dead-letters",
                ..
            ]
            | ["api", "invitations", "current" | "accept"]
            | ["api", "setup"]
    )
}
