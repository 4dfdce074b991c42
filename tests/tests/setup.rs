//! First-run setup against the running Worker (which `cargo xtask test` has already set up): it
//! needs the secret, and it works only once.

use porchlight_tests::Edge;
use protocol::api::ErrorCode;

fn setup_body() -> String {
    serde_json::json!({
        "site_name": "Intruder Inc",
        "admin": { "email": "intruder@example.com", "name": "Mallory", "password": "a long password" },
    })
    .to_string()
}

#[test]
fn setup_needs_the_secret_and_runs_once() {
    let edge = Edge::from_env();
    let token = std::env::var("SETUP_TOKEN").expect("SETUP_TOKEN: run through `cargo xtask test`");
    edge.request("POST", "/api/setup", &[], Some(&setup_body()))
        .assert_error(401, ErrorCode::Unauthenticated);
    edge.request(
        "POST",
        "/api/setup",
        &[("authorization", "Bearer wrong")],
        Some(&setup_body()),
    )
    .assert_error(403, ErrorCode::Forbidden);
    edge.request(
        "POST",
        "/api/setup",
        &[("authorization", &format!("Bearer {token}"))],
        Some(&setup_body()),
    )
    .assert_error(409, ErrorCode::AlreadySetUp);
    // The refused admin cannot sign in.
    let login =
        serde_json::json!({ "email": "intruder@example.com", "password": "a long password" })
            .to_string();
    edge.request(
        "POST",
        "/api/agent/session",
        &[("origin", &edge.url)],
        Some(&login),
    )
    .assert_error(401, ErrorCode::InvalidCredentials);
}
