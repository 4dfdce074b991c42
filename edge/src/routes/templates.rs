//! WhatsApp templates for a conversation whose 24-hour window has closed:
//! - `GET /api/agent/conversations/{id}/templates`: the business account's approved templates an
//!   agent can fill in, read from the Graph API each time (so the list is Meta's, current).
//! - `POST /api/agent/conversations/{id}/template` with `SendTemplate`: checked against that
//!   list (the body's values, a text header's value or a media header's file, the buttons'
//!   values), stored in the thread as the customer reads it (with the header's file), and sent
//!   through the REPLIES queue like any reply.

use domain::meta::templates::{check_extras, check_values, render_message, sendable_templates};
use protocol::api::{ErrorCode, TokenState};
use protocol::reply::{SendTemplate, TemplateList, WhatsAppTemplate};
use worker::{Request, Response};

use super::agent::{participant, signed_in_to};
use crate::config::App;
use crate::contracts::conversation::{Call, ConversationStub, TemplateToStore};
use crate::error::{ApiError, ApiResult};
use crate::graph::{Graph, GraphError};
use crate::{http, store};

/// `GET /api/agent/conversations/{id}/templates`.
pub async fn list(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    signed_in_to(app, req, id).await?;
    let templates = fetch(app, id).await?;
    Ok(http::json(&TemplateList { templates }, 200))
}

/// `POST /api/agent/conversations/{id}/template`.
pub async fn send(app: &App, mut req: Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let agent = signed_in_to(app, &req, id).await?;
    let body: SendTemplate = http::read_json(&mut req).await?;
    domain::message::validate_client_id(&body.client_id)?;
    let templates = fetch(app, id).await?;
    let template = templates
        .iter()
        .find(|t| t.name == body.name && t.language == body.language)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::UnknownTemplate,
                "The business account has no such approved template.",
            )
        })?;
    let values = check_values(template, &body.params)?;
    let extras = check_extras(
        template,
        body.header_param.as_deref(),
        body.header_file_id.is_some(),
        &body.button_params,
    )?;
    let store = TemplateToStore {
        client_id: body.client_id,
        body: render_message(template, &values, &extras),
        template: template.clone(),
        values,
        extras,
        header_file_id: body.header_file_id,
    };
    let origin = http::own_origin(&req)?;
    let call = Call::Template {
        who: participant(&agent),
        origin,
        template: store,
    };
    ConversationStub::of(&app.conversations, id)?
        .call(&call)
        .await
}

/// The conversation's WhatsApp account's sendable templates, asked of Meta now.
async fn fetch(app: &App, conversation_id: &str) -> ApiResult<Vec<WhatsAppTemplate>> {
    let Some(account) = store::replies::whatsapp_account(&app.db, conversation_id).await? else {
        return Err(ApiError::new(
            ErrorCode::NotOnThisChannel,
            "Templates are WhatsApp's: this conversation is not on WhatsApp.",
        ));
    };
    let graph = match account.token_state {
        TokenState::Expired => None,
        TokenState::Valid => Graph::connect(app, &account.connection_id, &account.token_sealed),
    };
    let unavailable = |why: String| ApiError::new(ErrorCode::MetaUnavailable, why);
    let Some(graph) = graph else {
        return Err(unavailable(
            "Meta no longer accepts this number's access token: an admin must reconnect it.".into(),
        ));
    };
    let path = format!(
        "{}/message_templates?fields=name,language,status,category,components,parameter_format&limit=200",
        account.business_account_id
    );
    match graph.get(&path).await.result() {
        Ok(text) => sendable_templates(text)
            .ok_or_else(|| unavailable("Meta's answer was not a list of templates.".into())),
        Err(GraphError::TokenInvalid(reason)) => {
            store::replies::flag_token_expired(&app.db, &account.connection_id).await?;
            Err(unavailable(reason))
        }
        Err(e) if e.retryable() => Err(unavailable(format!(
            "{} Please try again shortly.",
            e.into_reason()
        ))),
        Err(e) => Err(unavailable(e.into_reason())),
    }
}
