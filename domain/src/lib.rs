//! Porchlight's domain rules as plain Rust: what a valid message, client id, password or site
//! name is, how secrets are stored. No `worker`, `web_sys` or `leptos` here, so `cargo test`
//! covers every rule natively; the edge and the clients call these functions.
//!
//! # Layout
//! - [`message`]: validating what a participant sends; list previews.
//! - [`credentials`]: bearer-token digests, the stored password-hash format, password and
//!   e-mail rules.
//! - [`rejection`]: the error every rule returns, carrying the wire error code.

pub mod credentials;
pub mod message;
pub mod rejection;

pub use rejection::Rejection;
