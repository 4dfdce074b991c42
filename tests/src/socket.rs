//! A WebSocket speaking the conversation protocol, as a test reads it: frames parsed, what a
//! socket gets on joining kept aside, the server's close awaited.

use std::net::TcpStream;
use std::time::Duration;

use protocol::frame::{ClientFrame, ServerFrame};
use protocol::Message;
use serde::de::DeserializeOwned;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::WebSocket;

use crate::database::sharing_the_database;

/// How long a test waits for a frame before it fails.
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(10);

fn reach_of(frame: serde_json::Value) -> (bool, protocol::api::ReplyChannel) {
    match serde_json::from_value(frame) {
        Ok(protocol::frame::AgentFrame::Reach {
            visitor_present,
            reply_by,
        }) => (visitor_present, reply_by),
        other => panic!("not a reach frame: {other:?}"),
    }
}

/// A WebSocket speaking the conversation protocol.
pub struct Socket {
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    /// The subprotocol the server accepted, if any.
    pub protocol: Option<String>,
    /// Read positions received after `Synced` (see [`Socket::replay`]).
    pub reads: Vec<(protocol::Author, u64)>,
    /// Agents present when this socket joined.
    pub agents: Vec<protocol::frame::AgentRef>,
    /// The conversation's status when this socket joined.
    pub status: Option<protocol::ConversationStatus>,
    /// On an agent's socket of a website chat: the latest `AgentFrame::Reach` (whether the
    /// visitor is here, how replies go), kept aside by [`Socket::next_frame`].
    pub reach: Option<(bool, protocol::api::ReplyChannel)>,
    /// The code the server closed the socket with (see [`Socket::receive_or_close`]).
    pub close_code: Option<u16>,
}

impl Socket {
    pub(crate) fn connect(req: tungstenite::handshake::client::Request) -> Self {
        Self::try_connect(req).unwrap_or_else(|status| panic!("websocket handshake: {status}"))
    }

    /// The socket, or the status its handshake was refused with.
    pub(crate) fn try_connect(req: tungstenite::handshake::client::Request) -> Result<Self, u16> {
        let (ws, response) = {
            let _sharing = sharing_the_database();
            match tungstenite::connect(req) {
                Ok(pair) => pair,
                Err(tungstenite::Error::Http(response)) => return Err(response.status().as_u16()),
                Err(e) => panic!("websocket handshake: {e}"),
            }
        };
        if let MaybeTlsStream::Plain(stream) = ws.get_ref() {
            stream
                .set_read_timeout(Some(FRAME_TIMEOUT))
                .expect("timeout");
        }
        let protocol = response
            .headers()
            .get("sec-websocket-protocol")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(Self {
            ws,
            protocol,
            reads: Vec::new(),
            agents: Vec::new(),
            status: None,
            reach: None,
            close_code: None,
        })
    }

    pub fn send(&mut self, frame: &ClientFrame) {
        self.send_text(&serde_json::to_string(frame).expect("frame"));
    }

    pub fn send_text(&mut self, text: &str) {
        self.ws
            .send(tungstenite::Message::text(text))
            .expect("send");
    }

    /// The next frame, parsed as `T`; fails the test after [`FRAME_TIMEOUT`].
    pub fn receive<T: DeserializeOwned>(&mut self) -> T {
        loop {
            match self.ws.read().expect("a frame before the timeout") {
                tungstenite::Message::Text(text) => {
                    return serde_json::from_str(&text)
                        .unwrap_or_else(|e| panic!("frame {text:?} does not parse: {e}"))
                }
                tungstenite::Message::Close(c) => panic!("socket closed: {c:?}"),
                _ => continue,
            }
        }
    }

    /// The next `ServerFrame`; `Reach` frames on the way are kept in [`Socket::reach`].
    pub fn next_frame(&mut self) -> ServerFrame {
        loop {
            let frame: serde_json::Value = self.receive();
            if frame.get("reach").is_some() {
                self.reach = Some(reach_of(frame));
                continue;
            }
            return serde_json::from_value(frame.clone())
                .unwrap_or_else(|e| panic!("frame {frame} does not parse: {e}"));
        }
    }

    /// Reads until the next `Reach` frame (other frames are dropped) and returns it.
    pub fn next_reach(&mut self) -> (bool, protocol::api::ReplyChannel) {
        loop {
            let frame: serde_json::Value = self.receive();
            if frame.get("reach").is_some() {
                let reach = reach_of(frame);
                self.reach = Some(reach);
                return reach;
            }
        }
    }

    /// Reads what a socket gets on connecting: the replayed messages up to `Synced`, then the
    /// status, the stored read positions and who is present (kept in [`Socket::status`],
    /// [`Socket::reads`], [`Socket::agents`]).
    pub fn replay(&mut self) -> (Vec<Message>, u64) {
        let mut messages = Vec::new();
        let last_seq = loop {
            match self.next_frame() {
                ServerFrame::Message(m) => messages.push(m),
                ServerFrame::Synced { last_seq } => break last_seq,
                other => panic!("unexpected frame during replay: {other:?}"),
            }
        };
        loop {
            match self.next_frame() {
                ServerFrame::Status { status } => self.status = Some(status),
                ServerFrame::Read { by, seq } => self.reads.push((by, seq)),
                ServerFrame::Agents { present } => {
                    self.agents = present;
                    return (messages, last_seq);
                }
                other => panic!("unexpected frame after Synced: {other:?}"),
            }
        }
    }

    /// The next frame that is not about typing, reading or presence.
    pub fn next_message_frame(&mut self) -> ServerFrame {
        loop {
            match self.next_frame() {
                ServerFrame::Typing { .. }
                | ServerFrame::Read { .. }
                | ServerFrame::Agents { .. } => {}
                other => return other,
            }
        }
    }

    /// On a list socket: the next row of conversation `id` (other conversations' rows and
    /// mentions are skipped: other tests run in parallel); fails the test if the agent is
    /// signed out instead.
    pub fn next_row_of(&mut self, id: &str) -> protocol::api::ConversationSummary {
        use protocol::frame::ListFrame;
        loop {
            match self.receive::<ListFrame>() {
                ListFrame::Conversation(row) if row.id == id => return row,
                ListFrame::Conversation(_)
                | ListFrame::Mention(_)
                | ListFrame::AccessChanged
                | ListFrame::Gone(_) => continue,
                ListFrame::SignedOut(why) => panic!("signed out: {why:?}"),
            }
        }
    }

    /// The next `ServerFrame` (agents-only frames are skipped, `Reach` kept aside), or `None`
    /// once the server has closed the socket (its code then in [`Socket::close_code`]).
    pub fn receive_or_close(&mut self) -> Option<ServerFrame> {
        loop {
            match self.ws.read() {
                Ok(tungstenite::Message::Text(text)) => {
                    let frame: serde_json::Value =
                        serde_json::from_str(&text).expect("frames are JSON");
                    if frame.get("reach").is_some() {
                        self.reach = Some(reach_of(frame));
                        continue;
                    }
                    if let Ok(frame) = serde_json::from_value(frame) {
                        return Some(frame);
                    }
                }
                Ok(tungstenite::Message::Close(c)) => {
                    self.close_code = c.map(|c| u16::from(c.code));
                    return None;
                }
                Ok(_) => continue,
                Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                    return None
                }
                Err(e) => panic!("expected a frame or the server's close: {e}"),
            }
        }
    }

    /// Reads until the server closes the socket (skipping any frames), and returns the close
    /// code; fails the test if it is still open after [`FRAME_TIMEOUT`].
    pub fn closed_by_server(&mut self) -> Option<u16> {
        loop {
            match self.ws.read() {
                Ok(tungstenite::Message::Close(c)) => return c.map(|c| u16::from(c.code)),
                Ok(_) => continue,
                Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                    return None
                }
                Err(e) => panic!("expected the server to close the socket: {e}"),
            }
        }
    }

    /// Closes the socket and waits for the server to finish the close handshake.
    pub fn close(mut self) {
        let _ = self.ws.close(None);
        while self.ws.read().is_ok() {}
    }
}
