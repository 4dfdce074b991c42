//! The conversation Durable Object: one per conversation, addressed by the conversation id. It
//! owns the ordered message log in its SQLite storage, assigns sequence numbers, stores each
//! client id once per participant, and fans every stored message out to the participants'
//! hibernating WebSockets (the visitor's widget and any agents with the thread open).
//!
//! Why acknowledgements are safe: a Durable Object's output gate holds every outgoing message
//! (socket frames and HTTP responses) until the storage writes made before it are durable, so an
//! `Ack` can never reach a client for a message that could still be lost.
//!
//! # Layout
//! - What the object is asked is its contract, `crate::contracts::conversation` ([`Call`], one
//!   `match` in [`Conversation::handle`]), with its bodies and the client every caller uses.
//! - `log`: the object's SQLite storage (messages, identity, reads, notes, outbox).
//! - `messages`: a send validated, claimed, stored and delivered; replies by e-mail.
//! - `meta`: replies on Messenger and WhatsApp through the outbox; templates.
//! - `sockets`: joining, frames, fan-out and presence.
//! - `access`: agents' sockets held under their sessions, ended when access goes.
//! - `index`: publishing to the inbox index and list; closing.
//! - `rules`: the decisions (windows, reply-by, presence, when to look again), plain and
//!   tested natively.
//! - `effects`: what a change sets off elsewhere, as values, carried out in one place.
//! - `bot`: the chatflow bot a website chat may start with, run one event at a time.

use std::cell::{Cell, RefCell};

use protocol::api::{ErrorCode, MessageAccepted, MessagePage, NoteList};
use protocol::frame::{AgentFrame, AgentRef};
use protocol::limits::HISTORY_PAGE_MAX;
use protocol::ConversationStatus;
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, State, WebSocket,
    WebSocketIncomingMessage,
};

use crate::error::{ApiError, ApiResult};
use crate::floods::SocketFrames;
use crate::objects::close_politely;
use crate::participant::Participant;
use crate::{http, store};

mod access;
mod bot;
mod effects;
mod erase;
mod index;
mod log;
mod messages;
mod meta;
mod rules;
mod sockets;

use crate::contracts::conversation::{Call, Inbound};
use log::Log;

/// The prefix of a socket's tag that keeps the origin it came through.
const ORIGIN_TAG: &str = "origin=";

#[durable_object]
pub struct Conversation {
    state: State,
    env: Env,
    log: Log,
    /// Visitors' frames on this conversation's sockets, for their flood limit.
    frames: RefCell<SocketFrames>,
    /// Whether the bot's queue is being carried out (`bot::run_bot_queue`, one run at a time).
    bot_running: Cell<bool>,
}

impl DurableObject for Conversation {
    fn new(state: State, env: Env) -> Self {
        let log = Log::open(state.storage().sql());
        let frames = RefCell::new(SocketFrames::new(&env));
        Self {
            state,
            env,
            log,
            frames,
            bot_running: Cell::new(false),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let answer = match Call::from_request(&mut req).await {
            Ok(call) => self.handle(call, &req).await,
            Err(e) => Err(e),
        };
        Ok(answer.unwrap_or_else(ApiError::into_response))
    }

    /// Ends agent sockets whose session expired, carries out what the bot has due (see
    /// [`bot`]), catches the inbox index up (see [`index`]), and hands the outbox to the
    /// REPLIES queue; whatever failed is tried again later. Then sleeps until the next of
    /// these is due.
    async fn alarm(&self) -> Result<Response> {
        let now = store::now();
        self.end_expired(now).await;
        let bot = match self.bot_alarm(now).await {
            Ok(next) => next,
            Err(e) => {
                worker::console_error!("the bot's turn failed: {}", e.message);
                Some(now + rules::RETRY_MS)
            }
        };
        let behind = self.catch_up(now).await?;
        let outbox = self.hand_off(now).await?;
        // Messages stored while this ran are published by the next run, soon.
        let index = behind.or_else(|| self.still_behind(now));
        let due = [outbox, index, self.next_expiry(), bot];
        crate::alarms::sleep_until(&self.state.storage(), due).await?;
        Response::empty()
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> Result<()> {
        self.on_frame(ws, message).await
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        _reason: String,
        _was_clean: bool,
    ) -> Result<()> {
        self.leave(&ws);
        self.unlist_logged(&ws).await;
        close_politely(&ws, code)
    }

    async fn websocket_error(&self, ws: WebSocket, _error: worker::Error) -> Result<()> {
        self.leave(&ws);
        self.unlist_logged(&ws).await;
        close_politely(&ws, 1011)
    }
}

impl Conversation {
    /// Does what `call` asks (see [`Call`] for each call's answer).
    async fn handle(&self, call: Call, req: &Request) -> ApiResult<Response> {
        match call {
            Call::Init(init) => {
                self.log.init(&init)?;
                if let Some(bot) = &init.bot {
                    self.adopt_bot(bot).await?;
                }
                Ok(http::no_content())
            }
            Call::Assigned => {
                self.bot_event(domain::bot::Event::TakenOver).await?;
                Ok(http::no_content())
            }
            Call::Send { who, origin, send } => {
                accepted_response(self.accept(&who, &send, origin.as_deref()).await)
            }
            Call::History { after } => {
                let page = MessagePage {
                    messages: self.log.after(after, HISTORY_PAGE_MAX)?,
                    last_seq: self.log.last_seq()?,
                };
                Ok(http::json(&page, 200))
            }
            Call::Join(join) => Ok(self.join(req, join).await?),
            Call::CheckAccess => {
                self.recheck_access().await?;
                Ok(http::no_content())
            }
            Call::AddNote { who, note } => {
                let Participant::Agent { id, name } = who else {
                    return Err(ApiError::new(ErrorCode::Forbidden, "Notes are the team's."));
                };
                let author = AgentRef { id, name };
                let (note, duplicate) =
                    self.log
                        .add_note(&author, &note.client_id, &note.body, &note.mentions)?;
                if !duplicate {
                    self.send_to_agents(&AgentFrame::Note(note.clone()));
                }
                Ok(http::json(&note, if duplicate { 200 } else { 201 }))
            }
            Call::Erase => {
                self.erase().await?;
                Ok(http::no_content())
            }
            Call::Notes => Ok(http::json(
                &NoteList {
                    notes: self.log.notes()?,
                },
                200,
            )),
            Call::Template {
                who,
                origin,
                template,
            } => accepted_response(self.send_template(&who, &template, Some(&origin)).await),
            Call::Delivery(delivery) => {
                self.send_to_agents(&AgentFrame::Delivery(delivery));
                Ok(http::no_content())
            }
            Call::VisitorChanged => {
                self.send_to_agents(&AgentFrame::VisitorChanged {});
                Ok(http::no_content())
            }
            Call::Inbound(inbound) => self.inbound(inbound).await,
            Call::ReplyBy(change) => {
                if self.log.set_reply_by(change.channel)? {
                    self.announce_reach(None)?;
                }
                Ok(http::json(&change, 200))
            }
            Call::Status { status } => {
                let summary = self.change_status(status).await?;
                Ok(http::json(&summary, 200))
            }
        }
    }

    /// A message from a Meta channel or a visitor's e-mail answer: the identity mended first
    /// if the object lacks it, a closed conversation reopened if the message asks, then stored
    /// once per Meta id like any send.
    async fn inbound(&self, inbound: Inbound) -> ApiResult<Response> {
        if let Some(init) = &inbound.init {
            self.log.init(init)?;
        }
        if inbound.reopen && self.log.status()? == ConversationStatus::Closed {
            self.change_status(ConversationStatus::Open).await?;
        }
        let send = protocol::api::SendMessage {
            client_id: inbound.key,
            body: inbound.body,
            attachment: None,
        };
        let delivered = self
            .deliver(&inbound.author, &send, inbound.attachment, Some(inbound.at))
            .await;
        accepted_response(delivered)
    }
}

/// 201 with the message when it was stored now, 200 when its client id had been stored before.
fn accepted_response(result: ApiResult<MessageAccepted>) -> ApiResult<Response> {
    let accepted = result?;
    let status = if accepted.duplicate { 200 } else { 201 };
    Ok(http::json(&accepted, status))
}
