//! A chatflow bot's call to the site's own system (its webhook action): `POST` the session's
//! answers as JSON, signed the Standard Webhooks way with the site's webhook secret
//! (`webhook-id`, `webhook-timestamp`, `webhook-signature`; `domain::webhooks`), and wait at most
//! the action's timeout for a JSON answer. The visitor is waiting, so a call is made once: what
//! fails (no secret, no answer in time, not 2xx, not JSON) becomes the bot's error path, which
//! says so and hands over.
//!
//! `webhook-id` names the conversation's queue entry, so a call repeated after the object was
//! interrupted mid-call carries the same id: the site can tell a repeat.

use std::time::Duration;

use futures_util::future::{select, Either};
use serde_json::Value;
use worker::{AbortController, Delay, Fetch, Headers, Method, Request, RequestInit};

use crate::config::App;
use crate::site_secrets::{self, Purpose};
use crate::store;

/// The largest answer read from a site's system.
const ANSWER_MAX_BYTES: usize = 64 * 1024;

/// Calls `url` for site `site_id` with `body`, as delivery `id`; the JSON answer (`{}` for an
/// empty one), or why there is none, for the bot's log.
pub async fn call(
    app: &App,
    site_id: &str,
    id: &str,
    url: &str,
    timeout_ms: u32,
    body: &Value,
) -> Result<Value, String> {
    let secret = site_secrets::usable(app, site_id, Purpose::Webhooks)
        .await
        .map_err(|e| e.message)?
        .ok_or("the site has no webhook secret to sign the call with")?;
    let bytes = serde_json::to_vec(body).map_err(|e| e.to_string())?;
    let timestamp = store::now() / 1000;
    let signature = domain::webhooks::sign_webhook(&secret, id, timestamp, &bytes)
        .ok_or("the site's webhook secret is not a whsec_ secret")?;
    let headers = Headers::new();
    let set = |name: &str, value: &str| headers.set(name, value).map_err(|e| e.to_string());
    set("content-type", "application/json")?;
    set("user-agent", "Porchlight-Chatflows/1")?;
    set("webhook-id", id)?;
    set("webhook-timestamp", &timestamp.to_string())?;
    set("webhook-signature", &signature)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(js_sys::Uint8Array::from(bytes.as_slice()).into()));
    let request = Request::new_with_init(url, &init).map_err(|e| e.to_string())?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Box::pin(async move {
        let mut response = Fetch::Request(request)
            .send_with_signal(&signal)
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status_code();
        if !(200..300).contains(&status) {
            return Err(format!("the site's system answered {status}"));
        }
        let text = response.text().await.map_err(|e| e.to_string())?;
        Ok(text)
    });
    let timeout = Box::pin(Delay::from(Duration::from_millis(u64::from(timeout_ms))));
    let text = match select(fetch, timeout).await {
        Either::Left((answer, _)) => answer?,
        Either::Right(((), _)) => {
            controller.abort();
            return Err(format!("no answer within {timeout_ms} ms"));
        }
    };
    if text.len() > ANSWER_MAX_BYTES {
        return Err(format!("an answer over {ANSWER_MAX_BYTES} bytes"));
    }
    if text.trim().is_empty() {
        return Ok(Value::Object(Default::default()));
    }
    serde_json::from_str(&text).map_err(|_| "an answer that is not JSON".to_owned())
}
