//! The agents' API, called by the inbox app on the Worker's own origin. Agents sign in with
//! e-mail and password and hold a session cookie (HttpOnly, SameSite=Strict, Secure over TLS);
//! every state change and socket upgrade must also carry our own `Origin`. Attempts at a
//! password are counted before any is derived, per account from the client's address, per
//! account and per address (`domain::throttle`).

use domain::credentials::{
    normalise_email, token_digest, validate_new_password, PasswordHash, PBKDF2_ITERATIONS,
};
use domain::message::validate_send;
use domain::search::{fts_query, like_pattern, QUERY_MAX_CHARS};
use domain::throttle::{self, Limit, PER_ACCOUNT, PER_ACCOUNT_AND_ADDRESS, PER_ADDRESS};
use domain::Rejection;
use protocol::api::{
    AgentStatus, Assign, AssignTeam, ChangePassword, ConversationList, ErrorCode, Login, Mention,
    MentionList, MentionsSeen, NewNote, Note, ReplyBy, ReplyChannel, Role, SendMessage,
    SetAgentStatus,
};
use protocol::frame::{AgentRef, SignedOut};
use protocol::ConversationStatus;
use worker::{Request, Response};

use super::files::{self, Uploader};
use crate::config::App;
use crate::contracts::conversation::{Call, ConversationStub, Join, NoteToStore};
use crate::contracts::hub::{HubStub, Sessions};
use crate::edge_cache::Entry;
use crate::error::{ApiError, ApiResult};
use crate::participant::Participant;
use crate::store::inboxes::TeamAssigned;
use crate::store::{self, AgentRow};
use crate::{http, secrets};

const COOKIE: &str = "pl_session";
/// Sessions last two weeks.
const SESSION_MS: i64 = 14 * 24 * 60 * 60 * 1000;

fn session_cookie(req: &Request, value: &str, max_age_s: i64) -> String {
    let secure = if http::is_https(req) { "; Secure" } else { "" };
    format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_s}{secure}")
}

/// The signed-in agent, or 401.
pub async fn signed_in(app: &App, req: &Request) -> ApiResult<AgentRow> {
    Ok(session(app, req).await?.0)
}

/// The signed-in agent if they are an admin; 403 for other agents.
pub async fn signed_in_admin(app: &App, req: &Request) -> ApiResult<AgentRow> {
    let agent = signed_in(app, req).await?;
    if agent.role == Role::Admin {
        Ok(agent)
    } else {
        Err(ApiError::new(
            ErrorCode::Forbidden,
            "Only an admin can do this.",
        ))
    }
}

/// The signed-in agent and the digest of their session's token, or 401.
async fn session(app: &App, req: &Request) -> ApiResult<(AgentRow, String)> {
    let token = http::cookie(req, COOKIE)
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated, "Please sign in."))?;
    let digest = token_digest(&token);
    let agent = store::session_agent(&app.db, &digest, store::now())
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::Unauthenticated,
                "Your session has ended; please sign in again.",
            )
        })?;
    Ok((agent, digest))
}

/// Starts a session for `agent`: answers `status` with their profile and the session cookie.
pub async fn start_session(
    app: &App,
    req: &Request,
    agent: &AgentRow,
    status: u16,
) -> ApiResult<Response> {
    let token = secrets::new_token()?;
    let now = store::now();
    store::insert_session(
        &app.db,
        &token_digest(&token),
        &agent.id,
        now,
        now + SESSION_MS,
    )
    .await?;
    let response = http::json(&agent.profile(), status);
    response.headers().set(
        "set-cookie",
        &session_cookie(req, &token, SESSION_MS / 1000),
    )?;
    Ok(response)
}

/// The throttle's keys for an attempt at `email`'s password from this request's client (see
/// `domain::throttle`); the first is the account from this address.
fn throttle_keys(req: &Request, email: &str) -> Vec<(String, Limit)> {
    // Cloudflare sets this header itself (and `wrangler dev` likewise); a client cannot forge it.
    let address = req
        .headers()
        .get("cf-connecting-ip")
        .ok()
        .flatten()
        .unwrap_or_default();
    vec![
        (
            throttle::account_address_key(email, &address),
            PER_ACCOUNT_AND_ADDRESS,
        ),
        (throttle::account_key(email), PER_ACCOUNT),
        (throttle::address_key(&address), PER_ADDRESS),
    ]
}

/// Counts this attempt under every key before any key derivation is spent on it; 429 when a
/// key has had too many in its window.
async fn count_attempt(app: &App, keys: &[(String, Limit)]) -> ApiResult<()> {
    let now = store::now();
    let named: Vec<(&str, Limit)> = keys.iter().map(|(k, l)| (k.as_str(), *l)).collect();
    let counted = store::team::count_attempt(&app.db, &named, now).await?;
    let until = keys
        .iter()
        .filter_map(|(key, limit)| {
            let found = counted.iter().find(|(k, _)| k == key).map(|(_, f)| *f)?;
            limit.refuses(found, now)
        })
        .max();
    match until {
        Some(until) => {
            let seconds = throttle::retry_after_s(until, now);
            Err(ApiError::new(
                ErrorCode::TooManyAttempts,
                format!(
                    "Too many wrong passwords; try again in {} minutes.",
                    (seconds + 59) / 60
                ),
            )
            .retry_after(seconds))
        }
        None => Ok(()),
    }
}

/// The right password: its attempt no longer counts, and the account's failures from this
/// address are cleared.
async fn forgive(app: &App, keys: &[(String, Limit)]) -> ApiResult<()> {
    let names: Vec<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
    if let Some(first) = names.first() {
        store::team::forgive(&app.db, &names, first).await?;
    }
    Ok(())
}

pub(super) fn participant(agent: &AgentRow) -> Participant {
    Participant::Agent {
        id: agent.id.clone(),
        name: agent.name.clone(),
    }
}

/// The signed-in agent, if conversation `id` is in an inbox they see; 401 when nobody is
/// signed in, 404 `unknown_conversation` when it does not exist or is not theirs to see (the
/// same answer, so ids of other inboxes' conversations cannot be probed).
pub(super) async fn signed_in_to(app: &App, req: &Request, id: &str) -> ApiResult<AgentRow> {
    Ok(session_to(app, req, id).await?.0)
}

/// As [`signed_in_to`], with the digest of the agent's session.
async fn session_to(app: &App, req: &Request, id: &str) -> ApiResult<(AgentRow, String)> {
    let (agent, session) = session(app, req).await?;
    if store::conversation_visible(&app.db, id, &store::Viewer::of(&agent)).await? {
        Ok((agent, session))
    } else {
        Err(ApiError::unknown_conversation())
    }
}

/// `POST /api/agent/session`.
pub async fn sign_in(app: &App, mut req: Request) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let login: Login = http::read_json(&mut req).await?;
    let email = normalise_email(&login.email).ok();
    // An address that is not one still counts, under what was typed.
    let keys = throttle_keys(&req, email.as_deref().unwrap_or(login.email.trim()));
    count_attempt(app, &keys).await?;
    let found = match &email {
        Some(email) => store::agent_by_email(&app.db, email).await?,
        None => None,
    };
    // Derive a key even for an unknown e-mail, so timing does not reveal who has an account.
    let stored = found.as_ref().map_or_else(
        || {
            PasswordHash {
                iterations: PBKDF2_ITERATIONS,
                salt: vec![0; 16],
                hash: vec![0; 32],
            }
            .encode()
        },
        |a| a.password_hash.clone(),
    );
    let matches = secrets::verify_password(&login.password, &stored).await?;
    let agent = match found {
        Some(agent) if matches => agent,
        // Already counted.
        _ => {
            return Err(ApiError::new(
                ErrorCode::InvalidCredentials,
                "That e-mail and password do not match.",
            ))
        }
    };
    forgive(app, &keys).await?;
    start_session(app, &req, &agent, 200).await
}

/// `DELETE /api/agent/session`: this session ends, and with it every socket opened under it
/// (the inbox list's and the threads', in other tabs too).
pub async fn sign_out(app: &App, req: &Request) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    if let Some(token) = http::cookie(req, COOKIE) {
        let digest = token_digest(&token);
        let agent = store::session_agent(&app.db, &digest, store::now()).await?;
        store::delete_session(&app.db, &digest).await?;
        if let Some(agent) = agent {
            let only = Sessions::Only(digest);
            HubStub::of(&app.hub)?
                .sign_out(&agent.id, SignedOut::Ended, only)
                .await?;
        }
    }
    let response = http::no_content();
    response
        .headers()
        .set("set-cookie", &session_cookie(req, "", 0))?;
    Ok(response)
}

/// `DELETE /api/agent/sessions`: signs the agent out on every device, this one included; their
/// open inbox pages are told and closed.
pub async fn sign_out_everywhere(app: &App, req: &Request) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    let agent = signed_in(app, req).await?;
    store::team::end_sessions(&app.db, &agent.id).await?;
    HubStub::of(&app.hub)?
        .sign_out(&agent.id, SignedOut::Everywhere, Sessions::All)
        .await?;
    let response = http::no_content();
    response
        .headers()
        .set("set-cookie", &session_cookie(req, "", 0))?;
    Ok(response)
}

/// `PUT /api/agent/me/password` → 200 with the profile: a new password, confirmed by the current
/// one (whose wrong guesses are throttled like sign-ins). Every other session of the agent ends.
pub async fn change_password(app: &App, mut req: Request) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let (agent, session) = session(app, &req).await?;
    let body: ChangePassword = http::read_json(&mut req).await?;
    validate_new_password("new_password", &body.new_password)?;
    let keys = throttle_keys(&req, &agent.email);
    count_attempt(app, &keys).await?;
    if !secrets::verify_password(&body.current_password, &agent.password_hash).await? {
        return Err(Rejection::field("current_password", "is not your password").into());
    }
    forgive(app, &keys).await?;
    let hash = secrets::hash_password(&body.new_password).await?.encode();
    store::team::set_password(&app.db, &agent.id, &hash, &session).await?;
    HubStub::of(&app.hub)?
        .sign_out(&agent.id, SignedOut::Everywhere, Sessions::AllBut(session))
        .await?;
    Ok(http::json(&agent.profile(), 200))
}

pub async fn me(app: &App, req: &Request) -> ApiResult<Response> {
    Ok(http::json(&signed_in(app, req).await?.profile(), 200))
}

/// `PUT /api/agent/me/status`: the agent's own available/away toggle.
pub async fn set_status(app: &App, mut req: Request) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let mut agent = signed_in(app, &req).await?;
    let body: SetAgentStatus = http::read_json(&mut req).await?;
    store::set_agent_status(&app.db, &agent.id, body.status).await?;
    Entry::presence(&http::own_origin(&req)?).forget().await;
    agent.status = body.status;
    Ok(http::json(&agent.profile(), 200))
}

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

pub async fn socket(app: &App, req: Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let after = http::after_param(&req)?;
    let (agent, session) = session_to(app, &req, id).await?;
    // Held under the session: it ends when the session or the agent's access does.
    let join = Join {
        who: participant(&agent),
        after,
        session: Some(session),
        subprotocol: None,
        origin: http::own_origin(&req)?,
    };
    ConversationStub::of(&app.conversations, id)?
        .join(&req, &join)
        .await
}

/// `GET /api/agent/inbox/socket`: live changes to the inbox list.
pub async fn inbox_socket(app: &App, req: Request) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    if !http::is_upgrade(&req) {
        return Err(ApiError::new(
            ErrorCode::InvalidField,
            "This route takes a WebSocket upgrade.",
        ));
    }
    let (agent, session) = session(app, &req).await?;
    let origin = http::own_origin(&req)?;
    let response = HubStub::of(&app.hub)?
        .join(&req, &participant(&agent), &session, &origin)
        .await?;
    // The agent is present from now on (the inbox object forgets it again when they leave).
    Entry::presence(&origin).forget().await;
    Ok(response)
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
