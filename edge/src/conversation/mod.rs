//! The conversation Durable Object: one per conversation, addressed by the conversation id. It
//! owns the ordered message log in its SQLite storage, assigns sequence numbers, stores each
//! client id once per participant, and fans every stored message out to the participants'
//! hibernating WebSockets (the visitor's widget and any agents with the thread open).
//!
//! Why acknowledgements are safe: a Durable Object's output gate holds every outgoing message
//! (socket frames and HTTP responses) until the storage writes made before it are durable, so an
//! `Ack` can never reach a client for a message that could still be lost.
//!
//! Internal routes (reachable only from the front Worker, which authenticates first and passes
//! the [`Participant`] in a header):
//! - `POST /init` with [`Init`]: records the conversation's identity (idempotent).
//! - `POST /messages` with a `SendMessage` → `MessageAccepted` (201, or 200 for a resend). A
//!   send naming an upload claims that file for this conversation first (`store::claim_attachment`).
//! - `GET /messages?after=SEQ` → `MessagePage`.
//! - `GET /socket?after=SEQ` (WebSocket upgrade): replay after `SEQ`, `Synced`, the status, read
//!   positions and who is present, then live frames.
//! - `POST /inbound` with [`Inbound`]: a Messenger or WhatsApp message, stored once per Meta id.
//! - `POST /status` with [`StatusChange`]: close or reopen → the inbox row (`ConversationSummary`).
//! - `POST /template` with [`TemplateToStore`] (agents, WhatsApp only): a template reply, the
//!   one kind WhatsApp takes after its 24-hour window, stored and handed off like any reply.
//! - `POST /delivery` with a `protocol::reply::Delivery`: what became of a reply on a Meta
//!   channel, sent as an `AgentFrame` to the agents' sockets.
//!
//! An agent's message on a Meta channel is checked against Meta's reply window first
//! (`protocol::reply::reply_window`), then stored with its Send API requests in the object's
//! outbox in the same write; the object's alarm hands the outbox to the REPLIES queue
//! (`crate::replies`), retrying until it can. So an acknowledged reply is never lost.
//! - `PUT /reply-by` with a `ReplyBy` (website chats): whether agents' replies also go to the
//!   visitor by e-mail (`crate::mail::queue_reply`, each after it is stored); told to the agents
//!   as `AgentFrame::Reach`, with whether the visitor has the chat open. A visitor's message
//!   from the widget switches it back to the chat. A visitor's e-mail answer arrives on
//!   `/inbound` and reopens a closed conversation.
//! - `POST /notes` with [`NoteToStore`] (agents only) → `Note` (201, or 200 for a resend), sent
//!   as an `AgentFrame` to the agents' sockets only; `GET /notes` → `NoteList`.

use std::cell::RefCell;

use domain::message::validate_send;
use domain::meta::send::{file_request, text_requests};
use domain::meta::MetaChannel;
use domain::Rejection;
use protocol::api::{
    ErrorCode, MessageAccepted, MessagePage, NoteList, ReplyBy, ReplyChannel, SendMessage,
};
use protocol::frame::{AgentFrame, AgentRef, ClientFrame, ServerFrame};
use protocol::limits::{HISTORY_PAGE_MAX, REQUEST_MAX_BYTES};
use protocol::reply::{reply_window, Delivery, ReplyWindow};
use protocol::{ConversationStatus, Message};
use serde::{Deserialize, Serialize};
use worker::{
    console_error, durable_object, DurableObject, Env, Headers, Request, Response, Result, State,
    WebSocket, WebSocketIncomingMessage, WebSocketPair,
};

use crate::error::ApiError;
use crate::floods::SocketFrames;
use crate::participant::Participant;
use crate::{config, http, store};

mod access;
mod index;
mod log;
use log::Log;

/// Identity of a conversation, given by the front Worker when it creates one.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Init {
    pub conversation_id: String,
    pub site_id: String,
    /// Who the conversation is with on Messenger or WhatsApp; none for a website chat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<MetaParty>,
}

/// The two ends of a Meta conversation, as Meta names them.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MetaParty {
    pub channel: MetaChannel,
    /// The Page id or the business phone number id.
    pub account: String,
    /// The PSID or the `wa_id`.
    pub contact: String,
}

/// A message from a Meta channel, already verified, parsed and rendered (see `crate::inbound`):
/// stored once per `key` (Meta's id), at Meta's time unless that would go back before the last
/// message (the log's times only move forward).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Inbound {
    pub key: String,
    pub author: Participant,
    pub body: String,
    pub at: protocol::Millis,
    /// Reopen the conversation if it is closed (a visitor's e-mail answer continues it); else
    /// a closed conversation refuses the message.
    #[serde(default)]
    pub reopen: bool,
    /// A file that came with it, already kept as the conversation's (an e-mail's attachment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<protocol::Attachment>,
    /// The conversation's identity, recorded first if the object lacks it (as `/init` does):
    /// its first init may have failed after the index row was written, and every delivery
    /// then mends it, so no contact is wedged by one lost init.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init: Option<Init>,
}

/// A note to store, checked by the front Worker, with the members it mentions.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NoteToStore {
    pub client_id: String,
    pub body: String,
    pub mentions: Vec<AgentRef>,
}

/// A WhatsApp template reply, checked by the front Worker against the account's templates:
/// stored as `body` (what the customer reads), sent as the template filled with `values`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TemplateToStore {
    pub client_id: String,
    pub body: String,
    pub template: protocol::reply::WhatsAppTemplate,
    pub values: Vec<String>,
    #[serde(default)]
    pub extras: domain::meta::templates::Extras,
    /// A media header's file: the agent's upload to this conversation.
    #[serde(default)]
    pub header_file_id: Option<String>,
}

/// A status change asked for by an agent (the front Worker checked who).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StatusChange {
    pub status: ConversationStatus,
}

/// How long the alarm waits before handing off again after a failure (milliseconds).
const HAND_OFF_RETRY_MS: protocol::Millis = 15_000;

/// Internal header naming the WebSocket subprotocol the front Worker accepted for the client.
pub const SUBPROTOCOL_HEADER: &str = "x-porchlight-subprotocol";

/// Internal header carrying the Worker's public origin a send came through: a file sent on
/// Messenger or WhatsApp is fetched by Meta from a signed link on it.
pub const ORIGIN_HEADER: &str = "x-porchlight-origin";

/// The prefix of a socket's tag that keeps the origin it came through.
const ORIGIN_TAG: &str = "origin=";

#[durable_object]
pub struct Conversation {
    state: State,
    env: Env,
    log: Log,
    /// Visitors' frames on this conversation's sockets, for their flood limit.
    frames: RefCell<SocketFrames>,
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
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let path = req.path();
        match (req.method(), path.as_str()) {
            (worker::Method::Post, "/init") => {
                let init: Init = req.json().await?;
                self.log.init(&init)?;
                Ok(http::no_content())
            }
            (worker::Method::Post, "/messages") => {
                let who = Participant::from_request(&req)?;
                let origin = req.headers().get(ORIGIN_HEADER)?;
                let send: SendMessage = req.json().await?;
                Ok(accepted_response(
                    self.accept(&who, &send, origin.as_deref()).await,
                ))
            }
            (worker::Method::Get, "/messages") => {
                let after = http::after_param(&req).unwrap_or(0);
                let page = MessagePage {
                    messages: self.log.after(after, HISTORY_PAGE_MAX)?,
                    last_seq: self.log.last_seq()?,
                };
                Ok(http::json(&page, 200))
            }
            (worker::Method::Get, "/socket") => self.join(&req).await,
            (worker::Method::Post, "/access") => {
                self.recheck_access().await?;
                Ok(http::no_content())
            }
            (worker::Method::Post, "/notes") => {
                let who = Participant::from_request(&req)?;
                let Participant::Agent { id, name } = who else {
                    return Ok(ApiError::new(ErrorCode::Forbidden, "Notes are the team's.")
                        .into_response());
                };
                let new: NoteToStore = req.json().await?;
                let author = AgentRef { id, name };
                let (note, duplicate) =
                    self.log
                        .add_note(&author, &new.client_id, &new.body, &new.mentions)?;
                if !duplicate {
                    self.send_to_agents(&AgentFrame::Note(note.clone()));
                }
                Ok(http::json(&note, if duplicate { 200 } else { 201 }))
            }
            (worker::Method::Post, "/template") => {
                let who = Participant::from_request(&req)?;
                let origin = req.headers().get(ORIGIN_HEADER)?;
                let template: TemplateToStore = req.json().await?;
                Ok(accepted_response(
                    self.send_template(&who, &template, origin.as_deref()).await,
                ))
            }
            (worker::Method::Post, "/delivery") => {
                let delivery: Delivery = req.json().await?;
                self.send_to_agents(&AgentFrame::Delivery(delivery));
                Ok(http::no_content())
            }
            (worker::Method::Get, "/notes") => Ok(http::json(
                &NoteList {
                    notes: self.log.notes()?,
                },
                200,
            )),
            (worker::Method::Post, "/inbound") => {
                let inbound: Inbound = req.json().await?;
                if let Some(init) = &inbound.init {
                    self.log.init(init)?;
                }
                if inbound.reopen && self.log.status()? == ConversationStatus::Closed {
                    if let Err(e) = self.change_status(ConversationStatus::Open).await {
                        return Ok(e.into_response());
                    }
                }
                let send = SendMessage {
                    client_id: inbound.key,
                    body: inbound.body,
                    attachment: None,
                };
                Ok(accepted_response(
                    self.deliver(&inbound.author, &send, inbound.attachment, Some(inbound.at))
                        .await,
                ))
            }
            (worker::Method::Put, "/reply-by") => {
                let change: ReplyBy = req.json().await?;
                if self.log.set_reply_by(change.channel)? {
                    self.announce_reach(None)?;
                }
                Ok(http::json(&change, 200))
            }
            (worker::Method::Post, "/status") => {
                let change: StatusChange = req.json().await?;
                match self.change_status(change.status).await {
                    Ok(summary) => Ok(http::json(&summary, 200)),
                    Err(e) => Ok(e.into_response()),
                }
            }
            _ => Ok(ApiError::new(ErrorCode::NotFound, "No such route.").into_response()),
        }
    }

    /// Ends agent sockets whose session expired, catches the inbox index up (see [`index`]),
    /// and hands the outbox to the REPLIES queue; whatever failed is tried again later. Then
    /// sleeps until the next of these is due.
    async fn alarm(&self) -> Result<Response> {
        let now = store::now();
        self.end_expired(now).await;
        let behind = self.catch_up(now).await?;
        let mut retry = None;
        if let Some(init) = self.log.identity()? {
            let app = config::App::new(self.env.clone())?;
            for (seq, requests) in self.log.outgoing()? {
                let handed =
                    crate::replies::hand_off(&app, &init.conversation_id, seq, &requests).await;
                if let Err(e) = handed {
                    console_error!(
                        "reply {seq} of {} not handed off, will retry: {}",
                        init.conversation_id,
                        e.message
                    );
                    retry = Some(now + HAND_OFF_RETRY_MS);
                    break;
                }
                self.log.handed_off(seq)?;
            }
        }
        // A reply stored while this ran goes at once.
        let pending = (retry.is_none() && !self.log.outgoing()?.is_empty()).then_some(now);
        // Messages stored while this ran are published by the next run, soon.
        let index = behind.or_else(|| self.still_behind(now));
        let due = [retry, pending, index, self.next_expiry()];
        crate::alarms::sleep_until(&self.state.storage(), due).await?;
        Response::empty()
    }

    async fn websocket_message(
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

/// 201 with the message when it was stored now, 200 when its client id had been stored before.
fn accepted_response(result: std::result::Result<MessageAccepted, ApiError>) -> Response {
    match result {
        Ok(accepted) => {
            let status = if accepted.duplicate { 200 } else { 201 };
            http::json(&accepted, status)
        }
        Err(e) => e.into_response(),
    }
}

/// Completes a client's close handshake; hibernating sockets only finish closing when the object
/// answers. 1005/1006 ("no status", "abnormal") may not be sent, so they become 1000.
pub fn close_politely(ws: &WebSocket, code: usize) -> Result<()> {
    let code = u16::try_from(code)
        .ok()
        .filter(|c| matches!(c, 1000 | 1001 | 1011 | 3000..=4999))
        .unwrap_or(1000);
    // The peer may already be gone; there is nothing more to do then.
    let _ = ws.close(Some(code), Some("bye"));
    Ok(())
}

impl Conversation {
    /// Validates and stores a send (once per participant and client id), then delivers it. A
    /// named upload is claimed for this conversation first; a resend of a stored message does
    /// not claim again. `origin` is the Worker's public origin the send came through.
    async fn accept(
        &self,
        who: &Participant,
        send: &SendMessage,
        origin: Option<&str>,
    ) -> std::result::Result<MessageAccepted, ApiError> {
        let send = validate_send(send)?;
        if matches!(who, Participant::Agent { .. }) {
            if let Some(meta) = self.open_identity()?.meta {
                return self.reply_on_meta(who, &send, &meta, origin).await;
            }
        }
        let accepted = match &send.attachment {
            None => self.deliver(who, &send, None, None).await?,
            Some(upload) => {
                if let Some(message) = self.log.find(who, &send.client_id)? {
                    return Ok(MessageAccepted {
                        message,
                        duplicate: true,
                    });
                }
                let file = self.claim(who, upload).await?;
                self.deliver(who, &send, Some(file), None).await?
            }
        };
        if !accepted.duplicate {
            self.follow_reply_by(who, &accepted.message, origin).await?;
        }
        Ok(accepted)
    }

    /// After a new message in a website chat that replies by e-mail: an agent's goes to the
    /// visitor by e-mail too; the visitor's own, from the widget, switches replies back to the
    /// chat. If the e-mail cannot go (the address was removed since), replies switch back to
    /// the chat and the agents are told; the message itself is stored either way.
    async fn follow_reply_by(
        &self,
        who: &Participant,
        message: &Message,
        origin: Option<&str>,
    ) -> std::result::Result<(), ApiError> {
        if self.log.reply_by()? != ReplyChannel::Email {
            return Ok(());
        }
        if let Participant::Agent { name, .. } = who {
            let app = crate::config::App::new(self.env.clone())?;
            let conversation = self.open_identity()?.conversation_id;
            let queued =
                crate::mail::queue_reply(&app, &conversation, message.seq, name, origin).await;
            let Err(e) = queued else {
                return Ok(());
            };
            console_error!(
                "reply {} of {conversation} did not go by e-mail: {}",
                message.seq,
                e.message
            );
        }
        if self.log.set_reply_by(ReplyChannel::Chat)? {
            self.announce_reach(None)?;
        }
        Ok(())
    }

    /// How the visitor is reached now, leaving out socket `gone`; `None` unless a website chat.
    fn reach(&self, gone: Option<&WebSocket>) -> Result<Option<AgentFrame>> {
        if self.log.identity()?.is_none_or(|i| i.meta.is_some()) {
            return Ok(None);
        }
        let visitor_present = self.state.get_websockets().iter().any(|ws| {
            Some(ws) != gone
                && ws.as_ref().ready_state() <= 1
                && matches!(
                    ws.deserialize_attachment::<Participant>(),
                    Ok(Some(Participant::Visitor { .. }))
                )
        });
        Ok(Some(AgentFrame::Reach {
            visitor_present,
            reply_by: self.log.reply_by()?,
        }))
    }

    /// Tells the agents how the visitor is reached (see [`Self::reach`]).
    fn announce_reach(&self, gone: Option<&WebSocket>) -> Result<()> {
        if let Some(frame) = self.reach(gone)? {
            self.send_to_agents(&frame);
        }
        Ok(())
    }

    /// Claims upload `upload` of `who` for this conversation (once: a claimed upload is no
    /// one else's to send).
    async fn claim(
        &self,
        who: &Participant,
        upload: &str,
    ) -> std::result::Result<protocol::Attachment, ApiError> {
        let init = self.open_identity()?;
        let (kind, id) = who.scope();
        let db = self.env.d1(config::DB)?;
        let file = store::claim_attachment(
            &db,
            upload,
            &init.site_id,
            &init.conversation_id,
            &format!("{kind}:{id}"),
            matches!(who, Participant::Visitor { .. }),
        )
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::UnknownUpload,
                "No such upload, or it is not yours to send here.",
            )
        })?;
        Ok(file)
    }

    /// An agent's reply on Messenger or WhatsApp: refused when Meta's window does not take it,
    /// else stored with its Send API requests in the outbox, in one write, and handed off by
    /// the alarm. A resend of a stored reply is answered as a duplicate whatever the window. A
    /// file goes after the text (if any), from a signed link Meta fetches
    /// (`domain::files::file_link`).
    async fn reply_on_meta(
        &self,
        who: &Participant,
        send: &SendMessage,
        meta: &MetaParty,
        origin: Option<&str>,
    ) -> std::result::Result<MessageAccepted, ApiError> {
        if let Some(message) = self.log.find(who, &send.client_id)? {
            return Ok(MessageAccepted {
                message,
                duplicate: true,
            });
        }
        let window = reply_window(
            meta.channel.into(),
            self.log.last_contact_at()?,
            store::now(),
        )
        .unwrap_or(ReplyWindow::Closed);
        // An automated message (the flow's instant reply) never goes outside the 24-hour window,
        // not even tagged.
        if who.is_automated() && !matches!(window, ReplyWindow::Open { .. }) {
            return Err(ApiError::new(
                ErrorCode::ReplyWindowClosed,
                "Automated messages go only within 24 hours of the person's last message.",
            ));
        }
        let text = if send.body.trim().is_empty() && send.attachment.is_some() {
            // A file alone.
            window.takes_text().then(Vec::new)
        } else {
            text_requests(meta.channel, &meta.contact, &send.body, window)
        };
        let Some(mut requests) = text else {
            return Err(ApiError::new(
                ErrorCode::ReplyWindowClosed,
                match window {
                    ReplyWindow::TemplateOnly => {
                        "More than 24 hours have passed since the \
                        customer last wrote: WhatsApp takes only an approved template until they \
                        write again."
                    }
                    _ => {
                        "More than 7 days have passed since the person last wrote: Messenger \
                        takes no reply until they write again."
                    }
                },
            ));
        };
        let file = match &send.attachment {
            Some(upload) => {
                let file = self.claim(who, upload).await?;
                let url = self.file_url(origin, &file)?;
                requests.extend(file_request(
                    meta.channel,
                    &meta.contact,
                    &file,
                    &url,
                    window,
                ));
                Some(file)
            }
            None => None,
        };
        self.store_reply(who, send, file, &serde_json::to_string(&requests)?)
            .await
    }

    /// The signed, expiring link Meta fetches `file` from, on the Worker's public `origin`.
    fn file_url(
        &self,
        origin: Option<&str>,
        file: &protocol::Attachment,
    ) -> std::result::Result<String, ApiError> {
        let key = self
            .env
            .secret(config::TOKEN_KEY)
            .map(|k| k.to_string())
            .unwrap_or_default();
        let conversation = self
            .log
            .identity()?
            .map(|i| i.conversation_id)
            .unwrap_or_default();
        let path = domain::files::file_link(
            key.as_bytes(),
            &conversation,
            &file.id,
            store::now() + domain::files::FILE_LINK_TTL_MS,
        );
        match (origin, path) {
            (Some(origin), Some(path)) => Ok(format!("{origin}{path}")),
            _ => Err(ApiError::new(
                ErrorCode::NotConfigured,
                "Files on Messenger and WhatsApp need the TOKEN_KEY secret.",
            )),
        }
    }

    /// An agent's WhatsApp template reply: taken whatever the window (that is what templates
    /// are for), stored with its Send API request in the outbox, in one write. A media header's
    /// file is claimed like a reply's attachment, kept with the message, and fetched by Meta
    /// from a signed link on `origin`.
    async fn send_template(
        &self,
        who: &Participant,
        template: &TemplateToStore,
        origin: Option<&str>,
    ) -> std::result::Result<MessageAccepted, ApiError> {
        let meta = self
            .open_identity()?
            .meta
            .filter(|m| m.channel == MetaChannel::WhatsApp);
        let (Participant::Agent { .. }, Some(meta)) = (who, meta) else {
            return Err(ApiError::new(
                ErrorCode::NotOnThisChannel,
                "Templates are WhatsApp's: this conversation is not on WhatsApp.",
            ));
        };
        if let Some(message) = self.log.find(who, &template.client_id)? {
            return Ok(MessageAccepted {
                message,
                duplicate: true,
            });
        }
        let (file, link) = match (&template.template.header, &template.header_file_id) {
            (Some(header), Some(upload)) => {
                let file = self.claim(who, upload).await?;
                if !domain::meta::templates::header_takes(header, &file.content_type) {
                    return Err(Rejection::field(
                        "header_file_id",
                        "is not a kind of file this template's header takes (a JPEG or PNG \
                         picture, an MP4 video, a PDF document)",
                    )
                    .into());
                }
                let link = self.file_url(origin, &file)?;
                (Some(file), Some(link))
            }
            _ => (None, None),
        };
        let header_file = match (&file, &link) {
            (Some(file), Some(link)) => Some(domain::meta::templates::HeaderFile {
                link,
                filename: &file.name,
            }),
            _ => None,
        };
        let request = domain::meta::templates::request(
            &template.template,
            &meta.contact,
            &template.values,
            &template.extras,
            header_file.as_ref(),
        );
        let send = SendMessage {
            client_id: template.client_id.clone(),
            body: template.body.clone(),
            attachment: None,
        };
        self.store_reply(who, &send, file, &serde_json::to_string(&[request])?)
            .await
    }

    /// Stores an agent's reply on a Meta channel with its Send API requests (a JSON array) in
    /// the outbox, in one write, and wakes the alarm to hand them off.
    async fn store_reply(
        &self,
        who: &Participant,
        send: &SendMessage,
        file: Option<protocol::Attachment>,
        requests: &str,
    ) -> std::result::Result<MessageAccepted, ApiError> {
        let accepted = self.deliver(who, send, file, None).await?;
        if !accepted.duplicate {
            self.log.hold_outgoing(accepted.message.seq, requests)?;
            self.wake_by(store::now()).await?;
        }
        Ok(accepted)
    }

    /// The conversation's identity while it takes messages: unknown or closed is an error.
    fn open_identity(&self) -> std::result::Result<Init, ApiError> {
        let Some(init) = self.log.identity()? else {
            return Err(ApiError::unknown_conversation());
        };
        if self.log.status()? == ConversationStatus::Closed {
            return Err(ApiError::new(
                ErrorCode::ConversationClosed,
                "This conversation is closed.",
            ));
        }
        Ok(init)
    }

    /// Stores a message once per participant and client id (`at`, if given, is its own time)
    /// and delivers it to every participant; the inbox index follows (see [`index`]).
    async fn deliver(
        &self,
        who: &Participant,
        send: &SendMessage,
        attachment: Option<protocol::Attachment>,
        at: Option<protocol::Millis>,
    ) -> std::result::Result<MessageAccepted, ApiError> {
        let init = self.open_identity()?;
        let (message, duplicate) = self.log.append(who, send, attachment, at)?;
        if !duplicate {
            self.broadcast(&ServerFrame::Message(message.clone()));
            self.publish_later(init, message.clone()).await?;
        }
        Ok(MessageAccepted { message, duplicate })
    }

    /// Sends an agents-only frame to the agents' sockets; never to a visitor's.
    fn send_to_agents(&self, frame: &AgentFrame) {
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
    fn broadcast(&self, frame: &ServerFrame) {
        self.send_all(frame, |_| true);
    }

    /// Sends a frame to the connected participants `to` accepts.
    fn send_all(&self, frame: &ServerFrame, to: impl Fn(&WebSocket) -> bool) {
        let Ok(text) = serde_json::to_string(frame) else {
            return;
        };
        for ws in self.state.get_websockets().iter().filter(|ws| to(ws)) {
            // A socket that is closing cannot take the frame; its client resumes by sequence.
            let _ = ws.send_with_str(&text);
        }
    }

    /// The agents with the conversation open, each once, leaving out `gone`.
    fn present_agents(&self, gone: Option<&WebSocket>) -> Vec<AgentRef> {
        let mut agents: Vec<AgentRef> = Vec::new();
        for ws in self.state.get_websockets() {
            // CONNECTING (0) or OPEN (1): a closing socket has already left.
            if Some(&ws) == gone || ws.as_ref().ready_state() > 1 {
                continue;
            }
            if let Ok(Some(Participant::Agent { id, name })) = ws.deserialize_attachment() {
                if !agents.iter().any(|a| a.id == id) {
                    agents.push(AgentRef { id, name });
                }
            }
        }
        agents
    }

    /// Tells everyone when an agent's socket goes, so "who is here" stays true.
    fn leave(&self, ws: &WebSocket) {
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
    async fn unlist_logged(&self, ws: &WebSocket) {
        if let Err(e) = self.unlist(ws).await {
            console_error!("a closed socket stays listed until the next check: {e}");
        }
    }

    /// Accepts a participant's WebSocket, replays what they missed, then keeps it for live
    /// frames. An agent's is held under their session (see [`access`]).
    async fn join(&self, req: &Request) -> Result<Response> {
        if !http::is_upgrade(req) {
            return Ok(
                ApiError::new(ErrorCode::InvalidField, "Expected a WebSocket upgrade.")
                    .into_response(),
            );
        }
        let who = Participant::from_request(req)?;
        let after = http::after_param(req).unwrap_or(0);
        let hold = match &who {
            Participant::Agent { .. } => match self.admit(req, &who).await? {
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
        };
        let WebSocketPair { client, server } = WebSocketPair::new()?;
        let (kind, id) = who.scope();
        // The second tag keeps the public origin the socket came through, for the sends that
        // arrive on it (a file on Messenger or WhatsApp is linked on it); an agent's socket
        // also keeps the session it is held under.
        let origin = req.headers().get(ORIGIN_HEADER)?.unwrap_or_default();
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
        if let Some(protocol) = req.headers().get(SUBPROTOCOL_HEADER)? {
            headers.set("sec-websocket-protocol", &protocol)?;
        }
        Ok(Response::from_websocket(client)?.with_headers(headers))
    }
}
