//! Conversations: the list and search, a thread's changes (status, assignment, team, inbox, reply-by), its notes and mentions, the visitor and e-mails, templates, deliveries and files, and the sockets.

use client::http::{self, HttpError};
use protocol::api::{
    Assign, AssignTeam, ConversationList, ConversationSummary, EmailList, EmailRecord, InboxChoice,
    MentionList, MentionsSeen, NewNote, Note, NoteList, ReplyBy, ReplyChannel, SendTranscript,
    VisitorDetails,
};
use protocol::routes as route;
use protocol::ConversationStatus;

use super::{encode, socket_origin};

/// `PUT /api/agent/conversations/{id}/assignee`: the row as it now stands.
pub async fn assign(id: &str, agent_id: Option<String>) -> Result<ConversationSummary, HttpError> {
    let url = route::Assign::new(id).path_with(encode);
    http::put_json(&url, &Assign { agent_id }).await
}

/// `PUT /api/agent/conversations/{id}/team`: give it to a team, or take it from its team.
pub async fn assign_team(
    id: &str,
    team_id: Option<String>,
) -> Result<ConversationSummary, HttpError> {
    let url = route::AssignTeam::new(id).path_with(encode);
    http::put_json(&url, &AssignTeam { team_id }).await
}

/// `PUT /api/agent/conversations/{id}/reply-by`: a website chat's replies go by e-mail, or in
/// the chat again.
pub async fn reply_by(id: &str, channel: ReplyChannel) -> Result<ReplyBy, HttpError> {
    let url = route::ReplyBy::new(id).path_with(encode);
    http::put_json(&url, &ReplyBy { channel }).await
}

/// `POST /api/agent/conversations/{id}/notes`: an internal note (stored once per client id).
pub async fn add_note(id: &str, note: &NewNote) -> Result<Note, HttpError> {
    let url = route::AddNote::new(id).path_with(encode);
    http::post_json(&url, note, None).await
}

/// `GET /api/agent/conversations/{id}/notes`: every note, oldest first.
pub async fn notes(id: &str) -> Result<NoteList, HttpError> {
    let url = route::Notes::new(id).path_with(encode);
    http::get_fresh_json(&url, None).await
}

/// `GET /api/agent/conversations/{id}/visitor`: a chat's visitor (404 for other channels).
pub async fn visitor(id: &str) -> Result<VisitorDetails, HttpError> {
    let url = route::VisitorDetails::new(id).path_with(encode);
    http::get_fresh_json(&url, None).await
}

/// `PUT /api/agent/conversations/{id}/visitor`: their name and e-mail, as stored.
pub async fn set_visitor(id: &str, details: &VisitorDetails) -> Result<VisitorDetails, HttpError> {
    let url = route::SetVisitorDetails::new(id).path_with(encode);
    http::put_json(&url, details).await
}

/// `POST /api/agent/conversations/{id}/transcript`: the queued e-mail.
pub async fn send_transcript(id: &str, send: &SendTranscript) -> Result<EmailRecord, HttpError> {
    let url = route::SendTranscript::new(id).path_with(encode);
    http::post_json(&url, send, None).await
}

/// `GET /api/agent/conversations/{id}/emails`: newest first.
pub async fn emails(id: &str) -> Result<EmailList, HttpError> {
    let url = route::Emails::new(id).path_with(encode);
    http::get_fresh_json(&url, None).await
}

/// `GET /api/agent/conversations/{id}/templates`: the WhatsApp account's sendable templates.
pub async fn templates(id: &str) -> Result<protocol::reply::TemplateList, HttpError> {
    let url = route::Templates::new(id).path_with(encode);
    http::get_fresh_json(&url, None).await
}

/// `POST /api/agent/conversations/{id}/template`: sends a template, filled in.
pub async fn send_template(
    id: &str,
    template: &protocol::reply::SendTemplate,
) -> Result<protocol::api::MessageAccepted, HttpError> {
    let url = route::SendTemplate::new(id).path_with(encode);
    http::post_json(&url, template, None).await
}

/// `GET /api/agent/conversations/{id}/deliveries`: what became of each reply on Meta.
pub async fn deliveries(id: &str) -> Result<protocol::reply::DeliveryList, HttpError> {
    let url = route::Deliveries::new(id).path_with(encode);
    http::get_fresh_json(&url, None).await
}

/// `GET /api/agent/mentions`: the agent's mentions not yet seen.
pub async fn mentions() -> Result<MentionList, HttpError> {
    http::get_fresh_json(&route::Mentions::new().path_with(encode), None).await
}

/// `POST /api/agent/mentions/seen`: the agent has seen that conversation's notes.
pub async fn mentions_seen(conversation_id: &str) -> Result<(), HttpError> {
    let seen = MentionsSeen {
        conversation_id: conversation_id.to_owned(),
    };
    http::post_json_no_content(&route::MentionsSeen::new().path_with(encode), &seen).await
}

/// `GET /api/agent/conversations`: every conversation, newest activity first.
pub async fn conversations() -> Result<ConversationList, HttpError> {
    http::get_json(&route::Conversations::new().path_with(encode), None).await
}

/// `GET /api/agent/conversations?q=…`: conversations by their messages' words, or their
/// visitor's name or e-mail.
pub async fn search(q: &str) -> Result<ConversationList, HttpError> {
    http::get_fresh_json(
        &format!(
            "{}?q={}",
            route::Conversations::new().path_with(encode),
            encode(q)
        ),
        None,
    )
    .await
}

/// `POST /api/agent/conversations/{id}/close` or `/reopen`: the row as it now stands.
pub async fn set_conversation_status(
    id: &str,
    status: ConversationStatus,
) -> Result<ConversationSummary, HttpError> {
    let url = match status {
        ConversationStatus::Open => route::Reopen::new(id).path_with(encode),
        ConversationStatus::Closed => route::Close::new(id).path_with(encode),
    };
    http::post_action(&url).await
}

/// `POST /api/agent/conversations/{id}/uploads?name=…`: a file for the next reply.
pub async fn upload(id: &str, file: &web_sys::File) -> Result<protocol::Attachment, HttpError> {
    let url = format!(
        "{}?name={}",
        route::AgentUpload::new(id).path_with(encode),
        encode(&file.name())
    );
    http::send_file("POST", &url, file, None).await
}

/// Where a conversation's file is served (the session cookie goes along by itself).
pub fn attachment_url(conversation: &str, file: &str) -> String {
    route::AgentAttachment::new(conversation, file).path_with(encode)
}

/// A status as the wire names it, for the `data-status` hooks of rows and the thread.
pub fn status_name(status: ConversationStatus) -> &'static str {
    match status {
        ConversationStatus::Open => "open",
        ConversationStatus::Closed => "closed",
    }
}

/// The list socket, pushing a row whenever a conversation changes.
pub fn list_socket_url() -> String {
    format!(
        "{}{}",
        socket_origin(),
        route::ListSocket::new().path_with(encode)
    )
}

/// A conversation's socket (without `after`, which the client adds).
pub fn conversation_socket_url(id: &str) -> String {
    format!(
        "{}{}",
        socket_origin(),
        route::AgentSocket::new(id).path_with(encode)
    )
}

/// `PUT /api/agent/conversations/{id}/inbox`: moves it; answered with its row.
pub async fn move_conversation(
    id: &str,
    inbox_id: String,
) -> Result<ConversationSummary, HttpError> {
    let url = route::MoveConversation::new(id).path_with(encode);
    http::put_json(&url, &InboxChoice { inbox_id }).await
}

/// `POST /api/agent/conversations/{id}/contact`: the visitor becomes a contact.
pub async fn make_contact(id: &str) -> Result<VisitorDetails, HttpError> {
    http::post_action(&route::MakeContact::new(id).path_with(encode)).await
}
