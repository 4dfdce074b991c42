//! The participants' hibernating WebSockets: a socket joins (the replay of what its client
//! missed, then who is here and how the visitor is reached), its frames are handled, and every
//! stored change fans out to the sockets that may see it (an agents-only frame never reaches a
//! visitor). Who is present is decided in `rules` from the sockets' attachments.

use protocol::api::ErrorCode;
use protocol::frame::{AgentFrame, AgentRef, ClientFrame, ServerFrame};
use protocol::limits::{HISTORY_PAGE_MAX, REQUEST_MAX_BYTES};
use worker::{
    console_error, Headers, Request, Response, Result, WebSocket, WebSocketIncomingMessage,
    WebSocketPair,
};

use super::rules::{self, Seat};
use super::{access, Conversation, ORIGIN_TAG};
use crate::contracts::conversation::Join;
use crate::error::ApiError;
use crate::http;
use crate::participant::Participant;
use crate::store;

impl Conversation {
    /// A frame from a participant's socket: a send is stored and acknowledged (or refused with
    /// its client id), typing is passed on, a read position is stored and told; a visitor's
    /// frames count against their flood limit, and a frame that would store something is
    /// checked against the sender's access first.
    pub(super) async fn on_frame(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> Result<()> {
        let Some(who) = ws.deserialize_attachment::<Participant>()? else {
            return ws.close(Some(1011), Some("unknown participant"));
        };
        let origin = self
            .state
            .get_tags(&ws)
            .into_iter()
            .find_map(|t| t.strip_prefix(ORIGIN_TAG).map(str::to_owned))
            .filter(|o| !o.is_empty());
        let frame = match message {
            WebSocketIncomingMessage::String(text) if text.len() <= REQUEST_MAX_BYTES => {
                serde_json::from_str::<ClientFrame>(&text).map_err(|e| {
                    ApiError::new(ErrorCode::MalformedBody, format!("Not a valid frame: {e}."))
                })
            }
            WebSocketIncomingMessage::String(_) => Err(ApiError::new(
                ErrorCode::BodyTooLarge,
                format!("A frame can be at most {REQUEST_MAX_BYTES} bytes."),
            )),
            WebSocketIncomingMessage::Binary(_) => Err(ApiError::new(
                ErrorCode::MalformedBody,
                "Frames are JSON text, not binary.",
            )),
        };
        // A visitor's frames count against their flood limit (`crate::floods`): a refused
        // send is told with its client id (the widget keeps the text), the rest dropped.
        if let Participant::Visitor { visitor_id } = &who {
            let counted = self.frames.borrow_mut().count(visitor_id, store::now());
            if let Err(e) = counted {
                if let Ok(ClientFrame::Send(send)) = frame {
                    ws.send(&ServerFrame::Error {
                        code: e.code,
                        message: e.message,
                        client_id: Some(send.client_id),
                    })?;
                }
                return Ok(());
            }
        }
        // A frame that would store something is checked against the sender's access first.
        if matches!(frame, Ok(ClientFrame::Send(_) | ClientFrame::Read { .. }))
            && !self.may_still_see(&ws, &who).await?
        {
            return Ok(());
        }
        let reply = match frame {
            Ok(ClientFrame::Send(send)) => {
                match self.accept(&who, &send, origin.as_deref()).await {
                    Ok(accepted) => ServerFrame::Ack {
                        client_id: accepted.message.client_id,
                        seq: accepted.message.seq,
                        duplicate: accepted.duplicate,
                    },
                    Err(e) => ServerFrame::Error {
                        code: e.code,
                        message: e.message,
                        client_id: Some(send.client_id),
                    },
                }
            }
            Ok(ClientFrame::Typing { active }) => {
                let frame = ServerFrame::Typing {
                    author: who.author(),
                    active,
                };
                self.send_all(&frame, |other| other != &ws);
                return Ok(());
            }
            Ok(ClientFrame::Read { seq }) => {
                if let Some(seq) = self.log.mark_read(&who, seq)? {
                    let frame = ServerFrame::Read {
                        by: who.author(),
                        seq,
                    };
                    self.send_all(&frame, |_| true);
                }
                return Ok(());
            }
            Err(e) => ServerFrame::Error {
                code: e.code,
                message: e.message,
                client_id: None,
            },
        };
        ws.send(&reply)
    }

    /// Sends an agents-only frame to the agents' sockets; never to a visitor's.
    pub(super) fn send_to_agents(&self, frame: &AgentFrame) {
        let Ok(text) = serde_json::to_string(frame) else {
            return;
        };
        for ws in self.state.get_websockets() {
            if let Ok(Some(Participant::Agent { .. })) = ws.deserialize_attachment::<Participant>()
            {
                let _ = ws.send_with_str(&text);
            }
        }
    }

    /// Sends a frame to every connected participant, sender included.
    pub(super) fn broadcast(&self, frame: &ServerFrame) {
        self.send_all(frame, |_| true);
    }

    /// Sends a frame to the connected participants `to` accepts.
    pub(super) fn send_all(&self, frame: &ServerFrame, to: impl Fn(&WebSocket) -> bool) {
        let Ok(text) = serde_json::to_string(frame) else {
            return;
        };
        for ws in self.state.get_websockets().iter().filter(|ws| to(ws)) {
            // A socket that is closing cannot take the frame; its client resumes by sequence.
            let _ = ws.send_with_str(&text);
        }
    }

    /// Every socket with who holds it, leaving out `gone`.
    pub(super) fn seated(&self, gone: Option<&WebSocket>) -> Vec<(WebSocket, Participant)> {
        self.state
            .get_websockets()
            .into_iter()
            .filter(|ws| Some(ws) != gone)
            .filter_map(|ws| match ws.deserialize_attachment::<Participant>() {
                Ok(Some(who)) => Some((ws, who)),
                _ => None,
            })
            .collect()
    }

    /// Presence's view of the sockets: CONNECTING (0) or OPEN (1) counts; a closing socket has
    /// already left.
    pub(super) fn seats(seated: &[(WebSocket, Participant)]) -> impl Iterator<Item = Seat<'_>> {
        seated.iter().map(|(ws, who)| Seat {
            who,
            open: ws.as_ref().ready_state() <= 1,
        })
    }

    /// The agents with the conversation open, each once, leaving out `gone`.
    pub(super) fn present_agents(&self, gone: Option<&WebSocket>) -> Vec<AgentRef> {
        rules::present_agents(Self::seats(&self.seated(gone)))
    }

    /// Tells everyone when an agent's socket goes, so "who is here" stays true.
    pub(super) fn leave(&self, ws: &WebSocket) {
        match ws.deserialize_attachment::<Participant>() {
            Ok(Some(Participant::Agent { .. })) => {
                let frame = ServerFrame::Agents {
                    present: self.present_agents(Some(ws)),
                };
                self.send_all(&frame, |other| other != ws);
            }
            Ok(Some(Participant::Visitor { .. })) => {
                if let Err(e) = self.announce_reach(Some(ws)) {
                    console_error!("who is here could not be told: {e}");
                }
            }
            _ => {}
        }
    }

    /// A closed socket's listing goes (see [`access`]); a failure leaves it to the next check.
    pub(super) async fn unlist_logged(&self, ws: &WebSocket) {
        if let Err(e) = self.unlist(ws).await {
            console_error!("a closed socket stays listed until the next check: {e}");
        }
    }

    /// How the visitor is reached now, leaving out socket `gone`; `None` unless a website chat.
    pub(super) fn reach(&self, gone: Option<&WebSocket>) -> Result<Option<AgentFrame>> {
        if self.log.identity()?.is_none_or(|i| i.meta.is_some()) {
            return Ok(None);
        }
        let visitor_present = rules::visitor_present(Self::seats(&self.seated(gone)));
        Ok(Some(AgentFrame::Reach {
            visitor_present,
            reply_by: self.log.reply_by()?,
        }))
    }

    /// Tells the agents how the visitor is reached (see [`Self::reach`]).
    pub(super) fn announce_reach(&self, gone: Option<&WebSocket>) -> Result<()> {
        if let Some(frame) = self.reach(gone)? {
            self.send_to_agents(&frame);
        }
        Ok(())
    }

    /// Accepts a participant's WebSocket, replays what they missed, then keeps it for live
    /// frames. An agent's is held under their session (see [`access`]).
    pub(super) async fn join(&self, req: &Request, join: Join) -> Result<Response> {
        if !http::is_upgrade(req) {
            return Ok(
                ApiError::new(ErrorCode::InvalidField, "Expected a WebSocket upgrade.")
                    .into_response(),
            );
        }
        let Join {
            who,
            after,
            session,
            subprotocol,
            origin,
        } = join;
        let hold = match &who {
            Participant::Agent { .. } => match self.admit(session, &who).await? {
                Some(hold) => Some(hold),
                None => {
                    return Ok(ApiError::new(
                        ErrorCode::Unauthenticated,
                        "Your session has ended; please sign in again.",
                    )
                    .into_response())
                }
            },
            Participant::Visitor { .. } => None,
            Participant::Bot { .. } => {
                return Ok(
                    ApiError::new(ErrorCode::Forbidden, "A bot has no socket.").into_response()
                );
            }
        };
        let WebSocketPair { client, server } = WebSocketPair::new()?;
        let (kind, id) = who.scope();
        // The second tag keeps the public origin the socket came through, for the sends that
        // arrive on it (a file on Messenger or WhatsApp is linked on it); an agent's socket
        // also keeps the session it is held under.
        let mut tags = vec![format!("{kind}:{id}"), format!("{ORIGIN_TAG}{origin}")];
        tags.extend(hold.iter().flat_map(access::Hold::tags));
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        self.state.accept_websocket_with_tags(&server, &tags);
        if let Some(hold) = &hold {
            // After accepting: an alarm that is running now counts this socket when it
            // reschedules, or this finds the alarm it set.
            self.wake_by(hold.expires_at).await?;
        }
        server.serialize_attachment(&who)?;

        // Replay in pages so a long history never builds one huge result in memory.
        let mut cursor = after;
        loop {
            let page = self.log.after(cursor, HISTORY_PAGE_MAX)?;
            let Some(last) = page.last().map(|m| m.seq) else {
                break;
            };
            for message in page {
                server.send(&ServerFrame::Message(message))?;
            }
            cursor = last;
        }
        server.send(&ServerFrame::Synced {
            last_seq: self.log.last_seq()?,
        })?;
        server.send(&ServerFrame::Status {
            status: self.log.status()?,
        })?;
        for (by, seq) in self.log.reads()? {
            server.send(&ServerFrame::Read { by, seq })?;
        }
        // A bot in its pause before a message is typing.
        if let Some(typing) = self.bot_typing_now()? {
            server.send(&typing)?;
        }
        let agents = ServerFrame::Agents {
            present: self.present_agents(None),
        };
        if matches!(who, Participant::Agent { .. }) {
            // Everyone learns that an agent joined; the newcomer learns who is here and how
            // the visitor is reached.
            self.broadcast(&agents);
            if let Some(reach) = self.reach(None)? {
                server.send(&reach)?;
            }
        } else {
            server.send(&agents)?;
            // The agents learn that the visitor is here.
            self.announce_reach(None)?;
        }

        let headers = Headers::new();
        if let Some(protocol) = subprotocol {
            headers.set("sec-websocket-protocol", &protocol)?;
        }
        Ok(Response::from_websocket(client)?.with_headers(headers))
    }
}
