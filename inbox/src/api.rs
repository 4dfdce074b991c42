//! The agent API as the inbox calls it: same-origin paths from `protocol::routes` (the session
//! cookie goes along by itself) and the `ws(s)://` URLs of the agent's sockets, whose upgrade the browser sends with
//! the cookie and our `Origin`, as the Worker requires.

use client::http::{self, HttpError};
use leptos::prelude::window;
use protocol::api::{
    AcceptInvitation, AgentProfile, AgentStatus, Assign, AssignTeam, ChangePassword,
    ConversationList, ConversationSummary, InvitationCreated, InvitationList, InvitationPreview,
    Login, MentionList, MentionsSeen, NewInvitation, NewNote, Note, NoteList, Role, SetAgentStatus,
    SetChatLimit, SetRole,
};
use protocol::api::{Connection, ConnectionList, IdentitySecret, NewConnection, WidgetConfig};
use protocol::api::{
    EmailList, EmailRecord, ReplyBy, ReplyChannel, SendTranscript, VisitorDetails,
};
use protocol::api::{
    Inbox, InboxChoice, InboxInput, InboxList, Members, Team, TeamInput, TeamList,
};
use protocol::api::{NewSnippet, Report, Snippet, SnippetList};
use protocol::routes as route;
use protocol::settings::ChatSettings;
use protocol::ConversationStatus;

/// `GET /api/agent/me`: the signed-in agent; a 401 means "not signed in".
pub async fn me() -> Result<AgentProfile, HttpError> {
    http::get_json(&route::Me::new().path_with(encode), None).await
}

/// `POST /api/agent/session`: signs in and sets the session cookie.
pub async fn sign_in(login: &Login) -> Result<AgentProfile, HttpError> {
    http::post_json(&route::SignIn::new().path_with(encode), login, None).await
}

/// `DELETE /api/agent/session`: signs out and clears the cookie.
pub async fn sign_out() -> Result<(), HttpError> {
    http::delete(&route::SignOut::new().path_with(encode), None).await
}

/// `DELETE /api/agent/sessions`: signs out on every device, this one included.
pub async fn sign_out_everywhere() -> Result<(), HttpError> {
    http::delete(&route::SignOutEverywhere::new().path_with(encode), None).await
}

/// `PUT /api/agent/me/password`: other sessions end; this one stays.
pub async fn change_password(change: &ChangePassword) -> Result<AgentProfile, HttpError> {
    http::put_json(&route::ChangePassword::new().path_with(encode), change).await
}

/// `GET /api/agent/team`: every member, by name.
pub async fn team() -> Result<Members, HttpError> {
    http::get_fresh_json(&route::TeamMembers::new().path_with(encode), None).await
}

/// `GET /api/admin/invitations`: pending invitations, newest first.
pub async fn invitations() -> Result<InvitationList, HttpError> {
    http::get_fresh_json(&route::Invitations::new().path_with(encode), None).await
}

/// `POST /api/admin/invitations`: the invitation and its link (shown this once).
pub async fn invite(new: &NewInvitation) -> Result<InvitationCreated, HttpError> {
    http::post_json(&route::Invite::new().path_with(encode), new, None).await
}

/// `DELETE /api/admin/invitations/{id}`: its link stops working.
pub async fn withdraw(id: &str) -> Result<(), HttpError> {
    http::delete(&route::WithdrawInvitation::new(id).path_with(encode), None).await
}

/// `PUT /api/admin/agents/{id}/role`.
pub async fn set_role(id: &str, role: Role) -> Result<AgentProfile, HttpError> {
    let url = route::SetRole::new(id).path_with(encode);
    http::put_json(&url, &SetRole { role }).await
}

/// `PUT /api/admin/agents/{id}/chat-limit`: `None` for no limit.
pub async fn set_chat_limit(id: &str, chat_limit: Option<u32>) -> Result<AgentProfile, HttpError> {
    let url = route::SetChatLimit::new(id).path_with(encode);
    http::put_json(&url, &SetChatLimit { chat_limit }).await
}

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

/// `GET /api/admin/reports`: the period `[from, to)`, one channel or all (`""`).
pub async fn report(from: i64, to: i64, channel: &str, inbox: &str) -> Result<Report, HttpError> {
    let url = format!(
        "{}?from={from}&to={to}&channel={}&inbox={}",
        route::Reports::new().path_with(encode),
        encode(channel),
        encode(inbox)
    );
    http::get_fresh_json(&url, None).await
}

/// `GET /api/admin/dead-letters`: what the queues gave up on, newest first.
pub async fn dead_letters() -> Result<protocol::queues::DeadLetterList, HttpError> {
    http::get_fresh_json(&route::DeadLetters::new().path_with(encode), None).await
}

/// `POST /api/admin/dead-letters/{id}/retry`: back on its queue.
pub async fn retry_dead_letter(id: &str) -> Result<(), HttpError> {
    let url = route::RetryDeadLetter::new(id).path_with(encode);
    http::post_no_content(&url).await
}

/// `GET /api/agent/snippets`: the team's saved replies, by name.
pub async fn snippets() -> Result<SnippetList, HttpError> {
    http::get_fresh_json(&route::Snippets::new().path_with(encode), None).await
}

/// `POST /api/agent/snippets`.
pub async fn add_snippet(new: &NewSnippet) -> Result<Snippet, HttpError> {
    http::post_json(&route::CreateSnippet::new().path_with(encode), new, None).await
}

/// `DELETE /api/agent/snippets/{id}`.
pub async fn delete_snippet(id: &str) -> Result<(), HttpError> {
    http::delete(&route::DeleteSnippet::new(id).path_with(encode), None).await
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

/// `DELETE /api/admin/agents/{id}`: removes a member from the team.
pub async fn remove_member(id: &str) -> Result<(), HttpError> {
    http::delete(&route::RemoveAgent::new(id).path_with(encode), None).await
}

/// `GET /api/invitations/current`: what the invitation with this token is for.
pub async fn invitation(token: &str) -> Result<InvitationPreview, HttpError> {
    http::get_fresh_json(
        &route::CurrentInvitation::new().path_with(encode),
        Some(token),
    )
    .await
}

/// `POST /api/invitations/accept`: joins the team and signs in.
pub async fn accept_invitation(
    token: &str,
    accept: &AcceptInvitation,
) -> Result<AgentProfile, HttpError> {
    http::post_json(
        &route::AcceptInvitation::new().path_with(encode),
        accept,
        Some(token),
    )
    .await
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

/// `PUT /api/agent/me/status`: the agent's own available/away toggle.
pub async fn set_status(status: AgentStatus) -> Result<AgentProfile, HttpError> {
    http::put_json(
        &route::SetStatus::new().path_with(encode),
        &SetAgentStatus { status },
    )
    .await
}

/// `PUT /api/agent/me/avatar`: the agent's new profile picture; their profile as it now is.
pub async fn set_avatar(file: &web_sys::File) -> Result<AgentProfile, HttpError> {
    http::send_file(
        "PUT",
        &route::PutAvatar::new().path_with(encode),
        file,
        None,
    )
    .await
}

/// `DELETE /api/agent/me/avatar`: back to initials.
pub async fn remove_avatar() -> Result<(), HttpError> {
    http::delete(&route::DeleteAvatar::new().path_with(encode), None).await
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

/// `GET /api/agent/inboxes`: the inboxes the agent sees (admins: all), by name.
pub async fn inboxes() -> Result<InboxList, HttpError> {
    http::get_fresh_json(&route::Inboxes::new().path_with(encode), None).await
}

/// `GET /api/agent/teams`: every team, by name.
pub async fn teams() -> Result<TeamList, HttpError> {
    http::get_fresh_json(&route::Teams::new().path_with(encode), None).await
}

/// `POST /api/admin/inboxes`.
pub async fn create_inbox(input: &InboxInput) -> Result<Inbox, HttpError> {
    http::post_json(&route::CreateInbox::new().path_with(encode), input, None).await
}

/// `PUT /api/admin/inboxes/{id}`: name and access, replaced whole.
pub async fn update_inbox(id: &str, input: &InboxInput) -> Result<Inbox, HttpError> {
    http::put_json(&route::UpdateInbox::new(id).path_with(encode), input).await
}

/// `DELETE /api/admin/inboxes/{id}`, its conversations and channels moving to `move_to`.
pub async fn delete_inbox(id: &str, move_to: &str) -> Result<(), HttpError> {
    let url = format!(
        "{}?move_to={}",
        route::DeleteInbox::new(id).path_with(encode),
        encode(move_to)
    );
    http::delete(&url, None).await
}

/// `POST /api/admin/teams`.
pub async fn create_team(input: &TeamInput) -> Result<Team, HttpError> {
    http::post_json(&route::CreateTeam::new().path_with(encode), input, None).await
}

/// `PUT /api/admin/teams/{id}`: name and members, replaced whole.
pub async fn update_team(id: &str, input: &TeamInput) -> Result<Team, HttpError> {
    http::put_json(&route::UpdateTeam::new(id).path_with(encode), input).await
}

/// `DELETE /api/admin/teams/{id}`.
pub async fn delete_team(id: &str) -> Result<(), HttpError> {
    http::delete(&route::DeleteTeam::new(id).path_with(encode), None).await
}

/// `PUT /api/agent/conversations/{id}/inbox`: moves it; answered with its row.
pub async fn move_conversation(
    id: &str,
    inbox_id: String,
) -> Result<ConversationSummary, HttpError> {
    let url = route::MoveConversation::new(id).path_with(encode);
    http::put_json(&url, &InboxChoice { inbox_id }).await
}

/// Where a channel delivers: `PUT /api/admin/sites/{site}/inbox` for a site's chat, or
/// `…/connections/{id}/inbox` for a Page or number; answered with every inbox.
pub async fn connect_channel(
    site: &str,
    connection: Option<&str>,
    inbox_id: String,
) -> Result<InboxList, HttpError> {
    let url = match connection {
        None => route::SetSiteInbox::new(site).path_with(encode),
        Some(c) => route::SetConnectionInbox::new(site, c).path_with(encode),
    };
    http::put_json(&url, &InboxChoice { inbox_id }).await
}

/// `GET /api/admin/sites/{site}/settings`: the site's chat settings, whole.
pub async fn site_settings(site: &str) -> Result<ChatSettings, HttpError> {
    http::get_fresh_json(&route::Settings::new(site).path_with(encode), None).await
}

/// `PUT /api/admin/sites/{site}/settings`: replaced whole; answered with what was stored
/// (normalised), or a 400 naming the first field refused (nothing stored then).
pub async fn put_site_settings(
    site: &str,
    settings: &ChatSettings,
) -> Result<ChatSettings, HttpError> {
    http::put_json(&route::PutSettings::new(site).path_with(encode), settings).await
}

/// `GET /api/sites/{site}/widget-config`, past the browser's cache: what the widget reads. The
/// answer replaces the cached one, so a widget frame loaded next sees the settings just saved.
pub async fn widget_config(site: &str) -> Result<WidgetConfig, HttpError> {
    let url = route::WidgetConfig::new(site).path_with(encode);
    http::get_fresh_json(&url, None).await
}

/// `GET /api/admin/sites/{site}/identity`: whether the site has an identity secret, and since
/// when.
pub async fn identity_secret(site: &str) -> Result<IdentitySecret, HttpError> {
    http::get_fresh_json(&route::IdentitySecret::new(site).path_with(encode), None).await
}

/// `POST /api/admin/sites/{site}/identity/secret`: a new secret, replacing the old one at once.
pub async fn new_identity_secret(site: &str) -> Result<IdentitySecret, HttpError> {
    http::post_action(&route::RotateIdentitySecret::new(site).path_with(encode)).await
}

/// `GET /api/admin/sites/{site}/connections`: the site's Pages and numbers (never tokens).
pub async fn connections(site: &str) -> Result<ConnectionList, HttpError> {
    http::get_fresh_json(&route::Connections::new(site).path_with(encode), None).await
}

/// `POST /api/admin/sites/{site}/connections`: a Messenger Page or WhatsApp number.
pub async fn connect(site: &str, new: &NewConnection) -> Result<Connection, HttpError> {
    http::post_json(&route::Connect::new(site).path_with(encode), new, None).await
}

/// `DELETE /api/admin/sites/{site}/connections/{id}`.
pub async fn disconnect(site: &str, id: &str) -> Result<(), HttpError> {
    let url = route::Disconnect::new(site, id).path_with(encode);
    http::delete(&url, None).await
}

/// `PUT /api/admin/sites/{site}/connections/{id}/flow`: what happens before an agent answers.
pub async fn set_flow(
    site: &str,
    id: &str,
    flow: &protocol::api::ChannelFlow,
) -> Result<Connection, HttpError> {
    let url = route::SetFlow::new(site, id).path_with(encode);
    http::put_json(&url, flow).await
}

/// `PUT /api/admin/sites/{site}/connections/{id}/token`: a new token; valid again.
pub async fn replace_token(site: &str, id: &str, token: String) -> Result<Connection, HttpError> {
    let url = route::ReplaceToken::new(site, id).path_with(encode);
    http::put_json(
        &url,
        &protocol::api::NewToken {
            access_token: token,
        },
    )
    .await
}

/// `POST /api/agent/conversations/{id}/contact`: the visitor becomes a contact.
pub async fn make_contact(id: &str) -> Result<VisitorDetails, HttpError> {
    http::post_action(&route::MakeContact::new(id).path_with(encode)).await
}

/// A path segment or query value percent-encoded by the browser (`protocol::routes`' `path_with`
/// takes it, so the wasm carries no encoder of its own).
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
