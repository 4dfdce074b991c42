//! JSON over `fetch`, the way the Porchlight API speaks it: an optional bearer token, the
//! session cookie on same-origin requests, and error answers decoded from the one
//! [`ErrorBody`] shape into an [`HttpError`] the caller can match by [`ErrorCode`].
//!
//! Built on `web_sys` fetch rather than a fetch crate, and bodies parsed by the browser
//! ([`json`]): it is all the apps need and keeps the widget's wasm small.

use protocol::api::{ErrorBody, ErrorCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestCache, RequestCredentials, RequestInit, Response};

use crate::json;

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
    decode(request("GET", url, None, bearer, false).await?).await
}

/// As [`get_json`], past the browser's HTTP cache: for an answer known to have changed since
/// it was cached.
pub async fn get_fresh_json<T: DeserializeOwned>(
    url: &str,
    bearer: Option<&str>,
) -> Result<T, HttpError> {
    decode(request("GET", url, None, bearer, true).await?).await
}

/// `POST url` with a JSON body and decode the JSON answer.
pub async fn post_json<B: Serialize + ?Sized, T: DeserializeOwned>(
    url: &str,
    body: &B,
    bearer: Option<&str>,
) -> Result<T, HttpError> {
    let body = json::stringify(body).ok_or(HttpError::Decode)?;
    let body = (JsValue::from_str(&body), "application/json");
    decode(request("POST", url, Some(body), bearer, false).await?).await
}

/// `POST url` with a JSON body, for an answer without one (204).
pub async fn post_json_no_content<B: Serialize + ?Sized>(
    url: &str,
    body: &B,
) -> Result<(), HttpError> {
    let body = json::stringify(body).ok_or(HttpError::Decode)?;
    let body = (JsValue::from_str(&body), "application/json");
    request("POST", url, Some(body), None, false)
        .await
        .map(drop)
}

/// `PUT url` with a JSON body and decode the JSON answer.
pub async fn put_json<B: Serialize + ?Sized, T: DeserializeOwned>(
    url: &str,
    body: &B,
) -> Result<T, HttpError> {
    put_json_as(url, body, None).await
}

/// [`put_json`] with a bearer token (the visitor's).
pub async fn put_json_as<B: Serialize + ?Sized, T: DeserializeOwned>(
    url: &str,
    body: &B,
    bearer: Option<&str>,
) -> Result<T, HttpError> {
    let body = json::stringify(body).ok_or(HttpError::Decode)?;
    let body = (JsValue::from_str(&body), "application/json");
    decode(request("PUT", url, Some(body), bearer, false).await?).await
}

/// `POST url` without a body, for an answer without one (204).
pub async fn post_no_content(url: &str) -> Result<(), HttpError> {
    request("POST", url, None, None, false).await.map(drop)
}

/// `POST url` without a body (an action such as closing a conversation); decode the answer.
pub async fn post_action<T: DeserializeOwned>(url: &str) -> Result<T, HttpError> {
    decode(request("POST", url, None, None, false).await?).await
}

/// `method url` (`POST` or `PUT`) with a file's bytes as the body, and decode the JSON answer.
/// The server decides what the bytes are; the type sent says only that they are bytes.
pub async fn send_file<T: DeserializeOwned>(
    method: &str,
    url: &str,
    file: &web_sys::Blob,
    bearer: Option<&str>,
) -> Result<T, HttpError> {
    let body = (JsValue::from(file), "application/octet-stream");
    decode(request(method, url, Some(body), bearer, false).await?).await
}

/// `GET url` into a `blob:` URL of the answer's bytes: how a file that needs a bearer token
/// reaches an `<img>` or a download link. Revoke it with `Url::revoke_object_url` when done.
pub async fn get_blob_url(url: &str, bearer: Option<&str>) -> Result<String, HttpError> {
    let response = request("GET", url, None, bearer, false).await?;
    let blob: web_sys::Blob = JsFuture::from(response.blob().map_err(|_| HttpError::Decode)?)
        .await
        .map_err(|_| HttpError::Network)?
        .unchecked_into();
    web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| HttpError::Decode)
}

/// `DELETE url`; any success status will do, its body is ignored.
pub async fn delete(url: &str, bearer: Option<&str>) -> Result<(), HttpError> {
    request("DELETE", url, None, bearer, false).await.map(drop)
}

/// The body parsed by the browser (`response.json()`), then read as `T`.
async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, HttpError> {
    body(&response)
        .await
        .and_then(json::from_js)
        .ok_or(HttpError::Decode)
}

/// The body as the browser parses it; `None` when it is not JSON (or could not be read).
async fn body(response: &Response) -> Option<JsValue> {
    JsFuture::from(response.json().ok()?).await.ok()
}

/// Performs the request with its body and the body's type (`fresh`: revalidated, whatever the
/// browser has cached); a success status gives the response, any other an [`HttpError`].
async fn request(
    method: &str,
    url: &str,
    body: Option<(JsValue, &str)>,
    bearer: Option<&str>,
    fresh: bool,
) -> Result<Response, HttpError> {
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
    if fresh {
        init.set_cache(RequestCache::NoCache);
    }
    if let Some((body, content_type)) = &body {
        headers.set("Content-Type", content_type).map_err(network)?;
        init.set_body(body);
    }
    init.set_headers(&headers);
    let request = Request::new_with_str_and_init(url, &init).map_err(network)?;
    let window = web_sys::window().ok_or(HttpError::Network)?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(network)?
        .dyn_into()
        .map_err(network)?;
    if response.ok() {
        Ok(response)
    } else {
        Err(status_error(&response).await)
    }
}

async fn status_error(response: &Response) -> HttpError {
    let status = response.status();
    match body(response).await.and_then(json::from_js::<ErrorBody>) {
        Some(body) => HttpError::Status {
            status,
            code: Some(body.error.code),
            message: body.error.message,
        },
        None => HttpError::Status {
            status,
            code: None,
            message: format!("The server answered with status {status}. Please try again."),
        },
    }
}
