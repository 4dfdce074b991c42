//! Agents' profile pictures against the running Worker: set by the agent (the bytes judged to be
//! a picture, at most 1 MiB), in their profile as a public, immutable path, replaced by a new
//! path (the old one gone), and removed; by id alone, the current one or their initial. Bad
//! input changes nothing. Both tests use the demo
//! agent, so each holds [`AGENT`].

use std::sync::{Mutex, MutexGuard};

use porchlight_tests::{Edge, Reply, PNG};
use protocol::api::{AgentProfile, ErrorCode};

/// A 1×1 GIF.
const GIF: &[u8] = b"GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff!\xf9\x04\x01\0\0\0\0,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;";

static AGENT: Mutex<()> = Mutex::new(());

fn lock() -> MutexGuard<'static, ()> {
    AGENT.lock().unwrap_or_else(|p| p.into_inner())
}

fn put(edge: &Edge, cookie: &str, bytes: &[u8]) -> Reply {
    edge.request_bytes(
        "PUT",
        "/api/agent/me/avatar",
        &[
            ("cookie", cookie),
            ("origin", &edge.url),
            ("content-type", "application/octet-stream"),
        ],
        Some(bytes),
    )
}

fn me(edge: &Edge, cookie: &str) -> AgentProfile {
    edge.request("GET", "/api/agent/me", &[("cookie", cookie)], None)
        .json()
}

#[test]
fn an_agent_sets_replaces_and_removes_their_picture() {
    let _agent = lock();
    let edge = Edge::from_env();
    let cookie = edge.sign_in();

    let reply = put(&edge, &cookie, PNG);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let first = reply.json::<AgentProfile>().avatar_url.expect("a picture");
    assert_eq!(
        me(&edge, &cookie).avatar_url.as_deref(),
        Some(first.as_str())
    );
    // Public: no cookie needed, as visitors see it.
    let got = edge.request_bytes("GET", &first, &[], None);
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.bytes, PNG);
    assert_eq!(got.header("content-type"), Some("image/png"));
    assert_eq!(got.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        got.header("content-security-policy"),
        Some("default-src 'none'; sandbox")
    );
    assert_eq!(
        got.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );

    // By id alone (the widget's heading): the picture as it is now, cached a little while.
    let agent = me(&edge, &cookie);
    let current = format!("/api/avatars/{}", agent.id);
    let got = edge.request_bytes("GET", &current, &[], None);
    assert_eq!((got.status, got.bytes.as_slice()), (200, PNG));
    assert_eq!(got.header("cache-control"), Some("public, max-age=300"));

    let second = put(&edge, &cookie, GIF).json::<AgentProfile>().avatar_url;
    let second = second.expect("a picture");
    assert_ne!(second, first, "a new picture is a new path");
    let got = edge.request_bytes("GET", &second, &[], None);
    assert_eq!((got.status, got.bytes.as_slice()), (200, GIF));
    assert_eq!(got.header("content-type"), Some("image/gif"));
    edge.request("GET", &first, &[], None)
        .assert_error(404, ErrorCode::NotFound);

    let reply = edge.request(
        "DELETE",
        "/api/agent/me/avatar",
        &[("cookie", &cookie), ("origin", &edge.url)],
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json::<AgentProfile>().avatar_url, None);
    assert_eq!(me(&edge, &cookie).avatar_url, None);
    edge.request("GET", &second, &[], None)
        .assert_error(404, ErrorCode::NotFound);
    // Without a picture: their initial, drawn, escaped and inert.
    let got = edge.request("GET", &current, &[], None);
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.header("content-type"), Some("image/svg+xml"));
    assert_eq!(
        got.header("content-security-policy"),
        Some("default-src 'none'; sandbox")
    );
    let initial: String = agent
        .name
        .chars()
        .take(1)
        .flat_map(char::to_uppercase)
        .collect();
    assert!(
        got.body.contains(&format!(">{initial}</text>")),
        "{}",
        got.body
    );
}

#[test]
fn bad_pictures_and_bad_callers_change_nothing() {
    let _agent = lock();
    let edge = Edge::from_env();
    let cookie = edge.sign_in();
    let before = me(&edge, &cookie).avatar_url;

    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
    put(&edge, &cookie, svg).assert_error(415, ErrorCode::UnsupportedFileType);
    put(&edge, &cookie, b"%PDF-1.4\n%%EOF\n").assert_error(415, ErrorCode::UnsupportedFileType);
    let mut big = PNG.to_vec();
    big.resize(1024 * 1024 + 1, 0);
    put(&edge, &cookie, &big).assert_error(413, ErrorCode::FileTooLarge);
    // Another origin's page cannot change it with the agent's cookie; nobody can without one.
    edge.request_bytes(
        "PUT",
        "/api/agent/me/avatar",
        &[("cookie", &cookie), ("origin", "https://evil.example")],
        Some(PNG),
    )
    .assert_error(403, ErrorCode::Forbidden);
    edge.request_bytes(
        "PUT",
        "/api/agent/me/avatar",
        &[("origin", &edge.url)],
        Some(PNG),
    )
    .assert_error(401, ErrorCode::Unauthenticated);
    assert_eq!(me(&edge, &cookie).avatar_url, before);

    for path in [
        "/api/avatars/a_nobody/p_nothing",
        "/api/avatars/..%2Fsites/x",
        "/api/avatars/a_x/p_x.png",
        "/api/avatars/a_nobody",
    ] {
        edge.request("GET", path, &[], None)
            .assert_error(404, ErrorCode::NotFound);
    }
}
