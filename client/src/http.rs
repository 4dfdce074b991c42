//! JSON over `fetch`, the way the Porchlight API speaks it: an optional bearer token, the
//! session cookie on same-origin requests, and error answers decoded from the one
//! [`ErrorBody`] shape into an [`HttpError`] the caller can match by [`ErrorCode`].
//!
//! Built on `web_sys` fetch rather than a fetch crate: it is all the apps need and keeps the
//! widget's wasm small.

use protocol::api::{ErrorBody, ErrorCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestCredentials, RequestInit, Response};

/// Why a request did not give the expected answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// The request did not complete (offline, blocked, aborted).
    #[error("The network request failed. Check your connection and try again.")]
    Network,
    /// The server answered with an error status. `code` is the API's stable code when the
    /// body had the error shape; `message` is a sentence for a person.
    #[error("{message}")]
    Status {
        status: u16,
        code: Option<ErrorCode>,
        message: String,
    },
    /// A success whose body was not the JSON expected (a deployment mismatch).
    #[error("The server's answer could not be read.")]
    Decode,
}

impl HttpError {
    /// The HTTP status, if the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The API error code, if the server sent one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Status { code, .. } => *code,
            _ => None,
        }
    }

    /// 401 or 403: the credentials are missing, wrong or no longer valid.
    pub fn is_auth(&self) -> bool {
        matches!(self.status(), Some(401 | 403))
    }
}

/// `GET url` and decode the JSON answer.
pub async fn get_json<T: DeserializeOwned>(
    url: &str,
    bearer: Option<&str>,
) -> Result<T, HttpError> {
    decode(&request("GET", url, None, bearer).await?)
}

/// `POST url` with a JSON body and decode the JSON answer.
pub async fn post_json<B: Serialize + ?Sized, T: DeserializeOwned>(
    url: &str,
    body: &B,
    bearer: Option<&str>,
) -> Result<T, HttpError> {
    let body = serde_json::to_string(body).map_err(|_| HttpError::Decode)?;
    decode(&request("POST", url, Some(body), bearer).await?)
}

/// `DELETE url`; any success status will do, its body is ignored.
pub async fn delete(url: &str, bearer: Option<&str>) -> Result<(), HttpError> {
    request("DELETE", url, None, bearer).await.map(drop)
}

fn decode<T: DeserializeOwned>(text: &str) -> Result<T, HttpError> {
    serde_json::from_str(text).map_err(|_| HttpError::Decode)
}

/// Performs the request; a success status gives the body text, any other an [`HttpError`].
async fn request(
    method: &str,
    url: &str,
    body: Option<String>,
    bearer: Option<&str>,
) -> Result<String, HttpError> {
    let network = |_: JsValue| HttpError::Network;
    let headers = Headers::new().map_err(network)?;
    headers.set("Accept", "application/json").map_err(network)?;
    if let Some(token) = bearer {
        headers
            .set("Authorization", &format!("Bearer {token}"))
            .map_err(network)?;
    }
    let init = RequestInit::new();
    init.set_method(method);
    // Same-origin only: the inbox's session cookie goes along, never to anyone else.
    init.set_credentials(RequestCredentials::SameOrigin);
    if let Some(body) = &body {
        headers
            .set("Content-Type", "application/json")
            .map_err(network)?;
        init.set_body(&JsValue::from_str(body));
    }
    init.set_headers(&headers);
    let request = Request::new_with_str_and_init(url, &init).map_err(network)?;
    let window = web_sys::window().ok_or(HttpError::Network)?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(network)?
        .dyn_into()
        .map_err(network)?;
    let text = JsFuture::from(response.text().map_err(network)?)
        .await
        .map_err(network)?
        .as_string()
        .unwrap_or_default();
    if response.ok() {
        Ok(text)
    } else {
        Err(status_error(response.status(), &text))
    }
}

fn status_error(status: u16, text: &str) -> HttpError {
    match serde_json::from_str::<ErrorBody>(text) {
        Ok(body) => HttpError::Status {
            status,
            code: Some(body.error.code),
            message: body.error.message,
        },
        Err(_) => HttpError::Status {
            status,
            code: None,
            message: format!("The server answered with status {status}. Please try again."),
        },
    }
}
