//! Meta's Graph API: the one client every call to Meta goes through (replies' Send API calls,
//! the consent request, WhatsApp's templates, the Messenger greeting).
//!
//! - [`Graph::connect`] unseals a connection's access token, once, here (the connection id is
//!   the sealed data's associated data). The token goes only in the `Authorization` header:
//!   never in a URL, a log or a reason.
//! - Paths are relative to [`App::graph_api_base`], which carries the pinned version.
//! - Bodies go as JSON; Meta's answer comes back as its status and text ([`Answer`]).
//! - A refusal is classified once ([`Answer::result`], [`GraphError`]) from the HTTP status and
//!   Graph's error body (`error.code`, `error.error_subcode`): which calls to try again, which
//!   mean the token is gone, which are refused for good. The decisions and the reasons for
//!   people are `domain::meta::send::outcome`'s; this names them as one type.

use domain::meta::send::{outcome, Outcome};
use domain::meta::MetaChannel;
use serde::Deserialize;
use serde_json::Value;
use worker::{Fetch, Headers, Method, Request, RequestInit};

use crate::config::App;

/// A connection's way into the Graph API: the base and its unsealed token.
pub struct Graph {
    base: String,
    token: String,
}

impl Graph {
    /// The client for connection `connection_id` with its `sealed` token; `None` when the
    /// TOKEN_KEY secret is missing or the token does not open with it.
    pub fn connect(app: &App, connection_id: &str, sealed: &str) -> Option<Self> {
        let key = app.token_key()?;
        let token = domain::sealed::open(&key, connection_id.as_bytes(), sealed).ok()?;
        Some(Self {
            base: app.graph_api_base(),
            token: String::from_utf8(token).ok()?,
        })
    }

    /// `GET {base}/{path}` (`path` may carry a query).
    pub async fn get(&self, path: &str) -> Answer {
        self.call(Method::Get, path, None).await
    }

    /// `POST {base}/{path}` with a JSON body.
    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        self.call(Method::Post, path, Some(body)).await
    }

    /// `{method} {base}/{path}`, with a JSON body when there is one.
    pub async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Answer {
        let url = format!("{}/{}", self.base, path.trim_start_matches('/'));
        let attempt = async {
            let headers = Headers::new();
            // Its error would quote the value, token and all: it is not passed on.
            if headers
                .set("authorization", &format!("Bearer {}", self.token))
                .is_err()
            {
                return Ok(Answer::unanswered(
                    "the access token is not a valid header value".into(),
                ));
            }
            if body.is_some() {
                headers.set("content-type", "application/json")?;
            }
            let mut init = RequestInit::new();
            init.with_method(method)
                .with_headers(headers)
                .with_body(body.map(|b| b.to_string().into()));
            let mut response = Fetch::Request(Request::new_with_init(&url, &init)?)
                .send()
                .await?;
            let status = response.status_code();
            Ok::<_, worker::Error>(Answer {
                status: Some(status),
                body: response.text().await.unwrap_or_default(),
            })
        };
        attempt
            .await
            .unwrap_or_else(|e| Answer::unanswered(e.to_string()))
    }
}

/// What one Graph API call came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// Meta's HTTP status; `None` when Meta did not answer.
    pub status: Option<u16>,
    /// Meta's answer as text; why there was none when `status` is `None`.
    pub body: String,
}

impl Answer {
    fn unanswered(why: String) -> Self {
        Self {
            status: None,
            body: why,
        }
    }

    /// Whether Meta took the call (2xx).
    pub fn ok(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// Meta's answer when it took the call, else why not.
    pub fn result(&self) -> Result<&str, GraphError> {
        if self.ok() {
            return Ok(&self.body);
        }
        Err(
            match outcome(MetaChannel::Messenger, self.status, &self.body) {
                Outcome::Retry(reason) if self.rate_limited() => GraphError::RateLimited(reason),
                Outcome::Retry(reason) => GraphError::Transient(reason),
                Outcome::Failed {
                    reason,
                    token_expired: true,
                } => GraphError::TokenInvalid(reason),
                Outcome::Failed { reason, .. } => GraphError::Rejected(reason),
                // Only a 2xx is sent, and that was answered above.
                Outcome::Sent(_) => GraphError::Transient(format!(
                    "Meta answered {}.",
                    self.status.unwrap_or_default()
                )),
            },
        )
    }

    /// A Send API call's result: the sent message's id (`mid` or `wamid`; empty when Meta
    /// took it without one), else why not.
    pub fn sent(&self, channel: MetaChannel) -> Result<String, GraphError> {
        let body = self.result()?;
        Ok(match outcome(channel, self.status, body) {
            Outcome::Sent(id) => id,
            _ => String::new(),
        })
    }

    /// Whether Meta throttled the call: HTTP 429, or one of its rate-limit codes.
    fn rate_limited(&self) -> bool {
        #[derive(Deserialize)]
        struct Body {
            error: Code,
        }
        #[derive(Deserialize)]
        struct Code {
            code: Option<i64>,
        }
        let code = serde_json::from_str::<Body>(&self.body)
            .ok()
            .and_then(|b| b.error.code);
        match code {
            Some(code) => RATE_LIMITS.contains(&code),
            None => self.status == Some(429),
        }
    }
}

/// Graph's error codes for "too many calls": the app's, the account's or the page's, and
/// WhatsApp's per-number and per-pair limits.
const RATE_LIMITS: &[i64] = &[4, 32, 613, 80_007, 130_429, 131_056];

/// Why Meta did not take a call; each carries the reason for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GraphError {
    /// Meta throttled the call (HTTP 429 or a rate-limit code): try again later.
    RateLimited(String),
    /// No answer, a 5xx, or one of Meta's temporary errors: try again later.
    Transient(String),
    /// Meta refused the access token (190: expired or revoked): an admin must reconnect.
    TokenInvalid(String),
    /// Refused for good: trying again will not help.
    Rejected(String),
}

impl GraphError {
    /// Whether a later attempt may get through.
    pub fn retryable(&self) -> bool {
        matches!(self, Self::RateLimited(_) | Self::Transient(_))
    }

    /// The reason, for people.
    pub fn into_reason(self) -> String {
        match self {
            Self::RateLimited(r)
            | Self::Transient(r)
            | Self::TokenInvalid(r)
            | Self::Rejected(r) => r,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: Option<u16>, body: &str) -> Answer {
        Answer {
            status,
            body: body.into(),
        }
    }

    fn error(code: i64, subcode: Option<i64>, status: u16) -> Answer {
        let body = serde_json::json!({
            "error": { "message": "m", "code": code, "error_subcode": subcode }
        });
        answer(Some(status), &body.to_string())
    }

    #[test]
    fn a_2xx_is_taken_with_its_message_id_or_none() {
        let m = answer(Some(200), r#"{"recipient_id":"1","message_id":"m_1"}"#);
        assert_eq!(m.sent(MetaChannel::Messenger), Ok("m_1".into()));
        let w = answer(Some(200), r#"{"messages":[{"id":"wamid.1"}]}"#);
        assert_eq!(w.sent(MetaChannel::WhatsApp), Ok("wamid.1".into()));
        // Taken without an id: never sent again.
        assert_eq!(
            answer(Some(201), "ok").sent(MetaChannel::WhatsApp),
            Ok(String::new())
        );
        assert_eq!(answer(Some(204), "").result(), Ok(""));
    }

    #[test]
    fn no_answer_a_5xx_and_temporary_codes_are_transient() {
        assert_eq!(
            answer(None, "connection reset").result(),
            Err(GraphError::Transient(
                "Meta could not be reached: connection reset".into()
            ))
        );
        assert_eq!(
            answer(Some(503), "<html>").result(),
            Err(GraphError::Transient("Meta answered 503.".into()))
        );
        for code in [1, 2, 1200, 131_000, 131_016, 133_004] {
            let e = error(code, None, 400).result().unwrap_err();
            assert!(matches!(e, GraphError::Transient(_)), "{code}: {e:?}");
            assert!(e.retryable());
        }
        // A 5xx whose body names no code.
        assert_eq!(
            answer(Some(500), r#"{"error":{"message":"oops"}}"#).result(),
            Err(GraphError::Transient("Meta asked to wait (0): oops".into()))
        );
    }

    #[test]
    fn throttling_is_rate_limited_and_retried() {
        assert_eq!(
            answer(Some(429), "slow down").result(),
            Err(GraphError::RateLimited("Meta answered 429.".into()))
        );
        for code in RATE_LIMITS {
            let e = error(*code, None, 400).result().unwrap_err();
            assert_eq!(
                e,
                GraphError::RateLimited(format!("Meta asked to wait ({code}): m"))
            );
            assert!(e.retryable());
        }
    }

    #[test]
    fn code_190_is_an_invalid_token_whatever_the_status() {
        for status in [400, 401, 500] {
            let e = error(190, Some(463), status).result().unwrap_err();
            assert!(matches!(e, GraphError::TokenInvalid(_)), "{e:?}");
            assert!(!e.retryable());
        }
    }

    #[test]
    fn other_refusals_are_rejected_for_good_with_a_reason() {
        let e = error(131_047, None, 400).result().unwrap_err();
        assert!(!e.retryable());
        assert!(e.into_reason().contains("More than 24 hours"));
        let e = error(10, Some(2_018_278), 400).result().unwrap_err();
        assert!(e.into_reason().starts_with("Messenger's window has closed"));
        // A 5xx with a code that is not temporary is refused, as Meta means it.
        assert!(matches!(
            error(100, None, 500).result(),
            Err(GraphError::Rejected(_))
        ));
        assert_eq!(
            answer(Some(400), "not json").result(),
            Err(GraphError::Rejected(
                "Meta refused the message (400).".into()
            ))
        );
        assert_eq!(
            error(999, None, 400).result(),
            Err(GraphError::Rejected(
                "Meta refused the message: m (error 999)".into()
            ))
        );
    }
}
