//! Helpers for black-box tests against a running Porchlight Worker. `cargo xtask test` starts a
//! fresh Worker on workerd and passes its address and the seeded demo site and agent in the
//! environment; run outside it, every test fails and says so.
//!
//! Requests are plain HTTP (ureq) and WebSockets (tungstenite), typed with the `protocol` crate,
//! so a change to the wire types breaks these tests at compile time.
//!
//! Every helper is reachable as `porchlight_tests::Thing`, whichever module keeps it:
//!
//! - `http`: the Worker under test ([`Edge`]) and its HTTP answers ([`Reply`]).
//! - `api`: the API's common steps as the widget and the inbox take them: starting a
//!   conversation, signing in, inviting and joining.
//! - `handshake`: opening sockets as the widget and the inbox do.
//! - `socket`: a socket speaking the conversation protocol ([`Socket`]).
//! - `site`: holding the demo site's settings for one test ([`SiteSettings`]).
//! - `database`: running SQL on the Worker's local D1 database ([`local_sql`]).
//! - [`contacts`]: the directory's common steps (listing, a contact's page, editing one).
//! - [`flows`]: chatflows' common steps (making and publishing one, a page's config).
//! - [`mail`] and [`meta`]: playing the e-mail provider and Meta.

pub mod contacts;
pub mod flows;
pub mod mail;
pub mod meta;

mod api;
mod database;
mod handshake;
mod http;
mod site;
mod socket;

pub use api::{invitation_token, session_cookie, unique_email, MEMBER_PASSWORD};
pub use database::{local_query, local_sql, local_state_holding, try_local_sql};
pub use http::{Edge, Reply};
pub use site::{site_lock, SiteSettings};
pub use socket::{Socket, FRAME_TIMEOUT};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: these tests run against a live Worker; use `cargo xtask test`")
    })
}

/// Waits until `check` finds what it looks for (checking every 100 ms), at most `timeout`;
/// fails naming `what` if it never does.
pub fn eventually<T>(
    what: &str,
    timeout: std::time::Duration,
    mut check: impl FnMut() -> Option<T>,
) -> T {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if let Some(found) = check() {
            return found;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{what} never happened"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// Now, in milliseconds since the Unix epoch (the Worker's clock is this machine's).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// A fresh client id, unique enough across parallel tests.
pub fn new_client_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!(
        "t{nanos:x}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A 1×1 transparent PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];
