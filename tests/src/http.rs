//! The Worker under test and its HTTP answers: [`Edge`] (its address, the seeded demo site and
//! agent, a client address of its own) sends requests, each read whole into a [`Reply`].

use std::time::Duration;

use protocol::api::{ErrorBody, ErrorCode};
use serde::de::DeserializeOwned;

use crate::database::sharing_the_database;
use crate::env;

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
}
