//! Playing Meta in tests: signed webhook bodies as Messenger and WhatsApp send them, connecting
//! a Page or number, and the fake Graph API's record of what the Worker sent (`cargo xtask test`
//! runs the fake and passes its address).

use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use protocol::api::{ConversationList, ConversationSummary, MessagePage};
use protocol::routes;
use serde_json::{json, Value};
use sha2::Sha256;

use crate::{env, new_client_id, Edge, Reply};

/// How long a test waits for the queues to have done something.
pub const QUEUE_TIMEOUT: Duration = Duration::from_secs(30);

/// `sha256=…` over `body` with the deployment's app secret, as Meta signs.
pub fn sign(body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(env("META_APP_SECRET").as_bytes()).expect("key");
    mac.update(body.as_bytes());
    let digest: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={digest}")
}

/// Posts a webhook body to `/webhooks/{channel}` with the given signature header, if any.
pub fn post(edge: &Edge, channel: &str, body: &str, signature: Option<&str>) -> Reply {
    let mut headers = vec![("content-type", "application/json")];
    headers.extend(signature.map(|s| ("x-hub-signature-256", s)));
    edge.request(
        "POST",
        &format!("/webhooks/{channel}"),
        &headers,
        Some(body),
    )
}

/// Posts a correctly signed webhook body and checks it was taken.
pub fn deliver(edge: &Edge, channel: &str, body: &str) {
    let reply = post(edge, channel, body, Some(&sign(body)));
    assert_eq!(reply.status, 200, "{}", reply.body);
}

/// A Meta-style numeric id no other test uses.
pub fn unique_id() -> String {
    let digits: String = new_client_id()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    digits.chars().rev().take(15).collect()
}

/// Connects a Page (`messenger`) or number (`whatsapp`) to the demo site; the connection's id.
pub fn connect(edge: &Edge, cookie: &str, channel: &str, account: &str) -> String {
    let body = json!({
        "channel": channel, "account_id": account, "business_account_id": "102290129340398",
        "name": "Larkspur on Meta", "access_token": "EAAB-test-token-0123456789abcdef",
    });
    let reply = edge.request(
        "POST",
        &routes::Connect::new(&edge.site_id).path(),
        &[("cookie", cookie), ("origin", &edge.url)],
        Some(&body.to_string()),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json::<protocol::api::Connection>().id
}

/// A Messenger webhook body with one text message from `psid` to `page` at `at` (ms).
pub fn messenger_text(page: &str, psid: &str, mid: &str, text: &str, at: i64) -> String {
    messenger_events(
        page,
        &[json!({
            "sender": { "id": psid }, "recipient": { "id": page }, "timestamp": at,
            "message": { "mid": mid, "text": text },
        })],
    )
}

/// A Messenger webhook body with `events` in one entry for `page`.
pub fn messenger_events(page: &str, events: &[Value]) -> String {
    json!({
        "object": "page",
        "entry": [{ "id": page, "time": 1, "messaging": events }],
    })
    .to_string()
}

/// A WhatsApp webhook body for `number` with the given `value` fields (`messages`, `statuses`…).
pub fn whatsapp_body(number: &str, value: Value) -> String {
    let mut value = value;
    value["messaging_product"] = json!("whatsapp");
    value["metadata"] = json!({ "display_phone_number": "15550783881", "phone_number_id": number });
    json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": "102290129340398", "changes": [{ "field": "messages", "value": value }] }],
    })
    .to_string()
}

/// A WhatsApp webhook body with one text message from `wa_id` at `at` (ms).
pub fn whatsapp_text(number: &str, wa_id: &str, text: &str, at: i64) -> String {
    whatsapp_body(
        number,
        json!({
            "contacts": [{ "profile": { "name": "Sheena Nelson" }, "wa_id": wa_id }],
            "messages": [{ "from": wa_id, "id": format!("wamid.{}", unique_id()),
                "timestamp": (at / 1000).to_string(), "type": "text", "text": { "body": text } }],
        }),
    )
}

/// Waits (bounded) for the queue consumer to have stored what `ok` looks for.
pub fn conversation_where(
    edge: &Edge,
    cookie: &str,
    ok: impl Fn(&ConversationSummary) -> bool,
) -> ConversationSummary {
    let deadline = Instant::now() + QUEUE_TIMEOUT;
    loop {
        let list: ConversationList = edge
            .request(
                "GET",
                &routes::Conversations::new().path(),
                &[("cookie", cookie)],
                None,
            )
            .json();
        if let Some(found) = list.conversations.into_iter().find(|c| ok(c)) {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "the event never reached the inbox"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A conversation's messages, as an agent reads them.
pub fn messages(edge: &Edge, cookie: &str, id: &str) -> Vec<protocol::Message> {
    edge.request(
        "GET",
        &routes::AgentHistory::new(id).path(),
        &[("cookie", cookie)],
        None,
    )
    .json::<MessagePage>()
    .messages
}

/// What became of each reply in a Meta conversation, as an agent reads it.
pub fn deliveries(edge: &Edge, cookie: &str, id: &str) -> Vec<protocol::reply::Delivery> {
    let reply = edge.as_agent(cookie, "GET", &routes::Deliveries::new(id).path(), None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json::<protocol::reply::DeliveryList>().deliveries
}

/// Waits (bounded) until reply `seq` of conversation `id` is in `state`.
pub fn settled(
    edge: &Edge,
    cookie: &str,
    id: &str,
    seq: u64,
    state: protocol::reply::DeliveryState,
) -> protocol::reply::Delivery {
    let deadline = Instant::now() + QUEUE_TIMEOUT;
    loop {
        let found = deliveries(edge, cookie, id)
            .into_iter()
            .find(|d| d.seq == seq);
        if let Some(d) = found.as_ref().filter(|d| d.state == state) {
            return d.clone();
        }
        assert!(
            Instant::now() < deadline,
            "reply {seq} never became {state:?}: {found:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The fake Graph API (and e-mail provider) the Worker talks to in tests.
pub struct FakeGraph {
    /// Where the fake answers (for links the Worker is to fetch from it).
    pub url: String,
    http: ureq::Agent,
}

impl FakeGraph {
    pub fn from_env() -> Self {
        Self {
            url: env("FAKE_GRAPH_URL"),
            http: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build()
                .into(),
        }
    }

    /// Every request the Worker made so far, as `{method, path, query, body, …}`.
    pub fn requests(&self) -> Vec<Value> {
        let mut reply = self
            .http
            .get(format!("{}/__fake/requests", self.url))
            .call()
            .expect("the fake Graph API answers");
        reply.body_mut().read_json().expect("a JSON list")
    }

    /// The requests made to `path`, waiting (bounded) until there are at least `count`.
    pub fn wait_for(&self, path: &str, count: usize) -> Vec<Value> {
        let deadline = Instant::now() + QUEUE_TIMEOUT;
        loop {
            let found: Vec<Value> = self
                .requests()
                .into_iter()
                .filter(|r| r["path"] == path)
                .collect();
            if found.len() >= count {
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "{path} got {} requests, not {count}",
                found.len()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The next `times` calls to `path` get `status` with `body`.
    pub fn respond(&self, path: &str, status: u16, body: Value, times: u32) {
        self.respond_to(path, None, status, body, times);
    }

    /// As [`FakeGraph::respond`], for calls whose body contains `body_contains` only (an e-mail
    /// to a test's own address, whatever else the Worker sends meanwhile).
    pub fn respond_to(
        &self,
        path: &str,
        body_contains: Option<&str>,
        status: u16,
        body: Value,
        times: u32,
    ) {
        let script = json!({
            "path": path, "body_contains": body_contains, "status": status, "body": body,
            "times": times,
        });
        self.http
            .post(format!("{}/__fake/respond", self.url))
            .send(script.to_string())
            .expect("the fake Graph API takes scripts");
    }
}
