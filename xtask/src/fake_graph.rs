//! A stand-in on 127.0.0.1 for the two services outside this machine, for tests: Meta's Graph
//! API (the Worker reaches it through `GRAPH_API_BASE` exactly as it reaches Meta) and the
//! e-mail provider's API (through `MAIL_API_BASE`, under `/mail`). It records every request
//! (with its `idempotency-key` header) and answers with success (a fresh message or e-mail id)
//! unless a test scripted otherwise.
//!
//! Control routes, for tests:
//! - `GET /__fake/requests`: every request so far, as JSON
//!   `[{method, path, query, body, idempotency_key, status, answer}]`.
//! - `POST /__fake/respond` with `{"status": 400, "body": {…}, "times": 1, "path": "/v21.0/1/messages"}`:
//!   the next `times` calls to `path` (to any path when it is left out) get this answer, queued
//!   in order; then success again. Tests name their own Page's path, so they can run at once;
//!   with `"body_contains": "…"` only a call whose body contains that text is answered so (an
//!   e-mail to a test's own address, whatever else is being sent meanwhile).
//! - `POST /__fake/reset`: forget requests and scripts.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use anyhow::{anyhow, Result};
use serde_json::{json, Value};
use tiny_http::{Header, Response, Server};

#[derive(Default)]
struct State {
    requests: Vec<Value>,
    scripted: VecDeque<Script>,
    sent: u64,
}

/// One scripted answer: for calls to `path` (any when `None`) whose body contains `body_contains`.
struct Script {
    path: Option<String>,
    body_contains: Option<String>,
    status: u16,
    answer: Value,
}

impl Script {
    fn fits(&self, path: &str, body: &str) -> bool {
        self.path.as_deref().is_none_or(|p| p == path)
            && self
                .body_contains
                .as_deref()
                .is_none_or(|t| body.contains(t))
    }
}

pub struct FakeGraph {
    pub url: String,
    server: Arc<Server>,
    thread: Option<JoinHandle<()>>,
}

/// The Meta secrets a local Worker is started with, made fresh for each run.
pub struct MetaSecrets {
    pub app_secret: String,
    pub verify_token: String,
    /// Signs the e-mail provider's inbound webhook (`whsec_` and base64, as Resend gives it).
    pub mail_webhook_secret: String,
}

/// The domain the fake provider "receives" e-mail for: replies by e-mail carry addresses on it.
pub const MAIL_INBOUND_DOMAIN: &str = "replies.porchlight.test";

impl FakeGraph {
    /// The Worker's variables that send Graph API and e-mail calls to this fake, with fresh Meta
    /// secrets (returned too, for the callers that sign webhooks).
    pub fn worker_vars(&self) -> Result<(crate::stack::Vars, MetaSecrets)> {
        let secrets = MetaSecrets {
            app_secret: crate::stack::random_hex(16)?,
            verify_token: crate::stack::random_hex(16)?,
            mail_webhook_secret: format!("whsec_{}", {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD
                    .encode(crate::stack::random_hex(24)?.as_bytes())
            }),
        };
        let vars = vec![
            ("GRAPH_API_BASE", format!("{}/v21.0", self.url)),
            ("MAIL_API_BASE", format!("{}/mail", self.url)),
            ("MAIL_API_KEY", "test-mail-key".to_owned()),
            ("MAIL_INBOUND_DOMAIN", MAIL_INBOUND_DOMAIN.to_owned()),
            ("MAIL_WEBHOOK_SECRET", secrets.mail_webhook_secret.clone()),
            ("META_APP_SECRET", secrets.app_secret.clone()),
            ("META_VERIFY_TOKEN", secrets.verify_token.clone()),
        ];
        Ok((vars, secrets))
    }
}

pub fn start(port: u16) -> Result<FakeGraph> {
    let server = Arc::new(
        Server::http(("127.0.0.1", port))
            .map_err(|e| anyhow!("could not start the fake Graph API on port {port}: {e}"))?,
    );
    let worker = Arc::clone(&server);
    let thread = std::thread::spawn(move || {
        let state = Mutex::new(State::default());
        for mut request in worker.incoming_requests() {
            let mut body = String::new();
            // A body that is not UTF-8 is recorded as empty; the Worker only sends JSON.
            let _ = request.as_reader().read_to_string(&mut body);
            let key = request
                .headers()
                .iter()
                .find(|h| h.field.equiv("idempotency-key"))
                .map(|h| h.value.as_str().to_owned());
            let (status, answer) = handle(
                &state,
                request.method().as_str(),
                request.url(),
                &body,
                key.as_deref(),
            );
            let json = Header::from_bytes("content-type", "application/json")
                .expect("a constant header is valid");
            let _ = request.respond(
                Response::from_string(answer.to_string())
                    .with_status_code(status)
                    .with_header(json),
            );
        }
    });
    Ok(FakeGraph {
        url: format!("http://127.0.0.1:{port}"),
        server,
        thread: Some(thread),
    })
}

fn handle(
    state: &Mutex<State>,
    method: &str,
    url: &str,
    body: &str,
    idempotency_key: Option<&str>,
) -> (u16, Value) {
    let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    match (method, path) {
        ("GET", "/__fake/requests") => (200, Value::Array(state.requests.clone())),
        ("POST", "/__fake/reset") => {
            *state = State::default();
            (200, json!({}))
        }
        ("POST", "/__fake/respond") => match serde_json::from_str::<Value>(body) {
            Ok(script) => {
                let status = script["status"].as_u64().unwrap_or(200) as u16;
                let times = script["times"].as_u64().unwrap_or(1);
                for _ in 0..times {
                    state.scripted.push_back(Script {
                        path: script["path"].as_str().map(str::to_owned),
                        body_contains: script["body_contains"].as_str().map(str::to_owned),
                        status,
                        answer: script["body"].clone(),
                    });
                }
                (200, json!({}))
            }
            Err(e) => (400, json!({ "error": e.to_string() })),
        },
        _ => {
            state.requests.push(json!({
                "method": method,
                "path": path,
                "query": query,
                "idempotency_key": idempotency_key,
                "body": serde_json::from_str::<Value>(body).unwrap_or(Value::String(body.into())),
            }));
            let scripted = state.scripted.iter().position(|s| s.fits(path, body));
            let (status, answer) = match scripted.and_then(|i| state.scripted.remove(i)) {
                Some(script) => (script.status, script.answer),
                None => {
                    state.sent += 1;
                    success(path, body, state.sent)
                }
            };
            if let Some(record) = state.requests.last_mut() {
                record["status"] = json!(status);
                record["answer"] = answer.clone();
            }
            (status, answer)
        }
    }
}

/// What Meta answers a successful send with: Messenger's `/{page-id}/messages` (or
/// `/me/messages`), or WhatsApp's `/{phone-number-id}/messages` (its body names the product).
fn success(path: &str, body: &str, n: u64) -> (u16, Value) {
    if path.ends_with("/emails") {
        (200, json!({ "id": format!("em_fake{n}") }))
    } else if path.ends_with("/message_templates") {
        (200, templates())
    } else if path.ends_with("/messages") && !body.contains("\"messaging_product\"") {
        (
            200,
            json!({ "recipient_id": "psid", "message_id": format!("m_fake{n}") }),
        )
    } else if path.ends_with("/messages") {
        (
            200,
            json!({
                "messaging_product": "whatsapp",
                "contacts": [{ "input": "", "wa_id": "" }],
                "messages": [{ "id": format!("wamid.fake{n}") }],
            }),
        )
    } else {
        (200, json!({ "success": true }))
    }
}

/// A WhatsApp business account's templates: four an agent can send (positional and named
/// parameters; a text header's parameter with a link and a coupon button; an image header),
/// and two they cannot (a location header, and one not yet approved).
fn templates() -> Value {
    json!({
        "data": [
            { "name": "order_ready", "language": "en_US", "status": "APPROVED", "category": "UTILITY",
              "parameter_format": "POSITIONAL",
              "components": [{ "type": "BODY", "text": "Hi {{1}}, your order {{2}} is ready to collect." }] },
            { "name": "reservation", "language": "en_US", "status": "APPROVED", "category": "UTILITY",
              "parameter_format": "NAMED",
              "components": [
                  { "type": "HEADER", "format": "TEXT", "text": "See you soon" },
                  { "type": "BODY", "text": "A table for {{guests}} on {{day}}." },
                  { "type": "BUTTONS", "buttons": [{ "type": "QUICK_REPLY", "text": "Cancel" }] }] },
            { "name": "spring_sale", "language": "en_US", "status": "APPROVED", "category": "MARKETING",
              "components": [{ "type": "HEADER", "format": "IMAGE" }, { "type": "BODY", "text": "Sale!" }] },
            { "name": "shipped", "language": "en_US", "status": "APPROVED", "category": "UTILITY",
              "components": [
                  { "type": "HEADER", "format": "TEXT", "text": "Order {{1}}" },
                  { "type": "BODY", "text": "It is on its way." },
                  { "type": "BUTTONS", "buttons": [
                      { "type": "URL", "text": "Track", "url": "https://ship.example/t/{{1}}" },
                      { "type": "COPY_CODE", "text": "Copy code" }] }] },
            { "name": "visit_us", "language": "en_US", "status": "APPROVED", "category": "UTILITY",
              "components": [{ "type": "HEADER", "format": "LOCATION" }, { "type": "BODY", "text": "Here." }] },
            { "name": "draft", "language": "en_US", "status": "PENDING", "category": "UTILITY",
              "components": [{ "type": "BODY", "text": "Not yet" }] },
        ],
        "paging": { "cursors": { "before": "MAA", "after": "MjQZD" } },
    })
}

impl Drop for FakeGraph {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_requests_and_plays_scripts_in_order() {
        let state = Mutex::new(State::default());
        let send = |s: &Mutex<State>| {
            handle(
                s,
                "POST",
                "/v21.0/me/messages?access_token=t",
                "{\"a\":1}",
                None,
            )
        };
        assert_eq!(send(&state).1["message_id"], "m_fake1");
        handle(
            &state,
            "POST",
            "/__fake/respond",
            r#"{"status":400,"body":{"error":{"code":10}},"times":2}"#,
            None,
        );
        assert_eq!(send(&state).0, 400);
        assert_eq!(send(&state).1["error"]["code"], 10);
        assert_eq!(send(&state).1["message_id"], "m_fake2");
        let (_, requests) = handle(&state, "GET", "/__fake/requests", "", None);
        assert_eq!(requests.as_array().map(Vec::len), Some(4));
        assert_eq!(requests[0]["path"], "/v21.0/me/messages");
        assert_eq!(requests[0]["body"]["a"], 1);
        handle(&state, "POST", "/__fake/reset", "", None);
        assert_eq!(
            handle(&state, "GET", "/__fake/requests", "", None).1,
            json!([])
        );
    }

    #[test]
    fn scripts_for_a_path_leave_other_paths_alone() {
        let state = Mutex::new(State::default());
        handle(
            &state,
            "POST",
            "/__fake/respond",
            r#"{"status":400,"body":{"error":{"code":190}},"path":"/v21.0/7/messages"}"#,
            None,
        );
        let other = handle(&state, "POST", "/v21.0/8/messages", "{}", None);
        assert_eq!(other.1["message_id"], "m_fake1");
        let mine = handle(&state, "POST", "/v21.0/7/messages", "{}", None);
        assert_eq!(mine.0, 400);
    }

    #[test]
    fn scripts_for_a_body_answer_only_calls_that_carry_it() {
        let state = Mutex::new(State::default());
        handle(
            &state,
            "POST",
            "/__fake/respond",
            r#"{"status":503,"body":{},"path":"/mail/emails","body_contains":"ada+7@"}"#,
            None,
        );
        let other = handle(&state, "POST", "/mail/emails", r#"{"to":["bob@x"]}"#, None);
        assert_eq!(other.0, 200);
        let mine = handle(
            &state,
            "POST",
            "/mail/emails",
            r#"{"to":["ada+7@x"]}"#,
            None,
        );
        assert_eq!(mine.0, 503);
        let again = handle(
            &state,
            "POST",
            "/mail/emails",
            r#"{"to":["ada+7@x"]}"#,
            None,
        );
        assert_eq!(again.0, 200, "a script answers its `times` calls only");
    }

    #[test]
    fn e_mails_get_an_id_and_keep_their_idempotency_key() {
        let state = Mutex::new(State::default());
        let (status, answer) = handle(&state, "POST", "/mail/emails", "{}", Some("e_1"));
        assert_eq!(status, 200);
        assert_eq!(answer["id"], "em_fake1");
        let (_, requests) = handle(&state, "GET", "/__fake/requests", "", None);
        assert_eq!(requests[0]["idempotency_key"], "e_1");
    }

    #[test]
    fn whatsapp_sends_get_a_wamid() {
        let state = Mutex::new(State::default());
        let (status, answer) = handle(
            &state,
            "POST",
            "/v21.0/106540352242922/messages",
            r#"{"messaging_product":"whatsapp"}"#,
            None,
        );
        assert_eq!(status, 200);
        assert_eq!(answer["messages"][0]["id"], "wamid.fake1");
    }
}
