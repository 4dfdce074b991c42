//! HTTP plumbing shared by the route groups: bounded JSON bodies, JSON responses with safe
//! headers, cookies and same-origin checks.

use futures_util::StreamExt;
use protocol::api::ErrorCode;
use protocol::limits::REQUEST_MAX_BYTES;
use serde::de::DeserializeOwned;
use worker::{Headers, Request};

use crate::error::{ApiError, ApiResult};
pub use crate::respond::{json, no_content};

/// Reads a JSON body of at most [`REQUEST_MAX_BYTES`]. Too large → `body_too_large`; not JSON of
/// the expected shape → `malformed_body` naming what was wrong.
pub async fn read_json<T: DeserializeOwned>(req: &mut Request) -> ApiResult<T> {
    let bytes = read_bytes_at_most(req, REQUEST_MAX_BYTES).await?;
    serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::new(
            ErrorCode::MalformedBody,
            format!("The body is not valid JSON of the expected shape: {e}."),
        )
    })
}

/// The body size the request declares (`Content-Length`), so a too large body can be refused
/// before a byte of it is read.
pub fn content_length(req: &Request) -> ApiResult<Option<u64>> {
    Ok(req
        .headers()
        .get("content-length")?
        .and_then(|v| v.parse().ok()))
}

/// Headers for serving stored user bytes so that a browser runs nothing: the stored type,
/// `nosniff`, a sandboxing CSP, and readable only by our own origin. The caller adds caching.
pub fn inert_file_headers(content_type: &str) -> ApiResult<Headers> {
    let headers = Headers::new();
    headers.set("content-type", content_type)?;
    headers.set("x-content-type-options", "nosniff")?;
    headers.set("content-security-policy", "default-src 'none'; sandbox")?;
    headers.set("cross-origin-resource-policy", "same-origin")?;
    Ok(headers)
}

/// Reads a body of at most `max` bytes (`body_too_large` past it).
pub async fn read_bytes_at_most(req: &mut Request, max: usize) -> ApiResult<Vec<u8>> {
    read_body_at_most(req, max as u64, |_| {
        ApiError::new(
            ErrorCode::BodyTooLarge,
            format!("The body is larger than {max} bytes."),
        )
    })
    .await
}

/// Reads a body of at most `max` bytes, and never more: refused from its declared length
/// before a byte of it is read when it declares one, else as soon as what has arrived passes
/// `max` (a body sent without `Content-Length`, chunked, is never buffered whole first).
/// `too_large` makes the refusal from the size known (declared, or read so far).
pub async fn read_body_at_most(
    req: &mut Request,
    max: u64,
    too_large: impl Fn(u64) -> ApiError,
) -> ApiResult<Vec<u8>> {
    if let Some(declared) = content_length(req)?.filter(|n| *n > max) {
        return Err(too_large(declared));
    }
    let mut stream = match req.stream() {
        Ok(stream) => stream,
        Err(worker::Error::BodyUsed) => return Err(worker::Error::BodyUsed.into()),
        // No body at all.
        Err(_) => return Ok(Vec::new()),
    };
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        let size = (bytes.len() + chunk.len()) as u64;
        if size > max {
            return Err(too_large(size));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// The value of cookie `name` in the request, if present.
pub fn cookie(req: &Request, name: &str) -> Option<String> {
    let header = req.headers().get("cookie").ok()??;
    header.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}

/// The origin (`scheme://host[:port]`) the request was sent to.
pub fn own_origin(req: &Request) -> ApiResult<String> {
    let url = req.url()?;
    Ok(url.origin().ascii_serialization())
}

/// Refuses a cookie-authenticated state change or socket upgrade that a page of another origin
/// made (CSRF and cross-site WebSocket hijacking): its `Origin` must be our own.
pub fn require_same_origin(req: &Request) -> ApiResult<()> {
    let origin = req.headers().get("origin")?;
    if origin.as_deref() == Some(own_origin(req)?.as_str()) {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::Forbidden,
            "This request must come from the inbox's own origin.",
        ))
    }
}

/// Refuses a visitor request that a page of another origin made: the widget's API is called by
/// the widget frame, on our own origin, and never by a customer's page directly (which could
/// otherwise act for a visitor of a site that does not allow it). A request without `Origin`
/// (not a browser's cross-origin request) passes: no header stops a server, only the tokens do.
pub fn refuse_cross_origin(req: &Request) -> ApiResult<()> {
    match req.headers().get("origin")? {
        Some(origin) if origin != own_origin(req)? => Err(ApiError::new(
            ErrorCode::OriginNotAllowed,
            "The visitor API is for the chat frame on this origin only.",
        )),
        _ => Ok(()),
    }
}

/// Whether the request arrived over TLS (cookies get `Secure` then).
pub fn is_https(req: &Request) -> bool {
    req.url().map(|u| u.scheme() == "https").unwrap_or(false)
}

/// The value of query parameter `name`.
pub fn query_param(req: &Request, name: &str) -> Option<String> {
    url_param(&req.url().ok()?, name)
}

/// The value of `url`'s query parameter `name`.
pub fn url_param(url: &worker::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The `after` query parameter: a sequence number, 0 when absent.
pub fn after_param(req: &Request) -> ApiResult<u64> {
    match query_param(req, "after") {
        None => Ok(0),
        Some(v) => v.parse().map_err(|_| {
            ApiError::new(
                ErrorCode::InvalidField,
                "`after` must be a non-negative whole number.",
            )
        }),
    }
}

/// Whether this is a WebSocket upgrade request.
pub fn is_upgrade(req: &Request) -> bool {
    req.headers()
        .get("upgrade")
        .ok()
        .flatten()
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}
