//! Search against the running Worker (`GET /api/agent/conversations?q=`): by the words of any
//! message (all of them; the last may be a word's start), by the visitor's name or e-mail; what
//! an agent types is never read as query syntax; bad searches are refused.

use porchlight_tests::{new_client_id, Edge, Reply};
use protocol::api::{ConversationList, ErrorCode};
use serde_json::json;

fn search(edge: &Edge, cookie: &str, q: &str) -> Reply {
    let q: String = q
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    edge.as_agent(
        cookie,
        "GET",
        &format!("/api/agent/conversations?q={q}"),
        None,
    )
}

fn found(edge: &Edge, cookie: &str, q: &str) -> Vec<String> {
    let reply = search(edge, cookie, q);
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply
        .json::<ConversationList>()
        .conversations
        .into_iter()
        .map(|c| c.id)
        .collect()
}

/// Waits (bounded) until searching `q` finds something.
fn found_eventually(edge: &Edge, cookie: &str, q: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while found(edge, cookie, q).is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "{q:?} was never indexed"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn messages_are_found_by_their_words_and_the_start_of_the_last() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let tag = new_client_id().replace('-', "");
    let word = format!("zq{tag}");
    let created = edge.start_conversation(None, &format!("Do you bake croissants? ({word})"));
    let id = created.conversation_id;
    // A later message is found too, not only the first.
    let later = format!("kx{tag}");
    let reply = edge.as_agent(
        &admin,
        "POST",
        &format!("/api/agent/conversations/{id}/messages"),
        Some(&json!({ "client_id": new_client_id(), "body": format!("Every morning ({later}).") })),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);

    // Messages are indexed as they are published, just after they are acknowledged.
    found_eventually(&edge, &admin, &word);
    assert_eq!(found(&edge, &admin, &word), [id.as_str()]);
    assert_eq!(found(&edge, &admin, &word[..word.len() - 3]), [id.as_str()]);
    assert_eq!(
        found(&edge, &admin, &format!("CROISSANTS {word}")),
        [id.as_str()]
    );
    assert!(found(&edge, &admin, &format!("baguette {word}")).is_empty());
    // The later message is indexed as it is published (after the answer): wait for it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while found(&edge, &admin, &later).is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the reply was never indexed"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(found(&edge, &admin, &later), [id.as_str()]);
}

#[test]
fn visitors_are_found_by_name_and_email() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let tag = new_client_id().replace('-', "");
    let created = edge.start_conversation(None, "who am I?");
    let id = created.conversation_id;
    let reply = edge.as_agent(
        &admin,
        "PUT",
        &format!("/api/agent/conversations/{id}/visitor"),
        Some(
            &json!({ "name": format!("Marta {tag}"), "email": format!("marta.{tag}@example.com") }),
        ),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);

    assert_eq!(found(&edge, &admin, &format!("marta {tag}")), [id.as_str()]);
    assert_eq!(
        found(&edge, &admin, &format!("MARTA.{tag}@EXAMPLE")),
        [id.as_str()]
    );
    // `%` and `_` are letters here, not wildcards.
    assert!(found(&edge, &admin, &format!("marta%{tag}")).is_empty());
}

#[test]
fn query_syntax_is_only_text_and_bad_searches_are_refused() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    for q in ["\" OR NEAR(", "body:*", "*", "\"\"\"", "a AND"] {
        let reply = search(&edge, &admin, q);
        assert_eq!(reply.status, 200, "{q}: {}", reply.body);
    }
    search(&edge, &admin, &"x".repeat(201)).assert_error(400, ErrorCode::InvalidField);
    edge.request("GET", "/api/agent/conversations?q=bread", &[], None)
        .assert_error(401, ErrorCode::Unauthenticated);
}
