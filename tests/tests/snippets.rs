//! Snippets against the running Worker: any member writes one and everyone lists it; only its
//! author or an admin changes or deletes it; bad input is refused and changes nothing.

use porchlight_tests::Edge;
use protocol::api::{ErrorCode, Snippet, SnippetList};
use serde_json::json;

fn listed(edge: &Edge, cookie: &str) -> Vec<Snippet> {
    let reply = edge.as_agent(cookie, "GET", "/api/agent/snippets", None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json::<SnippetList>().snippets
}

#[test]
fn members_share_snippets_and_only_authors_and_admins_change_them() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (_, author) = edge.new_member(&admin, "agent");
    let (_, other) = edge.new_member(&admin, "agent");

    let reply = edge.as_agent(
        &author,
        "POST",
        "/api/agent/snippets",
        Some(&json!({ "name": "  Opening hours ", "body": "We open at 8 and close at 18.\r\n" })),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let snippet: Snippet = reply.json();
    assert_eq!(snippet.name, "Opening hours");
    assert_eq!(snippet.body, "We open at 8 and close at 18.");
    assert!(listed(&edge, &other).contains(&snippet));

    let path = format!("/api/agent/snippets/{}", snippet.id);
    let change = json!({ "name": "Hours", "body": "8 to 18" });
    edge.as_agent(&other, "PUT", &path, Some(&change))
        .assert_error(403, ErrorCode::Forbidden);
    edge.as_agent(&other, "DELETE", &path, None)
        .assert_error(403, ErrorCode::Forbidden);
    assert!(listed(&edge, &other).contains(&snippet));

    let changed: Snippet = edge.as_agent(&author, "PUT", &path, Some(&change)).json();
    assert_eq!(
        (changed.name.as_str(), changed.body.as_str()),
        ("Hours", "8 to 18")
    );
    // An admin may tidy anyone's.
    assert_eq!(edge.as_agent(&admin, "DELETE", &path, None).status, 204);
    assert!(!listed(&edge, &author).iter().any(|s| s.id == snippet.id));
    edge.as_agent(&admin, "DELETE", &path, None)
        .assert_error(404, ErrorCode::UnknownSnippet);
}

#[test]
fn bad_snippets_are_refused_and_store_nothing() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    // The other test adds snippets meanwhile: nothing named with this tag may appear.
    let tag = porchlight_tests::new_client_id();
    for (body, code) in [
        (
            json!({ "name": " ", "body": format!("text {tag}") }),
            ErrorCode::InvalidField,
        ),
        (
            json!({ "name": format!("Empty {tag}"), "body": "  " }),
            ErrorCode::EmptyMessage,
        ),
        (
            json!({ "name": format!("Long {tag}"), "body": "x".repeat(4001) }),
            ErrorCode::MessageTooLong,
        ),
        (
            json!({ "name": format!("No body {tag}") }),
            ErrorCode::MalformedBody,
        ),
    ] {
        edge.as_agent(&admin, "POST", "/api/agent/snippets", Some(&body))
            .assert_error(400, code);
    }
    edge.request(
        "POST",
        "/api/agent/snippets",
        &[("cookie", &admin), ("content-type", "application/json")],
        Some(&json!({ "name": format!("Foreign {tag}"), "body": "y" }).to_string()),
    )
    .assert_error(403, ErrorCode::Forbidden);
    edge.as_agent(
        &admin,
        "PUT",
        "/api/agent/snippets/sn_nothing",
        Some(&json!({ "name": "a", "body": "b" })),
    )
    .assert_error(404, ErrorCode::UnknownSnippet);
    assert!(!listed(&edge, &admin)
        .iter()
        .any(|s| s.name.contains(&tag) || s.body.contains(&tag)));
}
