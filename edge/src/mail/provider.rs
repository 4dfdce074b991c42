//! The e-mail provider's HTTP API (Resend's `POST /emails` and `GET /emails/receiving/…`, or
//! anything that speaks it: tests run a sink): its base URL (`MAIL_API_BASE`), the
//! `MAIL_API_KEY` secret as a bearer token (never in a URL, a log or a reason), and what its
//! answers mean ([`ProviderError`]: refused for good, or unanswered and worth trying again).

use protocol::api::ErrorCode;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use worker::{Fetch, Headers, Method, Request, RequestInit};

use crate::config::{App, MAIL_API_KEY};
use crate::error::{ApiError, ApiResult};

/// The provider's API with this deployment's key.
pub struct Provider {
    base: String,
    key: String,
}

/// Why the provider did not take an e-mail; each carries the reason for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProviderError {
    /// It refused it (a 4xx other than 429): trying again would not help.
    Refused(String),
    /// No usable answer (429, 5xx, network): worth trying again.
    Unanswered(String),
}

impl Provider {
    /// The provider, when the MAIL_API_KEY secret is set.
    pub fn new(app: &App) -> Option<Self> {
        Some(Self {
            base: app.mail_api_base().trim_end_matches('/').to_owned(),
            key: app.secret(MAIL_API_KEY)?,
        })
    }

    /// The provider, or why e-mail cannot go (for an API answer).
    fn configured(app: &App) -> ApiResult<Self> {
        Self::new(app).ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotConfigured,
                "E-mail is not configured on this deployment (MAIL_API_KEY).",
            )
        })
    }

    /// The key as a bearer token. Its error would quote the key: it is not passed on.
    fn headers(&self) -> Result<Headers, String> {
        let headers = Headers::new();
        headers
            .set("authorization", &format!("Bearer {}", self.key))
            .map_err(|_| "the API key is not a valid header value".to_owned())?;
        Ok(headers)
    }

    /// `POST {MAIL_API_BASE}/emails` with `body`, under `idempotency_key` (the e-mail's id, so a
    /// retry after a lost answer never sends it twice): the provider's id for it, else why not.
    pub async fn send(&self, idempotency_key: &str, body: &Value) -> Result<String, ProviderError> {
        let headers = match self.headers() {
            Ok(headers) => headers,
            Err(why) => return sent(Err(why)),
        };
        let attempt = async {
            headers.set("content-type", "application/json")?;
            headers.set("idempotency-key", idempotency_key)?;
            let mut init = RequestInit::new();
            init.with_method(Method::Post)
                .with_headers(headers)
                .with_body(Some(body.to_string().into()));
            let url = format!("{}/emails", self.base);
            let mut response = Fetch::Request(Request::new_with_init(&url, &init)?)
                .send()
                .await?;
            let status = response.status_code();
            let answer: Option<SendAnswer> = response.json().await.ok();
            Ok::<_, worker::Error>((status, answer))
        };
        sent(attempt.await.map_err(|e| e.to_string()))
    }

    /// `GET {MAIL_API_BASE}{path}` with the API key, read as JSON; any failure is an error.
    async fn get<T: DeserializeOwned>(&self, path: &str) -> ApiResult<T> {
        let unavailable = |why: String| {
            ApiError::new(
                ErrorCode::Internal,
                format!("The e-mail provider could not be read ({path}): {why}"),
            )
        };
        let headers = self.headers().map_err(unavailable)?;
        let mut init = RequestInit::new();
        init.with_method(Method::Get).with_headers(headers);
        let url = format!("{}{path}", self.base);
        let mut response = Fetch::Request(Request::new_with_init(&url, &init)?)
            .send()
            .await
            .map_err(|e| unavailable(e.to_string()))?;
        match response.status_code() {
            200..=299 => response
                .json()
                .await
                .map_err(|e| unavailable(e.to_string())),
            status => Err(unavailable(format!("it answered {status}"))),
        }
    }
}

/// The provider's answer to `POST /emails`, as far as it is read.
#[derive(Deserialize)]
struct SendAnswer {
    id: Option<String>,
    message: Option<String>,
}

/// What the provider's answer to `POST /emails` (its status and body, or why there was none)
/// means: taken (its id, empty when it gave none), refused, or worth trying again.
fn sent(answer: Result<(u16, Option<SendAnswer>), String>) -> Result<String, ProviderError> {
    match answer {
        Ok((200..=299, answer)) => Ok(answer.and_then(|a| a.id).unwrap_or_default()),
        Ok((status @ (429 | 500..=599), _)) => Err(ProviderError::Unanswered(format!(
            "The e-mail provider answered {status}."
        ))),
        Ok((status, answer)) => Err(ProviderError::Refused(
            answer.and_then(|a| a.message).map_or_else(
                || format!("The e-mail provider refused it ({status})."),
                |m| format!("The e-mail provider refused it: {m}"),
            ),
        )),
        Err(e) => Err(ProviderError::Unanswered(format!(
            "The e-mail provider could not be reached: {e}"
        ))),
    }
}

/// A received e-mail's content, as the provider keeps it.
#[derive(Deserialize)]
pub struct ReceivedContent {
    pub text: Option<String>,
    pub html: Option<String>,
    #[serde(default)]
    pub attachments: Vec<ReceivedAttachment>,
}

/// An attachment of a received e-mail, as its content lists it.
#[derive(Deserialize)]
pub struct ReceivedAttachment {
    pub id: String,
    #[serde(default)]
    pub filename: Option<String>,
    #[serde(default)]
    pub content_disposition: Option<String>,
    #[serde(default)]
    pub content_id: Option<String>,
}

/// The bytes of attachment `attachment_id` of received e-mail `email_id`: its short-lived
/// download link from `GET …/emails/receiving/{email}/attachments/{id}`, then the file itself.
/// `Ok(Err(reason))` when the file is larger than `max_bytes` (it is not read); any failure
/// to reach the provider is an error, so the delivery is retried.
pub async fn received_file(
    app: &App,
    email_id: &str,
    attachment_id: &str,
    max_bytes: u64,
) -> ApiResult<std::result::Result<Vec<u8>, String>> {
    #[derive(Deserialize)]
    struct Link {
        download_url: String,
    }
    let path = format!("/emails/receiving/{email_id}/attachments/{attachment_id}");
    let link: Link = Provider::configured(app)?.get(&path).await?;
    let unavailable = |why: String| {
        ApiError::new(
            ErrorCode::Internal,
            format!("An attachment could not be downloaded: {why}"),
        )
    };
    let request =
        Request::new(&link.download_url, Method::Get).map_err(|e| unavailable(e.to_string()))?;
    let mut response = Fetch::Request(request)
        .send()
        .await
        .map_err(|e| unavailable(e.to_string()))?;
    if !(200..300).contains(&response.status_code()) {
        return Err(unavailable(format!(
            "it answered {}",
            response.status_code()
        )));
    }
    let declared = response
        .headers()
        .get("content-length")?
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = || Ok(Err(format!("it is larger than {max_bytes} bytes")));
    if declared.is_some_and(|n| n > max_bytes) {
        return too_large();
    }
    let bytes = response
        .bytes()
        .await
        .map_err(|e| unavailable(e.to_string()))?;
    if bytes.len() as u64 > max_bytes {
        return too_large();
    }
    Ok(Ok(bytes))
}

/// `GET {MAIL_API_BASE}/emails/receiving/{id}`: the content of an e-mail the provider received
/// (its webhook carries only the metadata). Any failure is an error, so the webhook answers 5xx
/// and the provider delivers it again.
pub async fn received_email(app: &App, id: &str) -> ApiResult<ReceivedContent> {
    // The caller checked `id` (letters, digits, `-` and `_`), so it is safe in a path.
    Provider::configured(app)?
        .get(&format!("/emails/receiving/{id}"))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(id: Option<&str>, message: Option<&str>) -> Option<SendAnswer> {
        Some(SendAnswer {
            id: id.map(str::to_owned),
            message: message.map(str::to_owned),
        })
    }

    #[test]
    fn a_2xx_is_taken_with_the_providers_id() {
        assert_eq!(
            sent(Ok((200, answer(Some("re_1"), None)))),
            Ok("re_1".into())
        );
        assert_eq!(sent(Ok((202, None))), Ok(String::new()));
    }

    #[test]
    fn throttling_5xx_and_no_answer_are_tried_again() {
        for status in [429, 500, 503, 599] {
            assert_eq!(
                sent(Ok((status, answer(None, Some("busy"))))),
                Err(ProviderError::Unanswered(format!(
                    "The e-mail provider answered {status}."
                )))
            );
        }
        assert_eq!(
            sent(Err("network lost".into())),
            Err(ProviderError::Unanswered(
                "The e-mail provider could not be reached: network lost".into()
            ))
        );
    }

    #[test]
    fn other_answers_are_refusals_in_the_providers_words_when_it_gave_some() {
        assert_eq!(
            sent(Ok((422, answer(None, Some("Invalid `to` field."))))),
            Err(ProviderError::Refused(
                "The e-mail provider refused it: Invalid `to` field.".into()
            ))
        );
        assert_eq!(
            sent(Ok((403, None))),
            Err(ProviderError::Refused(
                "The e-mail provider refused it (403).".into()
            ))
        );
        assert_eq!(
            sent(Ok((301, answer(None, None)))),
            Err(ProviderError::Refused(
                "The e-mail provider refused it (301).".into()
            ))
        );
    }
}
