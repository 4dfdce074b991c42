//! The inbox hub, a Durable Object: one per deployment (`crate::contracts::hub::HUB`). Every agent viewing the inbox
//! app holds a hibernating WebSocket here, which remembers the inboxes they see (their access,
//! read from D1 when the socket opens and again on [`Call::AccessChanged`]); conversation objects call
//! [`Call::Notify`] when a row of the index changes, and the hub pushes the row to the agents who see
//! its inbox, and to no one else.
//!
//! Routing is decided here, one decision at a time ([`Call::Route`]): a new conversation's first
//! message makes its conversation object ask, and the hub picks the member of the
//! conversation's inbox by the channel's rule from their presence (known here), chat limits and
//! open conversations. One hub serialises every inbox's decisions: decisions are short, and one
//! object also knows every agent's presence, which availability and routing both need.
//!
//! It is also where agent presence is known: an agent is present while their inbox page holds a
//! socket here. When one closes, the object deletes the presence snapshot from the edge cache
//! (its socket keeps the Worker's origin for that), so the widgets see the change at once.
//!
//! What it is asked is its contract, `crate::contracts::hub` ([`Call`], with the client every
//! caller uses).
//!
//! After each change to who may see what (access, a move, a sign-out), the hub also ends
//! access where it flows: every conversation with an open thread whose holder lost access is
//! asked to check its sockets again (`store::access`), so no thread outlives its access.

use futures_util::lock::Mutex;
use protocol::api::ConversationSummary;
use protocol::frame::{ListFrame, SignedOut};
use serde::{Deserialize, Serialize};
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, State, WebSocket,
    WebSocketIncomingMessage, WebSocketPair,
};

use super::close_politely;
use crate::edge_cache::Entry;
use crate::error::{ApiError, ApiResult};
use crate::participant::Participant;
use crate::{config, http, store};

mod access;
mod routing;
use crate::contracts::hub::Call;

#[durable_object]
pub struct Hub {
    state: State,
    env: Env,
    /// Held for each routing decision, from reading the members' state to storing the choice:
    /// requests to one object interleave while they wait on D1, and two decisions made on the
    /// same counts could both take a member's last free place.
    routing: Mutex<()>,
}

impl DurableObject for Hub {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            routing: Mutex::new(()),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let answer = match Call::from_request(&mut req).await {
            Ok(call) => self.handle(call, &req).await,
            Err(e) => Err(e),
        };
        Ok(answer.unwrap_or_else(ApiError::into_response))
    }

    /// Signs out the sockets whose session has expired, then sleeps until the next expiry.
    async fn alarm(&self) -> Result<Response> {
        let now = store::now();
        let text = serde_json::to_string(&ListFrame::SignedOut(SignedOut::Ended))?;
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

/// What a list socket keeps: the agent, the Worker origin they came through, and the digest
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

/// The close code of a socket whose agent was signed out (a private-use code).
pub(super) const SIGNED_OUT_CLOSE: u16 = 4001;

impl Hub {
    /// Does what `call` asks (see [`Call`]).
    async fn handle(&self, call: Call, req: &Request) -> ApiResult<Response> {
        match call {
            Call::Join {
                who,
                session,
                origin,
            } => self.join(req, who, session, origin).await,
            Call::Presence => Ok(http::json(&self.present_agents(), 200)),
            Call::Notify(summary) => {
                self.push(&summary)?;
                Ok(http::no_content())
            }
            Call::Route(summary) => {
                let routed = self.route(summary).await?;
                self.push(&routed)?;
                Ok(http::json(&routed, 200))
            }
            Call::Mention { agent_ids, mention } => {
                let text = serde_json::to_string(&ListFrame::Mention(mention))?;
                for (ws, viewer) in self.viewers() {
                    if let Participant::Agent { id, .. } = &viewer.who {
                        if agent_ids.contains(id) {
                            let _ = ws.send_with_str(&text);
                        }
                    }
                }
                Ok(http::no_content())
            }
            Call::AccessChanged => {
                self.reload_access().await?;
                self.end_lost_access().await?;
                Ok(http::no_content())
            }
            Call::Moved(summary) => {
                let row = serde_json::to_string(&ListFrame::Conversation(summary.clone()))?;
                let gone = serde_json::to_string(&ListFrame::Gone(summary.id))?;
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
            Call::Erased(ids) => {
                for id in ids {
                    let gone = serde_json::to_string(&ListFrame::Gone(id))?;
                    for (ws, _) in self.viewers() {
                        let _ = ws.send_with_str(&gone);
                    }
                }
                Ok(http::no_content())
            }
            Call::SignOut {
                agent_id,
                why,
                sessions,
            } => {
                self.sign_out(&agent_id, why, &sessions).await?;
                self.end_lost_access().await?;
                Ok(http::no_content())
            }
        }
    }

    /// Accepts an agent's inbox-list socket, remembering the inboxes they see and when the
    /// session that opened it expires (the alarm signs it out then).
    async fn join(
        &self,
        req: &Request,
        who: Participant,
        session: String,
        origin: String,
    ) -> ApiResult<Response> {
        if !http::is_upgrade(req) {
            return Err(ApiError::new(
                protocol::api::ErrorCode::InvalidField,
                "Expected a WebSocket upgrade.",
            ));
        }
        let inboxes = match &who {
            Participant::Agent { id, .. } => self.access_of(id).await?,
            Participant::Visitor { .. } | Participant::Bot { .. } => Vec::new(),
        };
        let db = self.env.d1(config::DB)?;
        let expires_at = store::session_expiry(&db, &session).await?;
        let viewer = Viewer {
            who,
            origin,
            session: Some(session),
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
        Ok(Response::from_websocket(client)?)
    }

    /// Sends a changed row to every agent watching who sees its inbox.
    fn push(&self, summary: &ConversationSummary) -> Result<()> {
        let text = serde_json::to_string(&ListFrame::Conversation(summary.clone()))?;
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
