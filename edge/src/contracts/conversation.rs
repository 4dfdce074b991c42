//! The conversation object's contract: everything the rest of the Worker asks of a
//! conversation's Durable Object, as one closed enum ([`Call`]) with its bodies, and the client
//! that makes the calls ([`ConversationStub`]). The object decodes a call with
//! [`Call::from_request`] and handles it in one `match`; no path, header or body shape of the
//! object is known anywhere else.
//!
//! On the wire a call is JSON: the body of a `POST`, or, for a WebSocket upgrade (which has no
//! body), the [`CALL_HEADER`] of the `GET` that carries the upgrade's own headers. Durable
//! Objects are not reachable from the internet, so what a call says about its participant (the
//! front Worker authenticated them) cannot be forged by a client.

use protocol::api::{ReplyBy, SendMessage};
use protocol::reply::Delivery;
use protocol::{ConversationStatus, Millis, Seq};
use serde::{Deserialize, Serialize};
use worker::{Headers, Method, ObjectNamespace, Request, RequestInit, Response, Stub};

use crate::error::{ApiError, ApiResult};
use crate::participant::Participant;

/// The header that carries a WebSocket upgrade's call.
const CALL_HEADER: &str = "x-porchlight-call";

/// What the conversation object is asked to do. Externally tagged (`{"send": {…}}`,
/// `"check_access"`): an internally tagged enum buffers every body through serde's `Content`,
/// which cost the Worker's upload 20 KB gzip, measured.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Call {
    /// Records the conversation's identity (idempotent) → 204.
    Init(Init),
    /// Stores a participant's message → `MessageAccepted` (201; 200 for a resend). A send
    /// naming an upload claims that file for this conversation first. `origin`: the Worker's
    /// public origin it came through (a file on a Meta channel is linked on it).
    Send {
        who: Participant,
        origin: Option<String>,
        send: SendMessage,
    },
    /// The messages after `after` → `MessagePage`.
    History { after: Seq },
    /// Opens a participant's WebSocket (the request is the upgrade): the replay after `after`,
    /// `Synced`, the status, read positions and who is present, then live frames.
    Join(Join),
    /// Checks the agents' sockets against their access again, closing those whose access has
    /// gone → 204.
    CheckAccess,
    /// Stores an agent's internal note → `Note` (201; 200 for a resend), told to the agents'
    /// sockets only.
    AddNote { who: Participant, note: NoteToStore },
    /// The team's notes → `NoteList`.
    Notes,
    /// Stores an agent's WhatsApp template reply → `MessageAccepted`, like [`Call::Send`].
    Template {
        who: Participant,
        origin: String,
        template: TemplateToStore,
    },
    /// What became of a reply on a Meta channel, told to the agents' sockets → 204.
    Delivery(Delivery),
    /// A message from Messenger, WhatsApp or a visitor's e-mail answer → `MessageAccepted`.
    Inbound(Inbound),
    /// Switches how a website chat's agent replies reach the visitor → the `ReplyBy`.
    ReplyBy(ReplyBy),
    /// Closes or reopens → the inbox row (`ConversationSummary`).
    Status { status: ConversationStatus },
    /// What the team knows of the visitor changed (`AgentFrame::VisitorChanged`, told to the
    /// agents' sockets) → 204.
    VisitorChanged,
    /// A member was given the conversation (or took it): a bot running in it goes silent →
    /// 204.
    Assigned,
    /// Erases everything the object holds (its person's erasure): every socket is closed, the
    /// alarm cancelled and the storage deleted → 204. Safe to repeat.
    Erase,
}

/// A participant's socket about to open.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Join {
    pub who: Participant,
    /// The last sequence number the client has; the replay starts after it.
    pub after: Seq,
    /// The digest of an agent's session, which the socket is held under.
    pub session: Option<String>,
    /// Echoed to the client when it asked for one (browsers fail the handshake otherwise).
    pub subprotocol: Option<String>,
    /// The Worker's public origin the socket came through, for the sends that arrive on it.
    pub origin: String,
}

/// Identity of a conversation, given by the front Worker when it creates one.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Init {
    pub conversation_id: String,
    pub site_id: String,
    /// Who the conversation is with on Messenger or WhatsApp; none for a website chat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<MetaParty>,
    /// The chatflow bot a website chat starts with (it was started on the bot's pages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot: Option<BotRef>,
}

/// A published version of a bot chatflow.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BotRef {
    pub flow_id: String,
    pub version: u32,
}

/// The two ends of a Meta conversation, as Meta names them.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MetaParty {
    pub channel: domain::meta::MetaChannel,
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
    pub at: Millis,
    /// Reopen the conversation if it is closed (a visitor's e-mail answer continues it); else
    /// a closed conversation refuses the message.
    #[serde(default)]
    pub reopen: bool,
    /// A file that came with it, already kept as the conversation's (an e-mail's attachment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<protocol::Attachment>,
    /// The conversation's identity, recorded first if the object lacks it (as [`Call::Init`]
    /// does): its first init may have failed after the index row was written, and every
    /// delivery then mends it, so no contact is wedged by one lost init.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init: Option<Init>,
}

/// A note to store, checked by the front Worker, with the members it mentions.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NoteToStore {
    pub client_id: String,
    pub body: String,
    pub mentions: Vec<protocol::frame::AgentRef>,
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

impl Call {
    /// The call a request to the object carries; a malformed one is the caller's bug, told as
    /// a 400 like any bad body.
    pub async fn from_request(req: &mut Request) -> ApiResult<Self> {
        let json = match req.headers().get(CALL_HEADER)? {
            Some(json) => json,
            None => req.text().await?,
        };
        serde_json::from_str(&json).map_err(|e| {
            ApiError::new(
                protocol::api::ErrorCode::MalformedBody,
                format!("Not a conversation call: {e}."),
            )
        })
    }
}

/// A conversation's object, ready to be called.
pub struct ConversationStub(Stub);

impl ConversationStub {
    /// The object of conversation `id` (created on first use).
    pub fn of(conversations: &ObjectNamespace, id: &str) -> ApiResult<Self> {
        Ok(Self(conversations.id_from_name(id)?.get_stub()?))
    }

    /// Makes `call`; the object's answer, whatever its status.
    pub async fn call(&self, call: &Call) -> ApiResult<Response> {
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_body(Some(serde_json::to_string(call)?.into()));
        let req = Request::new_with_init("https://conversation/", &init)?;
        Ok(self.0.fetch_with_request(req).await?)
    }

    /// Every message of the conversation, page by page.
    pub async fn all_messages(&self) -> ApiResult<Vec<protocol::Message>> {
        let mut messages: Vec<protocol::Message> = Vec::new();
        loop {
            let after = messages.last().map_or(0, |m| m.seq);
            let page: protocol::api::MessagePage =
                self.call(&Call::History { after }).await?.json().await?;
            let full = page.messages.len() >= protocol::limits::HISTORY_PAGE_MAX;
            messages.extend(page.messages);
            if !full {
                return Ok(messages);
            }
        }
    }

    /// Makes `call`, which answers nothing worth passing on: an answer outside 2xx is an error
    /// (its body says why).
    pub async fn tell(&self, call: &Call) -> ApiResult<()> {
        let mut answer = self.call(call).await?;
        if (200..300).contains(&answer.status_code()) {
            return Ok(());
        }
        let detail = answer.text().await.unwrap_or_default();
        Err(ApiError::new(
            protocol::api::ErrorCode::Internal,
            format!(
                "the conversation refused a call ({}): {detail}",
                answer.status_code()
            ),
        ))
    }

    /// Hands the WebSocket upgrade `original` to the object, to open as `join` says.
    pub async fn join(&self, original: &Request, join: &Join) -> ApiResult<Response> {
        let headers = upgrade_headers(original)?;
        headers.set(
            CALL_HEADER,
            &serde_json::to_string(&Call::Join(join.clone()))?,
        )?;
        let mut init = RequestInit::new();
        init.with_method(Method::Get).with_headers(headers);
        let req = Request::new_with_init("https://conversation/socket", &init)?;
        Ok(self.0.fetch_with_request(req).await?)
    }
}

/// The headers of a WebSocket upgrade that a Durable Object needs to accept it.
pub fn upgrade_headers(original: &Request) -> ApiResult<Headers> {
    let headers = Headers::new();
    for name in [
        "upgrade",
        "connection",
        "sec-websocket-key",
        "sec-websocket-version",
    ] {
        if let Some(value) = original.headers().get(name)? {
            headers.set(name, &value)?;
        }
    }
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_names_itself_and_keeps_its_body() {
        let call = Call::Send {
            who: Participant::Visitor {
                visitor_id: "v_1".into(),
            },
            origin: Some("https://chat.example".into()),
            send: SendMessage {
                client_id: "c1".into(),
                body: "Hello".into(),
                attachment: None,
            },
        };
        let json = serde_json::to_value(&call).unwrap();
        assert_eq!(json["send"]["send"]["body"], "Hello");
        assert_eq!(json["send"]["who"]["kind"], "visitor");
        let back: Call = serde_json::from_value(json).unwrap();
        assert!(matches!(back, Call::Send { send, .. } if send.client_id == "c1"));
    }

    #[test]
    fn calls_without_a_body_are_just_their_name() {
        let json = serde_json::to_string(&Call::CheckAccess).unwrap();
        assert_eq!(json, r#""check_access""#);
        let status = serde_json::to_value(Call::Status {
            status: ConversationStatus::Closed,
        })
        .unwrap();
        assert_eq!(status["status"]["status"], "closed");
    }

    #[test]
    fn an_init_wrapped_in_a_call_reads_back() {
        let call = Call::Init(Init {
            conversation_id: "c_1".into(),
            site_id: "s_1".into(),
            meta: None,
            bot: None,
        });
        let json = serde_json::to_string(&call).unwrap();
        assert!(json.starts_with(r#"{"init":{"#), "{json}");
        assert!(!json.contains("meta"), "no Meta party is left out: {json}");
        let Call::Init(init) = serde_json::from_str(&json).unwrap() else {
            panic!("not an init: {json}");
        };
        assert_eq!(init.site_id, "s_1");
    }
}
