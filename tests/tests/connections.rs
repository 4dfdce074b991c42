//! Connecting Messenger Pages and WhatsApp numbers through the admin API: admins only, from our
//! origin, validated, one connection per Page or number, and the access token never comes back.

use porchlight_tests::{new_client_id, Edge, Reply};
use protocol::api::{Connection, ConnectionList, ErrorCode, TokenState};
use protocol::Channel;

/// A Meta-style numeric id no other test uses.
fn unique_id() -> String {
    let digits: String = new_client_id()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    digits.chars().rev().take(15).collect()
}

struct Admin {
    edge: Edge,
    cookie: String,
}

impl Admin {
    fn new() -> Self {
        let edge = Edge::from_env();
        let cookie = edge.sign_in();
        Self { edge, cookie }
    }

    fn path(&self) -> String {
        format!("/api/admin/sites/{}/connections", self.edge.site_id)
    }

    fn connect(&self, body: &serde_json::Value) -> Reply {
        self.edge.request(
            "POST",
            &self.path(),
            &[("cookie", &self.cookie), ("origin", &self.edge.url)],
            Some(&body.to_string()),
        )
    }

    fn list(&self) -> Vec<Connection> {
        self.edge
            .request("GET", &self.path(), &[("cookie", &self.cookie)], None)
            .json::<ConnectionList>()
            .connections
    }
}

const TOKEN: &str = "EAABsbCS1iHgBAKZCZB-a-long-page-access-token-0123456789";

#[test]
fn a_page_is_connected_listed_and_removed_without_its_token_leaving() {
    let a = Admin::new();
    let page_id = unique_id();
    let reply = a.connect(&serde_json::json!({
        "channel": "messenger", "account_id": page_id, "name": "Bakery Page", "access_token": TOKEN,
    }));
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert!(!reply.body.contains(TOKEN), "the token is never returned");
    let created: Connection = reply.json();
    assert_eq!(created.channel, Channel::Messenger);
    assert_eq!(created.account_id, page_id);
    assert_eq!(created.token_state, TokenState::Valid);

    let listed = a.list();
    assert!(listed.iter().any(|c| c.id == created.id));
    let raw = a
        .edge
        .request("GET", &a.path(), &[("cookie", &a.cookie)], None)
        .body;
    assert!(!raw.contains(TOKEN));

    // The same Page cannot be connected twice.
    a.connect(&serde_json::json!({
        "channel": "messenger", "account_id": page_id, "name": "Again", "access_token": TOKEN,
    }))
    .assert_error(409, ErrorCode::AlreadyConnected);

    let delete = format!("{}/{}", a.path(), created.id);
    let gone = a.edge.request(
        "DELETE",
        &delete,
        &[("cookie", &a.cookie), ("origin", &a.edge.url)],
        None,
    );
    assert_eq!(gone.status, 204, "{}", gone.body);
    assert!(!a.list().iter().any(|c| c.id == created.id));
    a.edge
        .request(
            "DELETE",
            &delete,
            &[("cookie", &a.cookie), ("origin", &a.edge.url)],
            None,
        )
        .assert_error(404, ErrorCode::NotFound);
}

#[test]
fn a_whatsapp_number_needs_its_business_account() {
    let a = Admin::new();
    let number = unique_id();
    let without = a.connect(&serde_json::json!({
        "channel": "whatsapp", "account_id": number, "name": "Shop number", "access_token": TOKEN,
    }));
    without.assert_error(400, ErrorCode::InvalidField);
    assert!(without.body.contains("business_account_id"));
    let with = a.connect(&serde_json::json!({
        "channel": "whatsapp", "account_id": number, "business_account_id": "102290129340398",
        "name": "Shop number", "access_token": TOKEN,
    }));
    assert_eq!(with.status, 201, "{}", with.body);
    let created: Connection = with.json();
    assert_eq!(
        created.business_account_id.as_deref(),
        Some("102290129340398")
    );
}

#[test]
fn bad_connections_are_refused_and_store_nothing() {
    let a = Admin::new();
    // Valid ids where the id is not what is wrong, so a stored row would be found by it.
    let id = unique_id();
    for (body, field) in [
        (
            serde_json::json!({"channel": "chat", "account_id": id, "name": "x", "access_token": TOKEN}),
            "channel",
        ),
        (
            serde_json::json!({"channel": "messenger", "account_id": "12ab", "name": "x", "access_token": TOKEN}),
            "account_id",
        ),
        (
            serde_json::json!({"channel": "messenger", "account_id": id, "name": " ", "access_token": TOKEN}),
            "name",
        ),
        (
            serde_json::json!({"channel": "messenger", "account_id": id, "name": "x", "access_token": "short"}),
            "access_token",
        ),
    ] {
        let reply = a.connect(&body);
        reply.assert_error(400, ErrorCode::InvalidField);
        assert!(reply.body.contains(field), "{}", reply.body);
    }
    a.connect(&serde_json::json!({"channel": "telegram"}))
        .assert_error(400, ErrorCode::MalformedBody);
    a.edge
        .request(
            "POST",
            &a.path(),
            &[("cookie", &a.cookie), ("origin", "https://evil.example")],
            Some("{}"),
        )
        .assert_error(403, ErrorCode::Forbidden);
    a.edge
        .request("GET", &a.path(), &[], None)
        .assert_error(401, ErrorCode::Unauthenticated);
    let stored = a.list();
    assert!(
        !stored
            .iter()
            .any(|c| c.account_id == id || c.account_id == "12ab"),
        "nothing was stored: {stored:?}"
    );
}
