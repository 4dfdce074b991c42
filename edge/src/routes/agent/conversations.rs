//! The agents' conversations: the inbox list and its search, a conversation's messages and
//! files, closing and reopening it, assigning it to a member or a team, and switching its
//! replies between the chat and e-mail. Each answers only for a conversation in an inbox the
//! agent sees ([`super::signed_in_to`]).

use domain::message::validate_send;
use domain::search::{fts_query, like_pattern, QUERY_MAX_CHARS};
use domain::Rejection;
use protocol::api::{
    AgentStatus, Assign, AssignTeam, ConversationList, ErrorCode, ReplyBy, ReplyChannel,
    SendMessage,
};
use protocol::ConversationStatus;
use worker::{Request, Response};

use super::session::{participant, signed_in, signed_in_to};
use crate::config::App;
use crate::contracts::conversation::{Call, ConversationStub};
use crate::contracts::hub::HubStub;
use crate::edge_cache::Entry;
use crate::error::{ApiError, ApiResult};
use crate::routes::files::{self, Uploader};
use crate::store::inboxes::TeamAssigned;
use crate::{http, store};

/// `GET /api/agent/conversations`, or with `?q=` the conversations whose messages contain every
/// word (the last may be a word's start), or whose visitor's name or e-mail, or Meta contact's
/// name, contains the text (`domain::search`); only in the inboxes the agent sees, and with
/// `?inbox=` only in that one.
pub async fn list(app: &App, req: &Request) -> ApiResult<Response> {
    let agent = signed_in(app, req).await?;
    let viewer = store::Viewer::of(&agent);
    let inbox = http::query_param(req, "inbox").filter(|i| !i.is_empty());
    let inbox = inbox.as_deref();
    let query = http::query_param(req, "q").filter(|q| !q.trim().is_empty());
    let conversations = match query {
        None => store::list_conversations(&app.db, &viewer, inbox, 200).await?,
        Some(q) if q.chars().count() > QUERY_MAX_CHARS => {
            return Err(Rejection::field(
                "q",
                &format!("must have at most {QUERY_MAX_CHARS} characters"),
            )
            .into())
        }
        Some(q) => {
            store::search_conversations(
                &app.db,
                &viewer,
                inbox,
                fts_query(&q).as_deref(),
                &like_pattern(&q),
                50,
            )
            .await?
        }
    };
    Ok(http::json(&ConversationList { conversations }, 200))
}

pub async fn history(app: &App, req: Request, id: &str) -> ApiResult<Response> {
    let after = http::after_param(&req)?;
    signed_in_to(app, &req, id).await?;
    ConversationStub::of(&app.conversations, id)?
        .call(&Call::History { after })
        .await
}

pub async fn send(app: &App, mut req: Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let agent = signed_in_to(app, &req, id).await?;
    let body: SendMessage = http::read_json(&mut req).await?;
    let body = validate_send(&body)?;
    let send = Call::Send {
        who: participant(&agent),
        origin: Some(http::own_origin(&req)?),
        send: body,
    };
    ConversationStub::of(&app.conversations, id)?
        .call(&send)
        .await
}

/// `POST /api/agent/conversations/{id}/close` and `/reopen`.
pub async fn set_conversation_status(
    app: &App,
    req: &Request,
    id: &str,
    status: ConversationStatus,
) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    signed_in_to(app, req, id).await?;
    let response = ConversationStub::of(&app.conversations, id)?
        .call(&Call::Status { status })
        .await?;
    // An assignee's count of open conversations changed: capacity may have.
    Entry::presence(&http::own_origin(req)?).forget().await;
    Ok(response)
}

/// `PUT /api/agent/conversations/{id}/assignee` → 200 with the row: any member who sees the
/// conversation may assign it to any member who sees it too (or unassign it); the change is
/// pushed to everyone who sees its inbox. A member given it while away (their toggle on away,
/// or no inbox open) is told by e-mail.
pub async fn assign(app: &App, mut req: Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let me = signed_in_to(app, &req, id).await?;
    let body: Assign = http::read_json(&mut req).await?;
    let Some(summary) = store::assign(&app.db, id, body.agent_id.as_deref()).await? else {
        return Err(match &body.agent_id {
            Some(agent) if store::team::agent(&app.db, agent).await?.is_some() => {
                Rejection::field("agent_id", "names a member who does not see this inbox").into()
            }
            _ => ApiError::new(
                ErrorCode::UnknownAgent,
                "No member of the team has that id.",
            ),
        });
    };
    let summary = if summary.assignee_id.is_some() && summary.bot_active {
        // A member has it now: the chatflow bot running in it goes silent, and the row says so.
        ConversationStub::of(&app.conversations, id)?
            .tell(&Call::Assigned)
            .await?;
        store::bots::summary(&app.db, id).await?.unwrap_or(summary)
    } else {
        summary
    };
    HubStub::of(&app.hub)?.notify(&summary).await?;
    let origin = http::own_origin(&req)?;
    Entry::presence(&origin).forget().await;
    if let Some(to) = summary.assignee_id.as_deref().filter(|to| *to != me.id) {
        if let Some(agent) = store::team::agent(&app.db, to).await? {
            let present = HubStub::of(&app.hub)?.presence().await?;
            if agent.status == AgentStatus::Away || !present.contains(&agent.id) {
                crate::mail::notify_assignment(app, id, &agent, Some(&me.name), Some(&origin))
                    .await;
            }
        }
    }
    Ok(http::json(&summary, 200))
}

/// `PUT /api/agent/conversations/{id}/reply-by` → 200 `ReplyBy`: a website chat's replies go
/// by e-mail from now on (the visitor left, and the team knows their address), or back to the
/// chat. E-mail is refused, changing nothing, without the visitor's address (400 naming
/// `channel`), the site's sender address or the deployment's inbound domain (`not_configured`);
/// a Messenger or WhatsApp conversation has its own channel (`not_on_this_channel`).
pub async fn reply_by(app: &App, mut req: Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    signed_in_to(app, &req, id).await?;
    let body: ReplyBy = http::read_json(&mut req).await?;
    match body.channel {
        ReplyChannel::Email => {
            crate::mail::reply_sender(app, id).await?;
        }
        ReplyChannel::Chat => {
            if store::mail::reply_target(&app.db, id).await?.is_none() {
                return Err(ApiError::new(
                    ErrorCode::NotOnThisChannel,
                    "Only a website chat switches between the chat and e-mail.",
                ));
            }
        }
    }
    ConversationStub::of(&app.conversations, id)?
        .call(&Call::ReplyBy(body))
        .await
}

/// `PUT /api/agent/conversations/{id}/team` → 200 with the row: any member who sees the
/// conversation may give it to a team that sees its inbox, or take it from its team (`null`).
/// Its member lets go of it unless they are in the team; then, while it is open, routing gives
/// it to the least busy available member of the team (none free: the team picks it up). The
/// change is pushed to everyone who sees its inbox.
pub async fn assign_team(app: &App, mut req: Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    signed_in_to(app, &req, id).await?;
    let body: AssignTeam = http::read_json(&mut req).await?;
    let summary = match store::inboxes::assign_team(&app.db, id, body.team_id.as_deref()).await? {
        TeamAssigned::Done(summary) => *summary,
        TeamAssigned::UnknownTeam => {
            return Err(Rejection::field("team_id", "is not a team").into());
        }
        TeamAssigned::Unseen => {
            return Err(
                Rejection::field("team_id", "names a team that does not see this inbox").into(),
            );
        }
        TeamAssigned::Unknown => return Err(ApiError::unknown_conversation()),
    };
    let summary = if summary.team_id.is_some()
        && summary.assignee_id.is_none()
        && summary.status == ConversationStatus::Open
    {
        HubStub::of(&app.hub)?.route(&summary).await?
    } else {
        HubStub::of(&app.hub)?.notify(&summary).await?;
        summary
    };
    // A member may have let go of it: their open count, and the chat's capacity, changed.
    Entry::presence(&http::own_origin(&req)?).forget().await;
    Ok(http::json(&summary, 200))
}

/// `POST /api/agent/conversations/{id}/uploads?name=NAME`: a file for the agent's next reply
/// in that conversation, within the site's kinds and size (also when its widget takes none).
pub async fn upload(app: &App, req: Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let agent = signed_in_to(app, &req, id).await?;
    let site_id = store::conversation_site(&app.db, id)
        .await?
        .ok_or_else(ApiError::unknown_conversation)?;
    let scope = format!("agent:{}", agent.id);
    let uploader = Uploader {
        scope: &scope,
        is_agent: true,
        identified: false,
    };
    files::upload(app, req, &site_id, uploader).await
}

/// `GET /api/agent/conversations/{id}/attachments/{file}`.
pub async fn attachment(app: &App, req: &Request, id: &str, file: &str) -> ApiResult<Response> {
    signed_in_to(app, req, id).await?;
    files::serve(app, id, file).await
}
