//! The one dispatch from a request to its handler. The routes themselves (method, path, the
//! values in it) are defined once in `protocol::routes`, which the inbox, the widget and the
//! tests build their URLs with; this exhaustive `match` gives each its handler, so a route
//! cannot be added without one (see docs/api.md for bodies).

mod admin;
pub(crate) mod agent;
mod avatars;
pub(crate) mod chatflows;
mod contacts;
mod dead_letters;
mod erasures;
mod files;
mod identity;
mod inboxes;
mod mail_webhook;
mod merges;
mod pages;
mod reports;
mod setup;
pub(crate) mod site;
mod snippets;
mod team;
mod templates;
mod visitor;
mod webhooks;
mod widget;

use domain::meta::MetaChannel;
use protocol::api::ErrorCode;
use protocol::routes::{self, Route, Unrouted};
use protocol::ConversationStatus;
use worker::{Env, Method, Request, Response, Result};

use crate::config::App;
use crate::error::{ApiError, ApiResult};
use crate::site_secrets::{self, Purpose};

pub async fn handle(req: Request, env: Env) -> Result<Response> {
    let app = App::new(env)?;
    let path = req.path();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let method = req.method();
    let route = match Route::parse(route_method(&method), &segments) {
        Ok(route) => route,
        Err(Unrouted::MethodNotAllowed) => {
            return Ok(ApiError::new(
                ErrorCode::MethodNotAllowed,
                format!("{method:?} is not allowed on {path}."),
            )
            .into_response())
        }
        Err(Unrouted::NotFound) => {
            return Ok(
                ApiError::new(ErrorCode::NotFound, format!("Nothing at {path}.")).into_response(),
            )
        }
    };
    let result: ApiResult<Response> = match route {
        Route::WidgetConfig(routes::WidgetConfig { site, .. }) => {
            site::widget_config(&app, &req, site).await
        }

        Route::WidgetStart(_) => widget::create(&app, req).await,
        Route::WidgetCurrent(_) => widget::current(&app, &req).await,
        Route::WidgetHistory(routes::WidgetHistory { id, .. }) => {
            widget::history(&app, req, id).await
        }
        Route::WidgetEmail(routes::WidgetEmail { id, .. }) => widget::email(&app, &req, id).await,
        Route::SetWidgetEmail(routes::SetWidgetEmail { id, .. }) => {
            widget::set_email(&app, req, id).await
        }
        Route::WidgetSend(routes::WidgetSend { id, .. }) => widget::send(&app, req, id).await,
        Route::WidgetExport(routes::WidgetExport { id, .. }) => {
            widget::export(&app, &req, id).await
        }
        Route::WidgetErasure(routes::WidgetErasure { id, .. }) => {
            widget::request_erasure(&app, &req, id).await
        }
        Route::WidgetSocket(routes::WidgetSocket { id, .. }) => widget::socket(&app, req, id).await,
        Route::WidgetUpload(_) => widget::upload(&app, req).await,
        Route::WidgetIdentify(_) => identity::identify(&app, req).await,
        Route::WidgetAttachment(routes::WidgetAttachment { id, file, .. }) => {
            widget::attachment(&app, &req, id, file).await
        }

        Route::SignIn(_) => agent::sign_in(&app, req).await,
        Route::SignOut(_) => agent::sign_out(&app, &req).await,
        Route::SignOutEverywhere(_) => agent::sign_out_everywhere(&app, &req).await,
        Route::ChangePassword(_) => agent::change_password(&app, req).await,
        Route::TeamMembers(_) => team::members(&app, &req).await,
        Route::Me(_) => agent::me(&app, &req).await,
        Route::SetStatus(_) => agent::set_status(&app, req).await,
        Route::PutAvatar(_) => avatars::put(&app, req).await,
        Route::DeleteAvatar(_) => avatars::delete(&app, &req).await,
        Route::CurrentAvatar(routes::CurrentAvatar { agent, .. }) => {
            avatars::current(&app, agent).await
        }
        Route::Avatar(routes::Avatar { agent, version, .. }) => {
            avatars::serve(&app, agent, version).await
        }
        Route::Conversations(_) => agent::list(&app, &req).await,
        Route::AgentHistory(routes::AgentHistory { id, .. }) => agent::history(&app, req, id).await,
        Route::AgentSend(routes::AgentSend { id, .. }) => agent::send(&app, req, id).await,
        Route::Close(routes::Close { id, .. }) => {
            agent::set_conversation_status(&app, &req, id, ConversationStatus::Closed).await
        }
        Route::Reopen(routes::Reopen { id, .. }) => {
            agent::set_conversation_status(&app, &req, id, ConversationStatus::Open).await
        }
        Route::AddNote(routes::AddNote { id, .. }) => agent::add_note(&app, req, id).await,
        Route::Notes(routes::Notes { id, .. }) => agent::notes(&app, &req, id).await,
        Route::Contacts(_) => contacts::list(&app, &req).await,
        Route::Contact(routes::Contact { id, .. }) => contacts::page(&app, &req, id).await,
        Route::EditContact(routes::EditContact { id, .. }) => contacts::edit(&app, req, id).await,
        Route::MergeContact(routes::MergeContact { id, .. }) => merges::merge(&app, req, id).await,
        Route::UndoMerge(routes::UndoMerge { id, .. }) => merges::undo(&app, &req, id).await,
        Route::ExportContact(routes::ExportContact { id, .. }) => {
            contacts::export(&app, &req, id).await
        }
        Route::EraseContact(routes::EraseContact { id, .. }) => {
            erasures::erase(&app, &req, id).await
        }
        Route::Erasures(_) => erasures::list(&app, &req).await,
        Route::ErasureRequests(_) => erasures::requests(&app, &req).await,
        Route::ConfirmErasure(routes::ConfirmErasure { id, .. }) => {
            erasures::confirm(&app, &req, id).await
        }
        Route::DeclineErasure(routes::DeclineErasure { id, .. }) => {
            erasures::decline(&app, &req, id).await
        }
        Route::VisitorDetails(routes::VisitorDetails { id, .. }) => {
            visitor::details(&app, &req, id).await
        }
        Route::SetVisitorDetails(routes::SetVisitorDetails { id, .. }) => {
            visitor::set_details(&app, req, id).await
        }
        Route::MakeContact(routes::MakeContact { id, .. }) => {
            visitor::make_contact(&app, &req, id).await
        }
        Route::SendTranscript(routes::SendTranscript { id, .. }) => {
            visitor::send_transcript(&app, req, id).await
        }
        Route::Emails(routes::Emails { id, .. }) => visitor::emails(&app, &req, id).await,
        Route::Deliveries(routes::Deliveries { id, .. }) => {
            visitor::deliveries(&app, &req, id).await
        }
        Route::Templates(routes::Templates { id, .. }) => templates::list(&app, &req, id).await,
        Route::SendTemplate(routes::SendTemplate { id, .. }) => {
            templates::send(&app, req, id).await
        }
        Route::Snippets(_) => snippets::list(&app, &req).await,
        Route::CreateSnippet(_) => snippets::create(&app, req).await,
        Route::UpdateSnippet(routes::UpdateSnippet { id, .. }) => {
            snippets::update(&app, req, id).await
        }
        Route::DeleteSnippet(routes::DeleteSnippet { id, .. }) => {
            snippets::delete(&app, &req, id).await
        }
        Route::Mentions(_) => agent::mentions(&app, &req).await,
        Route::MentionsSeen(_) => agent::mentions_seen(&app, req).await,
        Route::Assign(routes::Assign { id, .. }) => agent::assign(&app, req, id).await,
        Route::AssignTeam(routes::AssignTeam { id, .. }) => agent::assign_team(&app, req, id).await,
        Route::ReplyBy(routes::ReplyBy { id, .. }) => agent::reply_by(&app, req, id).await,
        Route::AgentSocket(routes::AgentSocket { id, .. }) => agent::socket(&app, req, id).await,
        Route::AgentUpload(routes::AgentUpload { id, .. }) => agent::upload(&app, req, id).await,
        Route::AgentAttachment(routes::AgentAttachment { id, file, .. }) => {
            agent::attachment(&app, &req, id, file).await
        }
        Route::ListSocket(_) => agent::list_socket(&app, req).await,
        Route::MoveConversation(routes::MoveConversation { id, .. }) => {
            inboxes::move_conversation(&app, req, id).await
        }
        Route::Inboxes(_) => inboxes::list(&app, &req).await,
        Route::Teams(_) => inboxes::teams(&app, &req).await,
        Route::CreateInbox(_) => inboxes::create(&app, req).await,
        Route::UpdateInbox(routes::UpdateInbox { id, .. }) => inboxes::update(&app, req, id).await,
        Route::DeleteInbox(routes::DeleteInbox { id, .. }) => inboxes::delete(&app, &req, id).await,
        Route::CreateTeam(_) => inboxes::create_team(&app, req).await,
        Route::UpdateTeam(routes::UpdateTeam { id, .. }) => {
            inboxes::update_team(&app, req, id).await
        }
        Route::DeleteTeam(routes::DeleteTeam { id, .. }) => {
            inboxes::delete_team(&app, &req, id).await
        }
        Route::SetSiteInbox(routes::SetSiteInbox { site, .. }) => {
            inboxes::set_site_inbox(&app, req, site).await
        }
        Route::ReplaceToken(routes::ReplaceToken { site, id, .. }) => {
            admin::replace_token(&app, req, site, id).await
        }
        Route::SetFlow(routes::SetFlow { site, id, .. }) => {
            admin::set_flow(&app, req, site, id).await
        }
        Route::SetConnectionInbox(routes::SetConnectionInbox { site, id, .. }) => {
            inboxes::set_connection_inbox(&app, req, site, id).await
        }

        Route::Chatflows(routes::Chatflows { site, .. }) => chatflows::list(&app, &req, site).await,
        Route::CreateChatflow(routes::CreateChatflow { site, .. }) => {
            chatflows::create(&app, req, site).await
        }
        Route::Chatflow(routes::Chatflow { id, .. }) => chatflows::get(&app, &req, id).await,
        Route::SaveChatflow(routes::SaveChatflow { id, .. }) => {
            chatflows::save(&app, req, id).await
        }
        Route::DeleteChatflow(routes::DeleteChatflow { id, .. }) => {
            chatflows::delete(&app, &req, id).await
        }
        Route::PublishChatflow(routes::PublishChatflow { id, .. }) => {
            chatflows::publish(&app, &req, id).await
        }
        Route::ChatflowVersions(routes::ChatflowVersions { id, .. }) => {
            chatflows::versions(&app, &req, id).await
        }
        Route::ChatflowReport(routes::ChatflowReport { id, .. }) => {
            chatflows::report(&app, &req, id).await
        }
        Route::RollBackChatflow(routes::RollBackChatflow { id, .. }) => {
            chatflows::roll_back(&app, req, id).await
        }
        Route::Settings(routes::Settings { site, .. }) => admin::settings(&app, &req, site).await,
        Route::ContactProperties(routes::ContactProperties { site, .. }) => {
            contacts::properties(&app, &req, site).await
        }
        Route::CreateContactProperty(routes::CreateContactProperty { site, .. }) => {
            contacts::create_property(&app, req, site).await
        }
        Route::UpdateContactProperty(routes::UpdateContactProperty { site, key, .. }) => {
            contacts::update_property(&app, req, site, key).await
        }
        Route::DeleteContactProperty(routes::DeleteContactProperty { site, key, .. }) => {
            contacts::delete_property(&app, &req, site, key).await
        }
        Route::PutSettings(routes::PutSettings { site, .. }) => {
            admin::put_settings(&app, req, site).await
        }

        Route::IdentitySecret(routes::IdentitySecret { site, .. }) => {
            site_secrets::show(&app, &req, site, Purpose::Identity).await
        }
        Route::RotateIdentitySecret(routes::RotateIdentitySecret { site, .. }) => {
            site_secrets::rotate(&app, &req, site, Purpose::Identity).await
        }
        Route::WebhookSecret(routes::WebhookSecret { site, .. }) => {
            site_secrets::show(&app, &req, site, Purpose::Webhooks).await
        }
        Route::RotateWebhookSecret(routes::RotateWebhookSecret { site, .. }) => {
            site_secrets::rotate(&app, &req, site, Purpose::Webhooks).await
        }

        Route::Connections(routes::Connections { site, .. }) => {
            admin::connections(&app, &req, site).await
        }
        Route::Connect(routes::Connect { site, .. }) => admin::connect(&app, req, site).await,
        Route::Disconnect(routes::Disconnect { site, id, .. }) => {
            admin::disconnect(&app, &req, site, id).await
        }

        Route::Housekeeping(_) => admin::housekeeping(&app, &req).await,
        Route::DeadLetters(_) => dead_letters::list(&app, &req).await,
        Route::RetryDeadLetter(routes::RetryDeadLetter { id, .. }) => {
            dead_letters::retry(&app, &req, id).await
        }
        Route::Reports(_) => reports::report(&app, &req).await,

        Route::Invitations(_) => team::invitations(&app, &req).await,
        Route::Invite(_) => team::invite(&app, req).await,
        Route::WithdrawInvitation(routes::WithdrawInvitation { id, .. }) => {
            team::withdraw(&app, &req, id).await
        }
        Route::SetRole(routes::SetRole { id, .. }) => team::set_role(&app, req, id).await,
        Route::SetChatLimit(routes::SetChatLimit { id, .. }) => {
            team::set_chat_limit(&app, req, id).await
        }
        Route::RemoveAgent(routes::RemoveAgent { id, .. }) => team::remove(&app, &req, id).await,
        Route::CurrentInvitation(_) => team::preview(&app, &req).await,
        Route::AcceptInvitation(_) => team::accept(&app, req).await,

        Route::Setup(_) => setup::run(&app, req).await,

        Route::VerifyMessenger(_) | Route::VerifyWhatsApp(_) => webhooks::verify(&app, &req).await,
        Route::MailWebhook(_) => mail_webhook::receive(&app, req).await,
        Route::MessengerWebhook(_) => webhooks::receive(&app, req, MetaChannel::Messenger).await,
        Route::WhatsAppWebhook(_) => webhooks::receive(&app, req, MetaChannel::WhatsApp).await,

        Route::LinkedFile(routes::LinkedFile {
            conversation, file, ..
        }) => files::serve_linked(&app, &req, conversation, file).await,
        Route::Frame(_) => pages::frame(&app, &req).await,

        Route::InboxPage(_) => Ok(pages::inbox()),
        Route::Home(_) => Ok(pages::home(&req)),
        Route::Favicon(_) | Route::FaviconSvg(_) => Ok(pages::icon()),
    };
    Ok(result.unwrap_or_else(ApiError::into_response))
}

/// The route table's name for a request's method; `None` for one no route uses (`OPTIONS`,
/// `HEAD`, …), which then gets a 405 on a known path and a 404 elsewhere.
fn route_method(method: &Method) -> Option<routes::Method> {
    match method {
        Method::Get => Some(routes::Method::Get),
        Method::Post => Some(routes::Method::Post),
        Method::Put => Some(routes::Method::Put),
        Method::Delete => Some(routes::Method::Delete),
        _ => None,
    }
}
