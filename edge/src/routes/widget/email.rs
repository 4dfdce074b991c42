//! The visitor's e-mail, asked for in the chat (`settings::AskEmailSettings`): the widget reads
//! whether the team has one before it asks, and the address the visitor leaves becomes their
//! contact's, so a reply can reach them after they have left. The agents with the conversation
//! open read the visitor's details again at once (`AgentFrame::VisitorChanged`).

use domain::credentials::normalise_email;
use domain::Rejection;
use protocol::api::VisitorEmail;
use worker::{console_error, Request, Response};

use super::{visitor_conversation, visitor_writing};
use crate::config::App;
use crate::contracts::conversation::{Call, ConversationStub};
use crate::error::{ApiError, ApiResult};
use crate::{http, store};

/// `GET /api/widget/conversations/{id}/email` → [`VisitorEmail`].
pub async fn email(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    visitor_conversation(app, req, id).await?;
    let email = store::mail::reply_target(&app.db, id)
        .await?
        .and_then(|target| target.email);
    Ok(http::json(&VisitorEmail { email }, 200))
}

/// `PUT /api/widget/conversations/{id}/email` with a [`VisitorEmail`] → the address as stored.
pub async fn set_email(app: &App, mut req: Request, id: &str) -> ApiResult<Response> {
    visitor_writing(app, &req, id).await?;
    let body: VisitorEmail = http::read_json(&mut req).await?;
    let email = body
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .ok_or_else(|| Rejection::field("email", "is needed"))?;
    let email = normalise_email(email)?;
    if !store::mail::set_left_email(&app.db, id, &email, store::now()).await? {
        return Err(ApiError::unknown_conversation());
    }
    tell_agents(app, id).await;
    Ok(http::json(&VisitorEmail { email: Some(email) }, 200))
}

/// Tells the agents with conversation `id` open that its visitor's details changed. The change
/// is stored already; a failure here leaves them to see it when they next open it.
pub async fn tell_agents(app: &App, id: &str) {
    let told = match ConversationStub::of(&app.conversations, id) {
        Ok(stub) => stub.tell(&Call::VisitorChanged).await,
        Err(e) => Err(e),
    };
    if let Err(e) = told {
        console_error!(
            "the agents were not told of the visitor's new details: {}",
            e.message
        );
    }
}
