//! The agent API as the inbox calls it: same-origin paths (the session cookie goes along by
//! itself) and the `ws(s)://` URLs of the agent's sockets, whose upgrade the browser sends with
//! the cookie and our `Origin`, as the Worker requires.

use client::http::{self, HttpError};
use leptos::prelude::window;
use protocol::api::{
    AcceptInvitation, AgentProfile, AgentStatus, Assign, ChangePassword, ConversationList,
    ConversationSummary, InvitationCreated, InvitationList, InvitationPreview, Login, MentionList,
    MentionsSeen, NewInvitation, NewNote, Note, NoteList, Role, SetAgentStatus, SetChatLimit,
    SetRole, Team,
};
use protocol::api::{EmailList, EmailRecord, SendTranscript, VisitorDetails};
use protocol::api::{NewSnippet, Report, Snippet, SnippetList};
use protocol::ConversationStatus;

/// `GET /api/agent/me`: the signed-in agent; a 401 means "not signed in".
pub async fn me() -> Result<AgentProfile, HttpError> {
    http::get_json("/api/agent/me", None).await
}

/// `POST /api/agent/session`: signs in and sets the session cookie.
pub async fn sign_in(login: &Login) -> Result<AgentProfile, HttpError> {
    http::post_json("/api/agent/session", login, None).await
}

/// `DELETE /api/agent/session`: signs out and clears the cookie.
pub async fn sign_out() -> Result<(), HttpError> {
    http::delete("/api/agent/session", None).await
}

/// `DELETE /api/agent/sessions`: signs out on every device, this one included.
pub async fn sign_out_everywhere() -> Result<(), HttpError> {
    http::delete("/api/agent/sessions", None).await
}

/// `PUT /api/agent/me/password`: other sessions end; this one stays.
pub async fn change_password(change: &ChangePassword) -> Result<AgentProfile, HttpError> {
    http::put_json("/api/agent/me/password", change).await
}

/// `GET /api/agent/team`: every member, by name.
pub async fn team() -> Result<Team, HttpError> {
    http::get_fresh_json("/api/agent/team", None).await
}

/// `GET /api/admin/invitations`: pending invitations, newest first.
pub async fn invitations() -> Result<InvitationList, HttpError> {
    http::get_fresh_json("/api/admin/invitations", None).await
}

/// `POST /api/admin/invitations`: the invitation and its link (shown this once).
pub async fn invite(new: &NewInvitation) -> Result<InvitationCreated, HttpError> {
    http::post_json("/api/admin/invitations", new, None).await
}

/// `DELETE /api/admin/invitations/{id}`: its link stops working.
pub async fn withdraw(id: &str) -> Result<(), HttpError> {
    http::delete(&format!("/api/admin/invitations/{}", encode(id)), None).await
}

/// `PUT /api/admin/agents/{id}/role`.
pub async fn set_role(id: &str, role: Role) -> Result<AgentProfile, HttpError> {
    let url = format!("/api/admin/agents/{}/role", encode(id));
    http::put_json(&url, &SetRole { role }).await
}

/// `PUT /api/admin/agents/{id}/chat-limit`: `None` for no limit.
pub async fn set_chat_limit(id: &str, chat_limit: Option<u32>) -> Result<AgentProfile, HttpError> {
    let url = format!("/api/admin/agents/{}/chat-limit", encode(id));
    http::put_json(&url, &SetChatLimit { chat_limit }).await
}

/// `PUT /api/agent/conversations/{id}/assignee`: the row as it now stands.
pub async fn assign(id: &str, agent_id: Option<String>) -> Result<ConversationSummary, HttpError> {
    let url = format!("/api/agent/conversations/{}/assignee", encode(id));
    http::put_json(&url, &Assign { agent_id }).await
}

/// `POST /api/agent/conversations/{id}/notes`: an internal note (stored once per client id).
pub async fn add_note(id: &str, note: &NewNote) -> Result<Note, HttpError> {
    let url = format!("/api/agent/conversations/{}/notes", encode(id));
    http::post_json(&url, note, None).await
}

/// `GET /api/agent/conversations/{id}/notes`: every note, oldest first.
pub async fn notes(id: &str) -> Result<NoteList, HttpError> {
    let url = format!("/api/agent/conversations/{}/notes", encode(id));
    http::get_fresh_json(&url, None).await
}

/// `GET /api/agent/conversations/{id}/visitor`: a chat's visitor (404 for other channels).
pub async fn visitor(id: &str) -> Result<VisitorDetails, HttpError> {
    let url = format!("/api/agent/conversations/{}/visitor", encode(id));
    http::get_fresh_json(&url, None).await
}

/// `PUT /api/agent/conversations/{id}/visitor`: their name and e-mail, as stored.
pub async fn set_visitor(id: &str, details: &VisitorDetails) -> Result<VisitorDetails, HttpError> {
    let url = format!("/api/agent/conversations/{}/visitor", encode(id));
    http::put_json(&url, details).await
}

/// `POST /api/agent/conversations/{id}/transcript`: the queued e-mail.
pub async fn send_transcript(id: &str, send: &SendTranscript) -> Result<EmailRecord, HttpError> {
    let url = format!("/api/agent/conversations/{}/transcript", encode(id));
    http::post_json(&url, send, None).await
}

/// `GET /api/agent/conversations/{id}/emails`: newest first.
pub async fn emails(id: &str) -> Result<EmailList, HttpError> {
    let url = format!("/api/agent/conversations/{}/emails", encode(id));
    http::get_fresh_json(&url, None).await
}

/// `GET /api/agent/conversations/{id}/templates`: the WhatsApp account's sendable templates.
pub async fn templates(id: &str) -> Result<protocol::reply::TemplateList, HttpError> {
    let url = format!("/api/agent/conversations/{}/templates", encode(id));
    http::get_fresh_json(&url, None).await
}

/// `POST /api/agent/conversations/{id}/template`: sends a template, filled in.
pub async fn send_template(
    id: &str,
    template: &protocol::reply::SendTemplate,
) -> Result<protocol::api::MessageAccepted, HttpError> {
    let url = format!("/api/agent/conversations/{}/template", encode(id));
    http::post_json(&url, template, None).await
}

/// `GET /api/agent/conversations/{id}/deliveries`: what became of each reply on Meta.
pub async fn deliveries(id: &str) -> Result<protocol::reply::DeliveryList, HttpError> {
    let url = format!("/api/agent/conversations/{}/deliveries", encode(id));
    http::get_fresh_json(&url, None).await
}

/// `GET /api/admin/reports`: the period `[from, to)`, one channel or all (`""`).
pub async fn report(from: i64, to: i64, channel: &str) -> Result<Report, HttpError> {
    let url = format!(
        "/api/admin/reports?from={from}&to={to}&channel={}",
        encode(channel)
    );
    http::get_fresh_json(&url, None).await
}

/// `GET /api/agent/snippets`: the team's saved replies, by name.
pub async fn snippets() -> Result<SnippetList, HttpError> {
    http::get_fresh_json("/api/agent/snippets", None).await
}

/// `POST /api/agent/snippets`.
pub async fn add_snippet(new: &NewSnippet) -> Result<Snippet, HttpError> {
    http::post_json("/api/agent/snippets", new, None).await
}

/// `DELETE /api/agent/snippets/{id}`.
pub async fn delete_snippet(id: &str) -> Result<(), HttpError> {
    http::delete(&format!("/api/agent/snippets/{}", encode(id)), None).await
}

/// `GET /api/agent/mentions`: the agent's mentions not yet seen.
pub async fn mentions() -> Result<MentionList, HttpError> {
    http::get_fresh_json("/api/agent/mentions", None).await
}

/// `POST /api/agent/mentions/seen`: the agent has seen that conversation's notes.
pub async fn mentions_seen(conversation_id: &str) -> Result<(), HttpError> {
    let seen = MentionsSeen {
        conversation_id: conversation_id.to_owned(),
    };
    http::post_json_no_content("/api/agent/mentions/seen", &seen).await
}

/// `DELETE /api/admin/agents/{id}`: removes a member from the team.
pub async fn remove_member(id: &str) -> Result<(), HttpError> {
    http::delete(&format!("/api/admin/agents/{}", encode(id)), None).await
}

/// `GET /api/invitations/current`: what the invitation with this token is for.
pub async fn invitation(token: &str) -> Result<InvitationPreview, HttpError> {
    http::get_fresh_json("/api/invitations/current", Some(token)).await
}

/// `POST /api/invitations/accept`: joins the team and signs in.
pub async fn accept_invitation(
    token: &str,
    accept: &AcceptInvitation,
) -> Result<AgentProfile, HttpError> {
    http::post_json("/api/invitations/accept", accept, Some(token)).await
}

/// `GET /api/agent/conversations`: every conversation, newest activity first.
pub async fn conversations() -> Result<ConversationList, HttpError> {
    http::get_json("/api/agent/conversations", None).await
}

/// `GET /api/agent/conversations?q=…`: conversations by their messages' words, or their
/// visitor's name or e-mail.
pub async fn search(q: &str) -> Result<ConversationList, HttpError> {
    http::get_fresh_json(&format!("/api/agent/conversations?q={}", encode(q)), None).await
}

/// `POST /api/agent/conversations/{id}/close` or `/reopen`: the row as it now stands.
pub async fn set_conversation_status(
    id: &str,
    status: ConversationStatus,
) -> Result<ConversationSummary, HttpError> {
    let action = match status {
        ConversationStatus::Open => "reopen",
        ConversationStatus::Closed => "close",
    };
    let url = format!("/api/agent/conversations/{}/{action}", encode(id));
    http::post_action(&url).await
}

/// `PUT /api/agent/me/status`: the agent's own available/away toggle.
pub async fn set_status(status: AgentStatus) -> Result<AgentProfile, HttpError> {
    http::put_json("/api/agent/me/status", &SetAgentStatus { status }).await
}

/// `PUT /api/agent/me/avatar`: the agent's new profile picture; their profile as it now is.
pub async fn set_avatar(file: &web_sys::File) -> Result<AgentProfile, HttpError> {
    http::send_file("PUT", "/api/agent/me/avatar", file, None).await
}

/// `DELETE /api/agent/me/avatar`: back to initials.
pub async fn remove_avatar() -> Result<(), HttpError> {
    http::delete("/api/agent/me/avatar", None).await
}

/// `POST /api/agent/conversations/{id}/uploads?name=…`: a file for the next reply.
pub async fn upload(id: &str, file: &web_sys::File) -> Result<protocol::Attachment, HttpError> {
    let url = format!(
        "/api/agent/conversations/{}/uploads?name={}",
        encode(id),
        encode(&file.name())
    );
    http::send_file("POST", &url, file, None).await
}

/// Where a conversation's file is served (the session cookie goes along by itself).
pub fn attachment_url(conversation: &str, file: &str) -> String {
    format!(
        "/api/agent/conversations/{}/attachments/{}",
        encode(conversation),
        encode(file)
    )
}

/// A status as the wire names it, for the `data-status` hooks of rows and the thread.
pub fn status_name(status: ConversationStatus) -> &'static str {
    match status {
        ConversationStatus::Open => "open",
        ConversationStatus::Closed => "closed",
    }
}

/// The inbox socket, pushing a row whenever a conversation changes.
pub fn inbox_socket_url() -> String {
    format!("{}/api/agent/inbox/socket", socket_origin())
}

/// A conversation's socket (without `after`, which the client adds).
pub fn conversation_socket_url(id: &str) -> String {
    format!(
        "{}/api/agent/conversations/{}/socket",
        socket_origin(),
        encode(id)
    )
}

fn encode(segment: &str) -> String {
    String::from(js_sys::encode_uri_component(segment))
}

/// `ws://` or `wss://` plus this page's host: the sockets live on our own origin.
fn socket_origin() -> String {
    let location = window().location();
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss:",
        _ => "ws:",
    };
    format!("{scheme}//{}", location.host().unwrap_or_default())
}

/// A time for a list or a message: the clock today, the date before.
pub fn when(at: protocol::Millis) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
    let today = js_sys::Date::new_0();
    if date.to_date_string() == today.to_date_string() {
        format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
    } else {
        String::from(date.to_locale_date_string("default", &wasm_bindgen::JsValue::UNDEFINED))
    }
}
