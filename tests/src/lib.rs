//! Helpers for black-box tests against a running Porchlight Worker. `cargo xtask test` starts a
//! fresh Worker on workerd and passes its address and the seeded demo site and agent in the
//! environment; run outside it, every test fails and says so.
//!
//! Requests are plain HTTP (ureq) and WebSockets (tungstenite), typed with the `protocol` crate,
//! so a change to the wire types breaks these tests at compile time.

pub mod mail;
pub mod meta;

use std::net::TcpStream;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use protocol::api::{ConversationCreated, ErrorBody, ErrorCode};
use protocol::frame::{ClientFrame, ServerFrame};
use protocol::routes;
use protocol::Message;
use serde::de::DeserializeOwned;
use tungstenite::client::IntoClientRequest;
use tungstenite::http::HeaderValue;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::WebSocket;

/// How long a test waits for a frame before it fails.
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(10);

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: these tests run against a live Worker; use `cargo xtask test`")
    })
}

/// The Worker under test and the demo data it was seeded with.
pub struct Edge {
    pub url: String,
    pub site_id: String,
    pub agent_email: String,
    pub agent_password: String,
    /// The client address this test's requests come from (`cf-connecting-ip`; the local
    /// runtime keeps a client's own, where Cloudflare sets it), one per `Edge`: tests running
    /// side by side are different people at different addresses, as the flood limits and the
    /// sign-in throttle expect (`edge/src/floods.rs`).
    pub address: String,
    http: ureq::Agent,
}

/// A client address of its own for each [`Edge`], in the IPv6 documentation range (no traffic
/// goes there, it only names the client): the process id and a counter, so no two `Edge`s of a
/// run share one, whichever test binaries run within a limiter's window.
fn next_address() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("2001:db8::{:x}:{n:x}", std::process::id())
}

/// An HTTP answer, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub headers: Vec<(String, String)>,
    /// The body's bytes as they came (`body` is their UTF-8 reading).
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {}: body {:?} does not parse: {e}",
                self.status, self.body
            )
        })
    }

    /// Asserts this is an error with the given status and code, in the documented shape.
    pub fn assert_error(&self, status: u16, code: ErrorCode) {
        assert_eq!(self.status, status, "body: {}", self.body);
        let body: ErrorBody = self.json();
        assert_eq!(body.error.code, code, "body: {}", self.body);
        assert!(!body.error.message.is_empty());
        assert!(
            self.header("content-type")
                .is_some_and(|v| v.starts_with("application/json")),
            "errors are JSON"
        );
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Edge {
    pub fn from_env() -> Self {
        Self {
            url: env("EDGE_URL"),
            site_id: env("SITE_ID"),
            agent_email: env("AGENT_EMAIL"),
            agent_password: env("AGENT_PASSWORD"),
            address: next_address(),
            http: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(30)))
                .build()
                .into(),
        }
    }

    /// Sends a request; `headers` are added as given (no cookies are kept between calls).
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Reply {
        self.request_bytes(method, path, headers, body.map(str::as_bytes))
    }

    /// As [`Edge::request`], with a body of any bytes (a file upload).
    ///
    /// `wrangler dev`'s proxy answers 503 "Your worker restarted mid-request" when the local
    /// runtime swaps its worker under a request (seen once in CI, with no file changed); that
    /// answer is wrangler's, not the Worker's, so it is sent again, once. Every write of the API
    /// is safe to repeat (client ids, or a new session), which is what the proxy asks for.
    pub fn request_bytes(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Reply {
        let reply = self.send_once(method, path, headers, body);
        if reply.status == 503 && reply.body.starts_with("Your worker restarted mid-request") {
            return self.send_once(method, path, headers, body);
        }
        reply
    }

    fn send_once(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Reply {
        let _sharing = sharing_the_database();
        let url = format!("{}{path}", self.url);
        let mut builder = ureq::http::Request::builder().method(method).uri(&url);
        if !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("cf-connecting-ip"))
        {
            builder = builder.header("cf-connecting-ip", &self.address);
        }
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        let result = match body {
            Some(b) => self.http.run(builder.body(b.to_vec()).expect("request")),
            None => self.http.run(builder.body(()).expect("request")),
        };
        let mut res = result.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
        let headers = res
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
            .collect();
        let bytes = res
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_vec()
            .unwrap_or_default();
        Reply {
            status: res.status().as_u16(),
            body: String::from_utf8_lossy(&bytes).into_owned(),
            headers,
            bytes,
        }
    }

    /// Starts a conversation as a new visitor (or `token`'s visitor) with `text`.
    pub fn start_conversation(&self, token: Option<&str>, text: &str) -> ConversationCreated {
        let body = serde_json::json!({
            "site_id": self.site_id,
            "first_message": { "client_id": new_client_id(), "body": text },
            "page_url": "https://shop.example/pricing",
        })
        .to_string();
        let auth = token.map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> =
            auth.iter().map(|a| ("authorization", a.as_str())).collect();
        let reply = self.request(
            "POST",
            &routes::WidgetStart::new().path(),
            &headers,
            Some(&body),
        );
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.json()
    }

    /// The visitor's view of the conversation's messages after `after`.
    pub fn visitor_history(&self, token: &str, conversation: &str, after: u64) -> Vec<Message> {
        let reply = self.request(
            "GET",
            &format!(
                "{}?after={after}",
                routes::WidgetHistory::new(conversation).path()
            ),
            &[("authorization", &format!("Bearer {token}"))],
            None,
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json::<protocol::api::MessagePage>().messages
    }

    /// Signs the demo agent in; returns the `Cookie` header value for later requests.
    pub fn sign_in(&self) -> String {
        let reply = self.try_sign_in(&self.agent_email, &self.agent_password);
        assert_eq!(reply.status, 200, "{}", reply.body);
        session_cookie(&reply)
    }

    /// `POST /api/agent/session` with these credentials, from our own origin.
    pub fn try_sign_in(&self, email: &str, password: &str) -> Reply {
        let body = serde_json::json!({ "email": email, "password": password });
        self.request(
            "POST",
            &routes::SignIn::new().path(),
            &[("origin", &self.url), ("content-type", "application/json")],
            Some(&body.to_string()),
        )
    }

    /// A request as the inbox app makes it: the session cookie, our `Origin`, a JSON body.
    pub fn as_agent(
        &self,
        cookie: &str,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Reply {
        let body = body.map(serde_json::Value::to_string);
        self.request(
            method,
            path,
            &[
                ("cookie", cookie),
                ("origin", &self.url),
                ("content-type", "application/json"),
            ],
            body.as_deref(),
        )
    }

    /// Where the demo site's settings are read and written (admins).
    pub fn settings_path(&self) -> String {
        routes::Settings::new(&self.site_id).path()
    }

    /// `POST /api/admin/invitations` as the admin with `cookie`.
    pub fn invite(&self, admin: &str, email: &str, role: &str) -> Reply {
        self.as_agent(
            admin,
            "POST",
            &routes::Invite::new().path(),
            Some(&serde_json::json!({ "email": email, "name": "New Member", "role": role })),
        )
    }

    /// `POST /api/invitations/accept` with an invitation's token.
    pub fn accept(&self, token: &str, name: &str, password: &str) -> Reply {
        self.request(
            "POST",
            &routes::AcceptInvitation::new().path(),
            &[
                ("authorization", &format!("Bearer {token}")),
                ("origin", &self.url),
                ("content-type", "application/json"),
            ],
            Some(&serde_json::json!({ "name": name, "password": password }).to_string()),
        )
    }

    /// A new member with `role` (`admin` or `agent`) and a name of their own, invited by the
    /// admin with `cookie`, who joined with [`MEMBER_PASSWORD`]: their profile and session cookie.
    pub fn new_member(&self, admin: &str, role: &str) -> (protocol::api::AgentProfile, String) {
        let reply = self.invite(admin, &unique_email(), role);
        assert_eq!(reply.status, 201, "{}", reply.body);
        // A name of its own: notes mention members by name.
        let name = format!("Member {}", new_client_id().replace('-', ""));
        let reply = self.accept(&invitation_token(&reply.json()), &name, MEMBER_PASSWORD);
        assert_eq!(reply.status, 201, "{}", reply.body);
        (reply.json(), session_cookie(&reply))
    }

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

    /// Signs in as the member with `email` (who joined with [`MEMBER_PASSWORD`]): another
    /// session of theirs.
    pub fn sign_in_as(&self, email: &str) -> String {
        let reply = self.try_sign_in(email, MEMBER_PASSWORD);
        assert_eq!(reply.status, 200, "{}", reply.body);
        session_cookie(&reply)
    }

    /// Opens an agent's inbox socket (live list changes).
    pub fn inbox_socket(&self, cookie: &str) -> Socket {
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

static SITE: Mutex<()> = Mutex::new(());

/// Holds the demo site for one test (one at a time in a test binary), for tests that change its
/// settings or depend on them staying as they are.
pub fn site_lock() -> MutexGuard<'static, ()> {
    SITE.lock().unwrap_or_else(|p| p.into_inner())
}

/// The demo site's chat settings, held for one test ([`site_lock`]) by the demo admin: the
/// settings found are put back when this is dropped.
pub struct SiteSettings {
    pub edge: Edge,
    /// The demo admin's session.
    pub cookie: String,
    /// The settings as found.
    pub original: protocol::settings::ChatSettings,
    _lock: MutexGuard<'static, ()>,
}

impl SiteSettings {
    pub fn hold() -> Self {
        let lock = site_lock();
        let edge = Edge::from_env();
        let cookie = edge.sign_in();
        let original = edge
            .request("GET", &edge.settings_path(), &[("cookie", &cookie)], None)
            .json();
        Self {
            edge,
            cookie,
            original,
            _lock: lock,
        }
    }

    /// `PUT` the site's settings as the admin.
    pub fn put(&self, settings: &protocol::settings::ChatSettings) -> Reply {
        self.put_raw(&serde_json::to_string(settings).expect("json"))
    }

    /// `PUT` this body as the site's settings.
    pub fn put_raw(&self, body: &str) -> Reply {
        self.edge.request(
            "PUT",
            &self.edge.settings_path(),
            &[
                ("cookie", &self.cookie),
                ("origin", &self.edge.url),
                ("content-type", "application/json"),
            ],
            Some(body),
        )
    }

    /// The public config as a browser sending `headers` gets it (asserted to be a 200).
    pub fn config_reply(&self, headers: &[(&str, &str)]) -> Reply {
        let reply = self.edge.request(
            "GET",
            &routes::WidgetConfig::new(&self.edge.site_id).path(),
            headers,
            None,
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply
    }

    pub fn config(&self) -> protocol::api::WidgetConfig {
        self.config_reply(&[]).json()
    }

    /// Waits (bounded) until the config satisfies `ok`: presence and capacity follow sockets,
    /// assignments and closes a moment after they happen.
    pub fn config_until(
        &self,
        what: &str,
        ok: impl Fn(&protocol::api::WidgetConfig) -> bool,
    ) -> protocol::api::WidgetConfig {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let config = self.config();
            if ok(&config) {
                return config;
            }
            assert!(
                Instant::now() < deadline,
                "config never became {what}: {config:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for SiteSettings {
    fn drop(&mut self) {
        let _ = self.put(&self.original);
    }
}

/// The password of every member [`Edge::new_member`] makes.
pub const MEMBER_PASSWORD: &str = "a long enough password";

/// An address no member has yet.
pub fn unique_email() -> String {
    format!("{}@team.example", new_client_id().to_lowercase())
}

/// The token in an invitation's link (its fragment).
pub fn invitation_token(created: &protocol::api::InvitationCreated) -> String {
    created
        .url
        .split_once("#invite=")
        .map(|(_, t)| t.to_owned())
        .expect("a token in the fragment")
}

/// The `Cookie` header value for the session a reply's `Set-Cookie` started.
pub fn session_cookie(reply: &Reply) -> String {
    reply
        .header("set-cookie")
        .expect("a session cookie")
        .split(';')
        .next()
        .expect("cookie pair")
        .to_owned()
}

/// A 1×1 transparent PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

/// Runs SQL on the Worker's local D1 database, for what no API may do, such as making a row
/// look a day old or leaving the state a failure leaves.
pub fn local_sql(sql: &str) {
    assert!(try_local_sql(sql), "the local database refused: {sql}");
}

/// Between the test's own writes to the database file and the Worker's: a write here takes it
/// whole, every request and socket handshake of this test binary shares it. The local runtime's
/// SQLite answers a write that meets another process's with `SQLITE_BUSY` at once (no busy
/// wait), so a request of a test running beside one that writes by hand would fail for a reason
/// no deployment has. Work the Worker does in the background retries on its own.
static DATABASE: std::sync::RwLock<()> = std::sync::RwLock::new(());

fn sharing_the_database() -> std::sync::RwLockReadGuard<'static, ()> {
    DATABASE.read().unwrap_or_else(|p| p.into_inner())
}

/// As [`local_sql`]; whether the database took it (a constraint may refuse it).
///
/// It writes the database file itself (SQLite in WAL mode, shared with workerd), with a busy
/// timeout, in a few milliseconds (`wrangler d1 execute` starts a runtime of its own, and holds
/// the file far longer), while no request of this binary is on its way ([`DATABASE`]).
pub fn try_local_sql(sql: &str) -> bool {
    let _alone = DATABASE.write().unwrap_or_else(|p| p.into_inner());
    const SCRIPT: &str = "import glob, sqlite3, sys\n\
        files = [f for f in glob.glob(sys.argv[1] + '/v3/d1/miniflare-D1DatabaseObject/*.sqlite')\n\
                 if not f.endswith('metadata.sqlite')]\n\
        assert len(files) == 1, files\n\
        db = sqlite3.connect(files[0], timeout=30, isolation_level=None)\n\
        db.executescript(sys.stdin.read())\n";
    let mut child = std::process::Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(env("STATE_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("python3 runs");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(sql.as_bytes()).expect("the SQL is written");
    }
    child.wait().expect("python3 finishes").success()
}

/// Now, in milliseconds since the Unix epoch (the Worker's clock is this machine's).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// A fresh client id, unique enough across parallel tests.
pub fn new_client_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!(
        "t{nanos:x}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A WebSocket speaking the conversation protocol.
fn reach_of(frame: serde_json::Value) -> (bool, protocol::api::ReplyChannel) {
    match serde_json::from_value(frame) {
        Ok(protocol::frame::AgentFrame::Reach {
            visitor_present,
            reply_by,
        }) => (visitor_present, reply_by),
        other => panic!("not a reach frame: {other:?}"),
    }
}

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
    fn connect(req: tungstenite::handshake::client::Request) -> Self {
        Self::try_connect(req).unwrap_or_else(|status| panic!("websocket handshake: {status}"))
    }

    /// The socket, or the status its handshake was refused with.
    fn try_connect(req: tungstenite::handshake::client::Request) -> Result<Self, u16> {
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

    /// On an inbox socket: the next row of conversation `id` (other conversations' rows and
    /// mentions are skipped: other tests run in parallel); fails the test if the agent is
    /// signed out instead.
    pub fn next_row_of(&mut self, id: &str) -> protocol::api::ConversationSummary {
        use protocol::frame::InboxFrame;
        loop {
            match self.receive::<InboxFrame>() {
                InboxFrame::Conversation(row) if row.id == id => return row,
                InboxFrame::Conversation(_)
                | InboxFrame::Mention(_)
                | InboxFrame::AccessChanged
                | InboxFrame::Gone(_) => continue,
                InboxFrame::SignedOut(why) => panic!("signed out: {why:?}"),
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
