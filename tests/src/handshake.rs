//! Opening sockets as the widget and the inbox do: a visitor's (token in the subprotocol list),
//! an agent's on a conversation and on their inbox (session cookie and our own `Origin`), each
//! handshake marked with the test's client address.

use protocol::routes;
use tungstenite::client::IntoClientRequest;
use tungstenite::http::HeaderValue;

use crate::{Edge, Socket};

impl Edge {
    /// The handshake of an agent's socket on a conversation, as the inbox sends it.
    fn agent_socket_request(
        &self,
        cookie: &str,
        conversation: &str,
        after: u64,
    ) -> tungstenite::handshake::client::Request {
        let mut req = self
            .ws_url(&format!(
                "{}?after={after}",
                routes::AgentSocket::new(conversation).path()
            ))
            .into_client_request()
            .expect("ws request");
        req.headers_mut()
            .insert("cookie", HeaderValue::from_str(cookie).expect("cookie"));
        req.headers_mut()
            .insert("origin", HeaderValue::from_str(&self.url).expect("origin"));
        self.mark_address(&mut req);
        req
    }

    /// Marks a socket's handshake as coming from this test's address.
    fn mark_address(&self, req: &mut tungstenite::handshake::client::Request) {
        req.headers_mut().insert(
            "cf-connecting-ip",
            HeaderValue::from_str(&self.address).expect("address"),
        );
    }

    fn ws_url(&self, path: &str) -> String {
        format!("{}{path}", self.url.replacen("http", "ws", 1))
    }

    /// Opens a visitor's socket the way the widget does: token in the subprotocol list.
    pub fn visitor_socket(&self, token: &str, conversation: &str, after: u64) -> Socket {
        Socket::connect(self.visitor_socket_request(token, conversation, after))
    }

    fn visitor_socket_request(
        &self,
        token: &str,
        conversation: &str,
        after: u64,
    ) -> tungstenite::handshake::client::Request {
        let mut req = self
            .ws_url(&format!(
                "{}?after={after}",
                routes::WidgetSocket::new(conversation).path()
            ))
            .into_client_request()
            .expect("ws request");
        req.headers_mut().insert(
            "sec-websocket-protocol",
            HeaderValue::from_str(&format!("porchlight.v1, bearer.{token}")).expect("header"),
        );
        self.mark_address(&mut req);
        req
    }

    /// Tries to open a visitor's socket; the handshake's HTTP status when it is refused.
    pub fn try_visitor_socket(&self, token: &str, conversation: &str) -> Result<Socket, u16> {
        Socket::try_connect(self.visitor_socket_request(token, conversation, 0))
    }

    /// Opens an agent's socket on a conversation (session cookie and our own Origin).
    pub fn agent_socket(&self, cookie: &str, conversation: &str, after: u64) -> Socket {
        Socket::connect(self.agent_socket_request(cookie, conversation, after))
    }

    /// Asserts that an agent's socket on `conversation` is refused at the handshake (the
    /// session has ended, or the conversation is not theirs to see).
    pub fn agent_socket_refused(&self, cookie: &str, conversation: &str) {
        match Socket::try_connect(self.agent_socket_request(cookie, conversation, 0)) {
            Err(status) => assert!(matches!(status, 401 | 404), "refused with {status}"),
            Ok(_) => panic!("the socket opened"),
        }
    }

    /// Opens an agent's list socket (live list changes).
    pub fn list_socket(&self, cookie: &str) -> Socket {
        let mut req = self
            .ws_url(&routes::ListSocket::new().path())
            .into_client_request()
            .expect("ws request");
        req.headers_mut()
            .insert("cookie", HeaderValue::from_str(cookie).expect("cookie"));
        req.headers_mut()
            .insert("origin", HeaderValue::from_str(&self.url).expect("origin"));
        self.mark_address(&mut req);
        Socket::connect(req)
    }
}
