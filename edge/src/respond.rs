//! Writing responses: JSON that is never cached and never sniffed, and the empty 204. Below both
//! [`crate::error`] (which writes every error as JSON) and [`crate::http`] (which hands these on
//! to the routes), so neither depends on the other's way round.

use serde::Serialize;
use worker::{Headers, Response};

/// A JSON response that is never cached and never sniffed.
pub fn json<T: Serialize>(value: &T, status: u16) -> Response {
    let body = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    let headers = Headers::new();
    // Setting well-formed constant headers cannot fail; ignore the Results to keep this total.
    let _ = headers.set("content-type", "application/json; charset=utf-8");
    let _ = headers.set("cache-control", "no-store");
    let _ = headers.set("x-content-type-options", "nosniff");
    Response::ok(body)
        .unwrap_or_else(|_| Response::empty().unwrap_or_else(|_| unreachable_response()))
        .with_status(status)
        .with_headers(headers)
}

fn unreachable_response() -> Response {
    // Response::empty only fails if the JS Response constructor throws, which it does not for an
    // empty body; this keeps `json` free of panics all the same.
    Response::builder().empty()
}

/// An empty 204.
pub fn no_content() -> Response {
    Response::builder().with_status(204).empty()
}
