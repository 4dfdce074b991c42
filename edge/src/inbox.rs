//! The inbox hub, a Durable Object: one per deployment ([`HUB`]). Every agent viewing the inbox
//! app holds a hibernating WebSocket here, which remembers the inboxes they see (their access,
//! read from D1 when the socket opens and again on [`access_changed`]); conversation objects call
//! [`notify`] when a row of the index changes, and the hub pushes the row to the agents who see
//! its inbox, and to no one else.
//!
//! Routing is decided here, one decision at a time (`POST /route`): a new conversation's first
//! message makes its conversation object ask, and the hub picks the member of the
//! conversation's inbox by the channel's rule from their presence (known here), chat limits and
//! open conversations. One hub serialises every inbox's decisions: decisions are short, and one
//! object also knows every agent's presence, which availability and routing both need.
//!
//! It is also where agent presence is known: an agent is present while their inbox page holds a
//! socket here. When one closes, the object deletes the presence snapshot from the edge cache
//! (its socket keeps the Worker's origin for that), so the widgets see the change at once.
//!
//! Internal routes: `GET /socket` (upgrade; the front Worker has authenticated the agent),
//! `GET /presence` (ids of the agents present), `POST /notify` with a `ConversationSummary`,
//! `POST /route` with the `ConversationSummary` of a new conversation (assigned, then pushed),
//! `POST /mention` (a note's mention, to the mentioned agents' sockets), `POST /access` (the
//! inboxes agents see changed), `POST /moved` with a `ConversationSummary` (it changed inbox:
//! pushed to those who see the new one, `gone` to the others),
//! and `POST /sign-out` with a [`SignOut`]: the agent's sockets get a `signed_out` frame and
//! are closed (their sessions have ended, or they were removed from the team).
//!
//! After each change to who may see what (`/access`, `/moved`, `/sign-out`), the hub also ends
//! access where it flows: every conversation with an open thread whose holder lost access is
//! asked to check its sockets again (`store::access`), so no thread outlives its access.

use domain::routing;
use futures_util::future::join_all;
use futures_util::lock::Mutex;
use protocol::api::{ConversationSummary, ErrorCode, Mention};
use protocol::frame::{InboxFrame, SignedOut};
use protocol::settings::{RoutingRule, RoutingSettings};
use protocol::Channel;
use serde::{Deserialize, Serialize};
use worker::{
    console_error, durable_object, DurableObject, Env, Method, ObjectNamespace, Request,
    RequestInit, Response, Result, State, WebSocket, WebSocketIncomingMessage, WebSocketPair,
};

use crate::conversation::close_politely;
use crate::edge_cache::Entry;
use crate::error::ApiError;
use crate::participant::{Participant, SESSION_HEADER};
use crate::routes::relay;
use crate::{config, http, store};

/// The name of the deployment's one hub object.
pub const HUB: &str = "default";

#[durable_object]
pub struct Inbox {
    state: State,
    env: Env,
    /// Held for each routing decision, from reading the members' state to storing the choice:
    /// requests to one object interleave while they wait on D1, and two decisions made on the
    /// same counts could both take a member's last free place.
    routing: Mutex<()>,
}

impl DurableObject for Inbox {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            routing: Mutex::new(()),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        match (req.method(), req.path().as_str()) {
            (Method::Get, "/socket") if http::is_upgrade(&req) => {
                let who = Participant::from_request(&req)?;
                let inboxes = match &who {
                    Participant::Agent { id, .. } => self.access_of(id).await?,
                    Participant::Visitor { .. } => Vec::new(),
                };
                let session = req.headers().get(SESSION_HEADER)?;
                let expires_at = match &session {
                    Some(digest) => {
                        let db = self.env.d1(config::DB)?;
                        store::session_expiry(&db, digest).await?
                    }
                    None => None,
                };
                let viewer = Viewer {
                    who,
                    origin: req.url()?.origin().ascii_serialization(),
                    session,
                    inboxes,
                    expires_at,
                };
                let WebSocketPair { client, server } = WebSocketPair::new()?;
                self.state.accept_web_socket(&server);
                server.serialize_attachment(&viewer)?;
                // Signed out when the session expires, even if nobody does anything.
                if let Some(at) = expires_at {
                    crate::alarms::wake_by(&self.state.storage(), at).await?;
                }
                Response::from_websocket(client)
            }
            (Method::Get, "/presence") => Ok(http::json(&self.present_agents(), 200)),
            (Method::Post, "/notify") => {
                let summary: ConversationSummary = req.json().await?;
                self.push(&summary)?;
                Ok(http::no_content())
            }
            (Method::Post, "/route") => {
                let summary: ConversationSummary = req.json().await?;
                let routed = self.route(summary).await?;
                self.push(&routed)?;
                Ok(http::json(&routed, 200))
            }
            (Method::Post, "/mention") => {
                let told: Told = req.json().await?;
                let text = serde_json::to_string(&InboxFrame::Mention(told.mention))?;
                for ws in self.state.get_websockets() {
                    if let Ok(Some(Viewer {
                        who: Participant::Agent { id, .. },
                        ..
                    })) = ws.deserialize_attachment::<Viewer>()
                    {
                        if told.agent_ids.contains(&id) {
                            let _ = ws.send_with_str(&text);
                        }
                    }
                }
                Ok(http::no_content())
            }
            (Method::Post, "/access") => {
                self.reload_access().await?;
                self.end_lost_access().await?;
                Ok(http::no_content())
            }
            (Method::Post, "/moved") => {
                let summary: ConversationSummary = req.json().await?;
                let row = serde_json::to_string(&InboxFrame::Conversation(summary.clone()))?;
                let gone = serde_json::to_string(&InboxFrame::Gone(summary.id))?;
                for (ws, viewer) in self.viewers() {
                    let text = if viewer.sees(&summary.inbox_id) {
                        &row
                    } else {
                        &gone
                    };
                    let _ = ws.send_with_str(text);
                }
                self.end_lost_access().await?;
                Ok(http::no_content())
            }
            (Method::Post, "/sign-out") => {
                let out: SignOut = req.json().await?;
                self.sign_out(&out).await?;
                self.end_lost_access().await?;
                Ok(http::no_content())
            }
            _ => Ok(ApiError::new(ErrorCode::NotFound, "No such route.").into_response()),
        }
    }

    /// Signs out the sockets whose session has expired, then sleeps until the next expiry.
    async fn alarm(&self) -> Result<Response> {
        let now = store::now();
        let text = serde_json::to_string(&InboxFrame::SignedOut(SignedOut::Ended))?;
        let mut next: Option<protocol::Millis> = None;
        for (ws, viewer) in self.viewers() {
            match viewer.expires_at {
                Some(at) if at <= now => {
                    // The peer may be gone already; the socket is closed either way.
                    let _ = ws.send_with_str(&text);
                    let _ = ws.close(Some(SIGNED_OUT_CLOSE), Some("session expired"));
                    Entry::presence(&viewer.origin).forget().await;
                }
                Some(at) => next = Some(next.map_or(at, |n| n.min(at))),
                None => {}
            }
        }
        crate::alarms::sleep_until(&self.state.storage(), [next]).await?;
        Response::empty()
    }

    async fn websocket_message(
        &self,
        _ws: WebSocket,
        _msg: WebSocketIncomingMessage,
    ) -> Result<()> {
        // Agents only listen on this socket; anything they send is ignored.
        Ok(())
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        _reason: String,
        _was_clean: bool,
    ) -> Result<()> {
        self.left(&ws).await;
        close_politely(&ws, code)
    }

    async fn websocket_error(&self, ws: WebSocket, _error: worker::Error) -> Result<()> {
        self.left(&ws).await;
        close_politely(&ws, 1011)
    }
}

/// What an inbox socket keeps: the agent, the Worker origin they came through, and the digest
/// of the session that opened it.
#[derive(Serialize, Deserialize)]
struct Viewer {
    who: Participant,
    origin: String,
    #[serde(default)]
    session: Option<String>,
    /// The inboxes they see.
    #[serde(default)]
    inboxes: Vec<String>,
    /// When the session that opened it expires.
    #[serde(default)]
    expires_at: Option<protocol::Millis>,
}

impl Viewer {
    fn sees(&self, inbox_id: &str) -> bool {
        self.inboxes.iter().any(|i| i == inbox_id)
    }
}

/// `POST /mention`: a note that mentions these agents, for their open inboxes.
#[derive(Serialize, Deserialize)]
struct Told {
    agent_ids: Vec<String>,
    mention: Mention,
}

/// `POST /sign-out`: whose sockets to close, and why.
#[derive(Serialize, Deserialize)]
struct SignOut {
    agent_id: String,
    why: SignedOut,
    sessions: Sessions,
}

/// Which of an agent's sessions (by digest) a sign-out ends.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sessions {
    /// Every one (signed out everywhere, removed from the team).
    All,
    /// All but this one (the one that changed the password).
    AllBut(String),
    /// Only this one (signed out there).
    Only(String),
}

impl Sessions {
    fn cover(&self, session: Option<&str>) -> bool {
        match self {
            Self::All => true,
            Self::AllBut(kept) => session != Some(kept.as_str()),
            Self::Only(ended) => session == Some(ended.as_str()),
        }
    }
}

/// The close code of a socket whose agent was signed out (a private-use code).
const SIGNED_OUT_CLOSE: u16 = 4001;

impl Inbox {
    /// Sends a changed row to every agent watching who sees its inbox.
    fn push(&self, summary: &ConversationSummary) -> Result<()> {
        let text = serde_json::to_string(&InboxFrame::Conversation(summary.clone()))?;
        for (ws, viewer) in self.viewers() {
            if viewer.sees(&summary.inbox_id) {
                // A closing socket misses this row; its client reloads the list on reconnect.
                let _ = ws.send_with_str(&text);
            }
        }
        Ok(())
    }

    /// Every open socket with what it remembers.
    fn viewers(&self) -> Vec<(WebSocket, Viewer)> {
        self.state
            .get_websockets()
            .into_iter()
            .filter_map(|ws| match ws.deserialize_attachment::<Viewer>() {
                Ok(Some(viewer)) => Some((ws, viewer)),
                _ => None,
            })
            .collect()
    }

    /// The inboxes agent `id` sees now.
    async fn access_of(&self, id: &str) -> Result<Vec<String>> {
        let db = self.env.d1(config::DB)?;
        Ok(store::inboxes::access(&db, Some(id))
            .await?
            .into_iter()
            .find(|(agent, _)| agent == id)
            .map(|(_, inboxes)| inboxes)
            .unwrap_or_default())
    }

    /// Reads every agent's access again and tells each open inbox app to reload.
    async fn reload_access(&self) -> Result<()> {
        let db = self.env.d1(config::DB)?;
        let access = store::inboxes::access(&db, None).await?;
        let text = serde_json::to_string(&InboxFrame::AccessChanged)?;
        for (ws, mut viewer) in self.viewers() {
            let Participant::Agent { id, .. } = &viewer.who else {
                continue;
            };
            viewer.inboxes = access
                .iter()
                .find(|(agent, _)| agent == id)
                .map(|(_, inboxes)| inboxes.clone())
                .unwrap_or_default();
            ws.serialize_attachment(&viewer)?;
            let _ = ws.send_with_str(&text);
        }
        // Who answers which channel may have changed: availability is computed afresh.
        self.forget_presence().await;
        Ok(())
    }

    /// Assigns a new conversation by its site's routing rule (`domain::routing`), one decision
    /// at a time; the row as it now is (unchanged when nobody is eligible).
    async fn route(&self, summary: ConversationSummary) -> Result<ConversationSummary> {
        let _one_at_a_time = self.routing.lock().await;
        let db = self.env.d1(config::DB)?;
        // Given to a team: among its members available now. Otherwise a website chat goes by
        // its site's rule, a Page or number by its own flow's.
        let rule = match (&summary.team_id, summary.channel) {
            (Some(team), _) => Some(RoutingSettings {
                rule: RoutingRule::Members {
                    agent_ids: Vec::new(),
                    team_ids: vec![team.clone()],
                },
                only_available: true,
            }),
            (None, Channel::Chat) => store::chat_settings(&db, &summary.site_id)
                .await?
                .map(|s| s.routing),
            (None, _) => store::conversation_connection(&db, &summary.id)
                .await?
                .map(|c| c.flow().routing),
        };
        let Some(rule) = rule else {
            return Ok(summary);
        };
        let owner = match rule.rule {
            RoutingRule::ContactOwner { .. } => {
                store::mail::contact_owner(&db, &summary.id).await?
            }
            _ => None,
        };
        let candidates =
            store::routing_candidates(&db, Some(&summary.inbox_id), &self.present_agents()).await?;
        let Some(chosen) = routing::choose(&rule, &candidates, owner.as_deref()) else {
            return Ok(summary);
        };
        match store::route_to(&db, &summary.id, &chosen.id, store::now()).await? {
            Some(routed) => {
                // Their open count changed, and with it perhaps the channel's capacity.
                self.forget_presence().await;
                // Given it while away (an owner, or "only available" off): they are told by
                // e-mail.
                if !chosen.available {
                    self.notify_away(&routed.id, &chosen.id).await?;
                }
                Ok(routed)
            }
            None => Ok(summary),
        }
    }

    /// E-mails a member routed a conversation while away.
    async fn notify_away(&self, conversation_id: &str, agent_id: &str) -> Result<()> {
        let app = crate::config::App::new(self.env.clone())?;
        if let Some(agent) = store::team::agent(&app.db, agent_id).await? {
            let origin = self.viewers().into_iter().map(|(_, v)| v.origin).next();
            crate::mail::notify_assignment(&app, conversation_id, &agent, None, origin.as_deref())
                .await;
        }
        Ok(())
    }

    /// Drops the cached presence (through the origin an open inbox came by; with no inbox
    /// open, nobody is present and the cached value cannot be wrong about capacity).
    async fn forget_presence(&self) {
        let origin = self.state.get_websockets().iter().find_map(|ws| {
            ws.deserialize_attachment::<Viewer>()
                .ok()
                .flatten()
                .map(|v| v.origin)
        });
        if let Some(origin) = origin {
            Entry::presence(&origin).forget().await;
        }
    }

    /// Tells each of the agent's sockets why, then closes it; they are no longer present.
    async fn sign_out(&self, out: &SignOut) -> Result<()> {
        let text = serde_json::to_string(&InboxFrame::SignedOut(out.why))?;
        for ws in self.state.get_websockets() {
            let Ok(Some(viewer)) = ws.deserialize_attachment::<Viewer>() else {
                continue;
            };
            let theirs =
                matches!(&viewer.who, Participant::Agent { id, .. } if *id == out.agent_id);
            if theirs && out.sessions.cover(viewer.session.as_deref()) {
                // The peer may be gone already; the socket is closed either way.
                let _ = ws.send_with_str(&text);
                let _ = ws.close(Some(SIGNED_OUT_CLOSE), Some("signed out"));
                Entry::presence(&viewer.origin).forget().await;
            }
        }
        Ok(())
    }

    /// After a change to who may see what (already in D1): every conversation where an open
    /// thread's holder lost access checks its sockets and closes those (`crate::conversation`'s
    /// `access`). All are asked at once, so access ends everywhere within a second.
    async fn end_lost_access(&self) -> Result<()> {
        let app = config::App::new(self.env.clone())?;
        let revoked = store::access::revoked(&app.db, store::now()).await?;
        let checks = revoked.iter().map(|id| relay::check_access(&app, id));
        for (id, checked) in revoked.iter().zip(join_all(checks).await) {
            if let Err(e) = checked {
                console_error!("the sockets of {id} were not checked: {}", e.message);
            }
        }
        Ok(())
    }

    /// An agent's inbox closed: the cached presence is stale.
    async fn left(&self, ws: &WebSocket) {
        if let Ok(Some(viewer)) = ws.deserialize_attachment::<Viewer>() {
            Entry::presence(&viewer.origin).forget().await;
        }
    }

    /// The agents with the inbox open now (an accepted socket not yet closed), each once.
    fn present_agents(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .state
            .get_websockets()
            .iter()
            .filter_map(|ws| match ws.deserialize_attachment::<Viewer>() {
                Ok(Some(Viewer {
                    who: Participant::Agent { id, .. },
                    ..
                })) => Some(id),
                _ => None,
            })
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

/// The agents with the inbox open now.
pub async fn present_agents(inboxes: &ObjectNamespace) -> Result<Vec<String>> {
    let stub = inboxes.id_from_name(HUB)?.get_stub()?;
    stub.fetch_with_str("https://inbox/presence")
        .await?
        .json()
        .await
}

/// Signs an agent's open inbox pages of `sessions` out: they are told why and their sockets
/// are closed, and so are their open threads (the sessions have ended in D1 already).
pub async fn sign_out(
    inboxes: &ObjectNamespace,
    agent_id: &str,
    why: SignedOut,
    sessions: Sessions,
) -> Result<()> {
    let body = SignOut {
        agent_id: agent_id.to_owned(),
        why,
        sessions,
    };
    post(inboxes, "sign-out", &body).await
}

/// Assigns an unassigned conversation (one that just got its first message, by the routing
/// rules; or one just given to a team, among its members), then pushes its row to the agents
/// who see its inbox; the row as it now is.
pub async fn route(env: &Env, summary: &ConversationSummary) -> Result<ConversationSummary> {
    let mut answer = ask(&env.durable_object(config::INBOX)?, "route", summary).await?;
    answer.json().await
}

/// Tells the mentioned agents' open inboxes about a note.
pub async fn mention(
    inboxes: &ObjectNamespace,
    agent_ids: &[String],
    mention: &Mention,
) -> Result<()> {
    let body = Told {
        agent_ids: agent_ids.to_vec(),
        mention: mention.clone(),
    };
    post(inboxes, "mention", &body).await
}

/// Pushes a changed inbox row to the agents who see its inbox.
pub async fn notify(env: &Env, summary: &ConversationSummary) -> Result<()> {
    post(&env.durable_object(config::INBOX)?, "notify", summary).await
}

/// A conversation moved to another inbox: its row goes to those who see that one, and those
/// who do not drop it.
pub async fn moved(inboxes: &ObjectNamespace, summary: &ConversationSummary) -> Result<()> {
    post(inboxes, "moved", summary).await
}

/// The inboxes agents see changed: open inbox apps reload theirs.
pub async fn access_changed(inboxes: &ObjectNamespace) -> Result<()> {
    post(inboxes, "access", &()).await
}

/// `POST /{route}` with `body` as JSON to the hub.
async fn post<T: Serialize>(inboxes: &ObjectNamespace, route: &str, body: &T) -> Result<()> {
    ask(inboxes, route, body).await?;
    Ok(())
}

/// As [`post`], with the hub's answer.
async fn ask<T: Serialize>(inboxes: &ObjectNamespace, route: &str, body: &T) -> Result<Response> {
    let stub = inboxes.id_from_name(HUB)?.get_stub()?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_body(Some(serde_json::to_string(body)?.into()));
    stub.fetch_with_request(Request::new_with_init(
        &format!("https://inbox/{route}"),
        &init,
    )?)
    .await
}
