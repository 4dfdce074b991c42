//! The inbox Durable Object: one per inbox (today one per deployment, [`DEFAULT_INBOX`]), addressed by its id. Agents
//! viewing the inbox hold a hibernating WebSocket here; conversation objects call [`notify`]
//! when a row of the inbox index changes, and the object pushes the row to every agent.
//!
//! This is also where routing state that must be decided in one place (capacity counts, round
//! robin, presence) will live.
//!
//! It is also where agent presence is known: an agent is present while their inbox page holds a
//! socket here. When one closes, the object deletes the presence snapshot from the edge cache
//! (its socket keeps the Worker's origin for that), so the widgets see the change at once.
//!
//! Internal routes: `GET /socket` (upgrade; the front Worker has authenticated the agent),
//! `GET /presence` (ids of the agents present) and `POST /notify` with a `ConversationSummary`.

use protocol::api::{ConversationSummary, ErrorCode};
use protocol::frame::InboxFrame;
use serde::{Deserialize, Serialize};
use worker::{
    durable_object, DurableObject, Env, Method, ObjectNamespace, Request, RequestInit, Response,
    Result, State, WebSocket, WebSocketIncomingMessage, WebSocketPair,
};

use crate::conversation::close_politely;
use crate::edge_cache::Entry;
use crate::error::ApiError;
use crate::participant::Participant;
use crate::{config, http};

/// The one inbox of a deployment until inboxes can be configured; every conversation reports here.
pub const DEFAULT_INBOX: &str = "default";

#[durable_object]
pub struct Inbox {
    state: State,
}

impl DurableObject for Inbox {
    fn new(state: State, _env: Env) -> Self {
        Self { state }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        match (req.method(), req.path().as_str()) {
            (Method::Get, "/socket") if http::is_upgrade(&req) => {
                let viewer = Viewer {
                    who: Participant::from_request(&req)?,
                    origin: req.url()?.origin().ascii_serialization(),
                };
                let WebSocketPair { client, server } = WebSocketPair::new()?;
                self.state.accept_web_socket(&server);
                server.serialize_attachment(&viewer)?;
                Response::from_websocket(client)
            }
            (Method::Get, "/presence") => Ok(http::json(&self.present_agents(), 200)),
            (Method::Post, "/notify") => {
                let summary: ConversationSummary = req.json().await?;
                let text = serde_json::to_string(&InboxFrame::Conversation(summary))?;
                for ws in self.state.get_websockets() {
                    // A closing socket misses this row; its client reloads the list on reconnect.
                    let _ = ws.send_with_str(&text);
                }
                Ok(http::no_content())
            }
            _ => Ok(ApiError::new(ErrorCode::NotFound, "No such route.").into_response()),
        }
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

/// What an inbox socket keeps: the agent, and the Worker origin they came through.
#[derive(Serialize, Deserialize)]
struct Viewer {
    who: Participant,
    origin: String,
}

impl Inbox {
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
pub async fn present_agents(inboxes: &ObjectNamespace, inbox_id: &str) -> Result<Vec<String>> {
    let stub = inboxes.id_from_name(inbox_id)?.get_stub()?;
    stub.fetch_with_str("https://inbox/presence")
        .await?
        .json()
        .await
}

/// Pushes a changed inbox row to the agents watching `inbox_id`.
pub async fn notify(env: &Env, inbox_id: &str, summary: &ConversationSummary) -> Result<()> {
    let stub = env
        .durable_object(config::INBOX)?
        .id_from_name(inbox_id)?
        .get_stub()?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_body(Some(serde_json::to_string(summary)?.into()));
    stub.fetch_with_request(Request::new_with_init("https://inbox/notify", &init)?)
        .await?;
    Ok(())
}
