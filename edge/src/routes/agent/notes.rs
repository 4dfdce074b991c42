//! Internal notes on a conversation, for the team only, and the @mentions in them: each member
//! mentioned is told in their inbox, and sees their unseen mentions listed until they read them.

use domain::message::validate_send;
use protocol::api::{Mention, MentionList, MentionsSeen, NewNote, Note, SendMessage};
use protocol::frame::AgentRef;
use worker::{Request, Response};

use super::session::{participant, signed_in, signed_in_to};
use crate::config::App;
use crate::contracts::conversation::{Call, ConversationStub, NoteToStore};
use crate::contracts::hub::HubStub;
use crate::error::ApiResult;
use crate::{http, store};

/// `POST /api/agent/conversations/{id}/notes` → 201 `Note` (200 for a resend): an internal note,
/// for the team only. Every member written as `@Name` in it is mentioned (`domain::text`), and
/// told in their inbox unless they wrote it.
pub async fn add_note(app: &App, mut req: Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let agent = signed_in_to(app, &req, id).await?;
    let new: NewNote = http::read_json(&mut req).await?;
    let valid = validate_send(&SendMessage {
        client_id: new.client_id,
        body: new.body,
        attachment: None,
    })?;
    // Only members who see the conversation can be mentioned in it.
    let members = store::team::members_seeing(&app.db, id).await?;
    let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    let mentions: Vec<AgentRef> = domain::text::mentions(&valid.body, &names)
        .into_iter()
        .filter_map(|i| members.get(i))
        .map(|m| AgentRef {
            id: m.id.clone(),
            name: m.name.clone(),
        })
        .collect();
    let to_store = NoteToStore {
        client_id: valid.client_id,
        body: valid.body,
        mentions,
    };
    let add = Call::AddNote {
        who: participant(&agent),
        note: to_store,
    };
    let mut stored = ConversationStub::of(&app.conversations, id)?
        .call(&add)
        .await?;
    let status = stored.status_code();
    if !(200..300).contains(&status) {
        return Ok(stored);
    }
    let note: Note = stored.json().await?;
    // Recorded on a resend too (idempotent), so a failure here is mended by the client's retry.
    let others: Vec<String> = note
        .mentions
        .iter()
        .filter(|m| m.id != agent.id)
        .map(|m| m.id.clone())
        .collect();
    let told = store::team::record_mentions(&app.db, id, &note, &others).await?;
    let mention = Mention {
        conversation_id: id.to_owned(),
        note,
    };
    if !told.is_empty() {
        HubStub::of(&app.hub)?.mention(&told, &mention).await?;
    }
    Ok(http::json(&mention.note, status))
}

/// `GET /api/agent/conversations/{id}/notes` → `NoteList`.
pub async fn notes(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    signed_in_to(app, req, id).await?;
    ConversationStub::of(&app.conversations, id)?
        .call(&Call::Notes)
        .await
}

/// `GET /api/agent/mentions` → `MentionList`: the agent's mentions not yet seen.
pub async fn mentions(app: &App, req: &Request) -> ApiResult<Response> {
    let agent = signed_in(app, req).await?;
    let mentions = store::team::unseen_mentions(&app.db, &store::Viewer::of(&agent)).await?;
    Ok(http::json(&MentionList { mentions }, 200))
}

/// `POST /api/agent/mentions/seen` → 204: the agent has read that conversation's notes.
pub async fn mentions_seen(app: &App, mut req: Request) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let agent = signed_in(app, &req).await?;
    let body: MentionsSeen = http::read_json(&mut req).await?;
    store::team::mentions_seen(&app.db, &agent.id, &body.conversation_id, store::now()).await?;
    Ok(http::no_content())
}
