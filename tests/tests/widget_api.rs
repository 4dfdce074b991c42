//! The visitor's HTTP API against the running Worker: starting a conversation, sending, history,
//! idempotent resends, and bad input that must be refused with a clear error and change nothing.

use porchlight_tests::{new_client_id, Edge};
use protocol::api::{
    ConversationCreated, CurrentConversation, ErrorCode, MessageAccepted, WidgetConfig,
};
use protocol::limits::{MESSAGE_MAX_CHARS, REQUEST_MAX_BYTES};
use protocol::Author;

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn send(edge: &Edge, token: &str, conversation: &str, body: &str) -> porchlight_tests::Reply {
    edge.request(
        "POST",
        &format!("/api/widget/conversations/{conversation}/messages"),
        &[
            ("authorization", &bearer(token)),
            ("content-type", "application/json"),
        ],
        Some(body),
    )
}

#[test]
fn public_config_is_served_to_any_origin() {
    let edge = Edge::from_env();
    let reply = edge.request(
        "GET",
        &format!("/api/sites/{}/widget-config", edge.site_id),
        &[],
        None,
    );
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    let config: WidgetConfig = reply.json();
    assert_eq!(config.site_id, edge.site_id);
    assert!(config.accent_color.starts_with('#'));

    edge.request("GET", "/api/sites/s_nope/widget-config", &[], None)
        .assert_error(404, ErrorCode::UnknownSite);
}

#[test]
fn a_conversation_starts_with_its_first_message_and_grows_in_order() {
    let edge = Edge::from_env();
    let created = edge.start_conversation(None, "Do you deliver on Sundays?");
    assert_eq!(created.message.seq, 1);
    assert_eq!(created.message.author, Author::Visitor);
    assert!(created.visitor_token.len() >= 40, "a 256-bit token");

    for (i, text) in ["second", "third"].iter().enumerate() {
        let body = serde_json::json!({ "client_id": new_client_id(), "body": text }).to_string();
        let reply = send(
            &edge,
            &created.visitor_token,
            &created.conversation_id,
            &body,
        );
        assert_eq!(reply.status, 201, "{}", reply.body);
        let accepted: MessageAccepted = reply.json();
        assert_eq!(accepted.message.seq, i as u64 + 2);
        assert!(!accepted.duplicate);
    }
    let history = edge.visitor_history(&created.visitor_token, &created.conversation_id, 0);
    let bodies: Vec<_> = history.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["Do you deliver on Sundays?", "second", "third"]);
    assert!(history.windows(2).all(|w| w[0].sent_at <= w[1].sent_at));
    let tail = edge.visitor_history(&created.visitor_token, &created.conversation_id, 2);
    assert_eq!(tail.len(), 1);
    assert_eq!(tail[0].seq, 3);

    let current: CurrentConversation = edge
        .request(
            "GET",
            "/api/widget/conversations/current",
            &[("authorization", &bearer(&created.visitor_token))],
            None,
        )
        .json();
    let current = current
        .conversation
        .expect("the visitor has a conversation");
    assert_eq!(current.id, created.conversation_id);
    assert_eq!(current.last_seq, 3);
}

#[test]
fn resending_a_client_id_stores_the_message_once() {
    let edge = Edge::from_env();
    let created = edge.start_conversation(None, "hello");
    let body = serde_json::json!({ "client_id": new_client_id(), "body": "only once" }).to_string();
    let first = send(
        &edge,
        &created.visitor_token,
        &created.conversation_id,
        &body,
    );
    assert_eq!(first.status, 201);
    let again = send(
        &edge,
        &created.visitor_token,
        &created.conversation_id,
        &body,
    );
    assert_eq!(again.status, 200);
    let (a, b): (MessageAccepted, MessageAccepted) = (first.json(), again.json());
    assert!(b.duplicate);
    assert_eq!(a.message, b.message);
    let history = edge.visitor_history(&created.visitor_token, &created.conversation_id, 0);
    assert_eq!(history.iter().filter(|m| m.body == "only once").count(), 1);
}

#[test]
fn bad_sends_are_refused_and_store_nothing() {
    let edge = Edge::from_env();
    let created = edge.start_conversation(None, "hello");
    let (token, id) = (&created.visitor_token, &created.conversation_id);
    let too_long = "x".repeat(MESSAGE_MAX_CHARS + 1);
    let cases: Vec<(String, u16, ErrorCode)> = vec![
        ("{not json".into(), 400, ErrorCode::MalformedBody),
        (r#"{"client_id":"a"}"#.into(), 400, ErrorCode::MalformedBody),
        (
            r#"{"client_id":"a","body":"   "}"#.into(),
            400,
            ErrorCode::EmptyMessage,
        ),
        (
            format!(r#"{{"client_id":"a","body":"{too_long}"}}"#),
            400,
            ErrorCode::MessageTooLong,
        ),
        (
            r#"{"client_id":"no spaces","body":"hi"}"#.into(),
            400,
            ErrorCode::InvalidClientId,
        ),
        (
            format!(
                r#"{{"client_id":"a","body":"{}"}}"#,
                "y".repeat(REQUEST_MAX_BYTES)
            ),
            413,
            ErrorCode::BodyTooLarge,
        ),
    ];
    for (body, status, code) in cases {
        send(&edge, token, id, &body).assert_error(status, code);
    }
    let history = edge.visitor_history(token, id, 0);
    assert_eq!(history.len(), 1, "nothing was stored: {history:?}");
}

#[test]
fn tokens_and_conversations_are_checked() {
    let edge = Edge::from_env();
    let mine = edge.start_conversation(None, "mine");
    let theirs = edge.start_conversation(None, "theirs");
    let body = r#"{"client_id":"x1","body":"hi"}"#;
    let path = format!(
        "/api/widget/conversations/{}/messages",
        mine.conversation_id
    );

    edge.request("POST", &path, &[], Some(body))
        .assert_error(401, ErrorCode::Unauthenticated);
    edge.request("POST", &path, &[("authorization", "Basic abc")], Some(body))
        .assert_error(401, ErrorCode::Unauthenticated);
    edge.request(
        "POST",
        &path,
        &[("authorization", "Bearer not-a-real-token")],
        Some(body),
    )
    .assert_error(403, ErrorCode::Forbidden);
    // Another visitor's valid token does not open my conversation.
    send(&edge, &theirs.visitor_token, &mine.conversation_id, body)
        .assert_error(404, ErrorCode::UnknownConversation);
    send(&edge, &mine.visitor_token, "c_doesnotexist", body)
        .assert_error(404, ErrorCode::UnknownConversation);
    edge.request(
        "GET",
        &format!(
            "/api/widget/conversations/{}/messages",
            theirs.conversation_id
        ),
        &[("authorization", &bearer(&mine.visitor_token))],
        None,
    )
    .assert_error(404, ErrorCode::UnknownConversation);

    assert_eq!(
        edge.visitor_history(&mine.visitor_token, &mine.conversation_id, 0)
            .len(),
        1
    );
    assert_eq!(
        edge.visitor_history(&theirs.visitor_token, &theirs.conversation_id, 0)
            .len(),
        1
    );
}

#[test]
fn a_bad_start_creates_nothing() {
    let edge = Edge::from_env();
    let first = edge.start_conversation(None, "first");
    let auth = bearer(&first.visitor_token);
    let headers = [("authorization", auth.as_str())];
    let start = |body: serde_json::Value| {
        edge.request(
            "POST",
            "/api/widget/conversations",
            &headers,
            Some(&body.to_string()),
        )
    };
    start(serde_json::json!({ "site_id": edge.site_id, "first_message": { "client_id": "a", "body": "" } }))
        .assert_error(400, ErrorCode::EmptyMessage);
    start(serde_json::json!({ "site_id": "s_unknown", "first_message": { "client_id": "a", "body": "hi" } }))
        .assert_error(404, ErrorCode::UnknownSite);
    start(serde_json::json!({ "first_message": { "client_id": "a", "body": "hi" } }))
        .assert_error(400, ErrorCode::MalformedBody);
    edge.request(
        "POST",
        "/api/widget/conversations",
        &[("authorization", "Bearer forged")],
        Some(&serde_json::json!({ "site_id": edge.site_id, "first_message": { "client_id": "a", "body": "hi" } }).to_string()),
    )
    .assert_error(403, ErrorCode::Forbidden);

    // The visitor's latest conversation is still the first one.
    let current: CurrentConversation = edge
        .request("GET", "/api/widget/conversations/current", &headers, None)
        .json();
    assert_eq!(
        current.conversation.map(|c| c.id),
        Some(first.conversation_id)
    );
}

#[test]
fn a_returning_visitor_keeps_their_token() {
    let edge = Edge::from_env();
    let first = edge.start_conversation(None, "first visit");
    let second: ConversationCreated =
        edge.start_conversation(Some(&first.visitor_token), "second visit");
    assert_eq!(second.visitor_token, first.visitor_token);
    assert_ne!(second.conversation_id, first.conversation_id);
}

#[test]
fn links_in_a_body_come_with_the_message_and_in_its_history() {
    let edge = Edge::from_env();
    let body = "Menu: https://bakery.example/menu. Mail anna@bakery.example or javascript:alert(1)";
    let created = edge.start_conversation(None, body);
    let links: Vec<(&str, &str)> = created
        .message
        .links
        .iter()
        .map(|l| (l.text.as_str(), l.href.as_str()))
        .collect();
    let expected = [
        ("https://bakery.example/menu", "https://bakery.example/menu"),
        ("anna@bakery.example", "mailto:anna@bakery.example"),
    ];
    assert_eq!(links, expected, "no other scheme is a link");
    assert_eq!(created.message.body, body, "the body is kept as written");
    let history = edge.visitor_history(&created.visitor_token, &created.conversation_id, 0);
    assert_eq!(history[0].links, created.message.links);
    // A body without links carries none (the field is left out).
    let plain = edge.start_conversation(None, "just words");
    assert!(plain.message.links.is_empty());
}

#[test]
fn unknown_routes_and_methods_get_json_errors() {
    let edge = Edge::from_env();
    edge.request("GET", "/api/nothing-here", &[], None)
        .assert_error(404, ErrorCode::NotFound);
    edge.request("PUT", "/api/widget/conversations", &[], None)
        .assert_error(405, ErrorCode::MethodNotAllowed);
}
