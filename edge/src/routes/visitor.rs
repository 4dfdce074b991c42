//! A chat's visitor as the team knows them (name and e-mail, which agents fill in, beside where
//! and how the chat started), and e-mailing the conversation's transcript (`crate::mail`).

use domain::credentials::{normalise_email, validate_display_name};
use domain::email::transcript::default_subject;
use domain::Rejection;
use protocol::api::{EmailList, ErrorCode, Role, SendTranscript, VisitorDetails};
use protocol::reply::DeliveryList;
use worker::{Request, Response};

use super::agent::signed_in_to;
use crate::config::App;
use crate::error::{ApiError, ApiResult};
use crate::{http, mail, store};

/// Longest subject, in characters.
const SUBJECT_MAX_CHARS: usize = 200;

fn not_a_chat() -> ApiError {
    ApiError::new(
        ErrorCode::UnknownConversation,
        "No such website chat (Messenger and WhatsApp contacts have no visitor details).",
    )
}

/// `GET /api/agent/conversations/{id}/visitor`.
pub async fn details(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    let agent = signed_in_to(app, req, id).await?;
    let details = store::mail::visitor_details(&app.db, id, &store::Viewer::of(&agent))
        .await?
        .ok_or_else(not_a_chat)?;
    Ok(http::json(&details, 200))
}

/// `POST /api/agent/conversations/{id}/contact` → 200 `VisitorDetails`: the chat's visitor
/// becomes a contact; they need a name or an e-mail first (400 `invalid_field` naming them).
pub async fn make_contact(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    let agent = signed_in_to(app, req, id).await?;
    let viewer = store::Viewer::of(&agent);
    let known = store::mail::visitor_details(&app.db, id, &viewer)
        .await?
        .ok_or_else(not_a_chat)?;
    if known.name.is_none() && known.email.is_none() && known.verified_email.is_none() {
        return Err(Rejection::field(
            "name",
            "or an e-mail is needed first: save what you know of the visitor",
        )
        .into());
    }
    store::mail::make_contact(&app.db, id, store::now()).await?;
    let details = store::mail::visitor_details(&app.db, id, &viewer)
        .await?
        .ok_or_else(not_a_chat)?;
    Ok(http::json(&details, 200))
}

/// `PUT /api/agent/conversations/{id}/visitor` with `name` and `email` (blank or absent:
/// unknown) → the details as stored.
pub async fn set_details(app: &App, mut req: Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let agent = signed_in_to(app, &req, id).await?;
    let body: VisitorDetails = http::read_json(&mut req).await?;
    let name = match body.name.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(name) => Some(validate_display_name("name", name)?),
    };
    let email = match body.email.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(email) => Some(normalise_email(email)?),
    };
    if let Some(owner) = &body.owner_id {
        if store::team::agent(&app.db, owner).await?.is_none() {
            return Err(Rejection::field("owner_id", "is not a member of the team").into());
        }
    }
    let owner = body.owner_id.as_deref();
    if !store::mail::set_visitor_details(&app.db, id, name.as_deref(), email.as_deref(), owner)
        .await?
    {
        return Err(not_a_chat());
    }
    // Other agents with it open see the new details.
    super::widget::tell_agents(app, id).await;
    let details = store::mail::visitor_details(&app.db, id, &store::Viewer::of(&agent))
        .await?
        .ok_or_else(not_a_chat)?;
    Ok(http::json(&details, 200))
}

/// `POST /api/agent/conversations/{id}/transcript` → 202 with the queued `EmailRecord`. It goes
/// from the site's own sender, so an agent may send it only to the conversation's known
/// visitor address; admins may send it anywhere.
pub async fn send_transcript(app: &App, mut req: Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let agent = signed_in_to(app, &req, id).await?;
    let body: SendTranscript = http::read_json(&mut req).await?;
    let to = normalise_email(&body.to)
        .map_err(|_| Rejection::field("to", "is not an e-mail address"))?;
    if agent.role != Role::Admin {
        let known = store::mail::reply_target(&app.db, id)
            .await?
            .and_then(|t| t.email)
            .and_then(|e| normalise_email(&e).ok());
        if known.as_deref() != Some(to.as_str()) {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "A transcript goes only to the visitor's own address; an admin can send it \
                 elsewhere.",
            ));
        }
    }
    let site_id = store::conversation_site(&app.db, id)
        .await?
        .ok_or_else(ApiError::unknown_conversation)?;
    let settings = store::chat_settings(&app.db, &site_id)
        .await?
        .ok_or_else(ApiError::unknown_conversation)?;
    let subject = match body.subject.as_deref().map(str::trim) {
        None | Some("") => default_subject(&mail::site_name(&settings)),
        Some(s) if s.chars().count() <= SUBJECT_MAX_CHARS && !s.chars().any(char::is_control) => {
            s.to_owned()
        }
        Some(_) => {
            return Err(Rejection::field(
                "subject",
                &format!("must have at most {SUBJECT_MAX_CHARS} characters and no line breaks"),
            )
            .into())
        }
    };
    let record = mail::queue_transcript(app, id, &to, &subject, Some(&agent.name)).await?;
    Ok(http::json(&record, 202))
}

/// `GET /api/agent/conversations/{id}/emails`.
pub async fn emails(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    signed_in_to(app, req, id).await?;
    let emails = store::mail::emails(&app.db, id).await?;
    Ok(http::json(&EmailList { emails }, 200))
}

/// `GET /api/agent/conversations/{id}/deliveries`: what became of each reply on Messenger or
/// WhatsApp (empty for a website chat).
pub async fn deliveries(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    signed_in_to(app, req, id).await?;
    let deliveries = store::replies::deliveries(&app.db, id).await?;
    Ok(http::json(&DeliveryList { deliveries }, 200))
}
