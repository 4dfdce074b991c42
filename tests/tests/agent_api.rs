//! The agents' HTTP API against the running Worker: sign-in and the session cookie, CSRF (Origin)
//! checks, the conversation list, replying, and sign-out.

use porchlight_tests::{new_client_id, Edge};
use protocol::api::{AgentProfile, ConversationList, ErrorCode, MessageAccepted, Role};
use protocol::Author;

#[test]
fn sign_in_sets_a_locked_down_session_cookie() {
    let edge = Edge::from_env();
    let body = serde_json::json!({ "email": edge.agent_email.to_uppercase(), "password": edge.agent_password });
    let reply = edge.request(
        "POST",
        "/api/agent/session",
        &[("origin", &edge.url)],
        Some(&body.to_string()),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let profile: AgentProfile = reply.json();
    assert_eq!(profile.email, edge.agent_email);
    assert_eq!(profile.role, Role::Admin);
    let cookie = reply.header("set-cookie").expect("cookie");
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(flag), "{cookie} lacks {flag}");
    }
    assert!(
        !reply.body.contains("password"),
        "no hash leaves the server"
    );
}

#[test]
fn wrong_credentials_are_refused_alike() {
    let edge = Edge::from_env();
    for (email, password) in [
        (edge.agent_email.as_str(), "wrong password"),
        ("nobody@example.com", edge.agent_password.as_str()),
        ("not an email", "whatever"),
    ] {
        let body = serde_json::json!({ "email": email, "password": password }).to_string();
        let reply = edge.request(
            "POST",
            "/api/agent/session",
            &[("origin", &edge.url)],
            Some(&body),
        );
        reply.assert_error(401, ErrorCode::InvalidCredentials);
        assert!(reply.header("set-cookie").is_none());
    }
}

#[test]
fn agent_routes_need_a_session() {
    let edge = Edge::from_env();
    edge.request("GET", "/api/agent/me", &[], None)
        .assert_error(401, ErrorCode::Unauthenticated);
    edge.request(
        "GET",
        "/api/agent/conversations",
        &[("cookie", "pl_session=forged")],
        None,
    )
    .assert_error(401, ErrorCode::Unauthenticated);
}

#[test]
fn state_changes_from_another_origin_are_refused() {
    let edge = Edge::from_env();
    let cookie = edge.sign_in();
    let created = edge.start_conversation(None, "csrf target");
    let body =
        serde_json::json!({ "client_id": new_client_id(), "body": "forged reply" }).to_string();
    let path = format!(
        "/api/agent/conversations/{}/messages",
        created.conversation_id
    );
    for origin in [Some("https://evil.example"), None] {
        let mut headers = vec![("cookie", cookie.as_str())];
        headers.extend(origin.map(|o| ("origin", o)));
        edge.request("POST", &path, &headers, Some(&body))
            .assert_error(403, ErrorCode::Forbidden);
    }
    let login = serde_json::json!({ "email": edge.agent_email, "password": edge.agent_password })
        .to_string();
    edge.request(
        "POST",
        "/api/agent/session",
        &[("origin", "https://evil.example")],
        Some(&login),
    )
    .assert_error(403, ErrorCode::Forbidden);
    assert_eq!(
        edge.visitor_history(&created.visitor_token, &created.conversation_id, 0)
            .len(),
        1
    );
}

#[test]
fn an_agent_lists_conversations_and_replies() {
    let edge = Edge::from_env();
    let cookie = edge.sign_in();
    let marker = format!("list-me-{}", new_client_id());
    let created = edge.start_conversation(None, &marker);

    let list: ConversationList = edge
        .request(
            "GET",
            "/api/agent/conversations",
            &[("cookie", &cookie)],
            None,
        )
        .json();
    let row = list
        .conversations
        .iter()
        .find(|c| c.id == created.conversation_id)
        .expect("the new conversation is listed");
    assert_eq!(row.last_message_preview, marker);
    assert!(list
        .conversations
        .windows(2)
        .all(|w| w[0].last_message_at >= w[1].last_message_at));

    let body =
        serde_json::json!({ "client_id": new_client_id(), "body": "Yes, we do!" }).to_string();
    let reply = edge.request(
        "POST",
        &format!(
            "/api/agent/conversations/{}/messages",
            created.conversation_id
        ),
        &[("cookie", &cookie), ("origin", &edge.url)],
        Some(&body),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let accepted: MessageAccepted = reply.json();
    assert!(matches!(accepted.message.author, Author::Agent { .. }));
    let history = edge.visitor_history(&created.visitor_token, &created.conversation_id, 0);
    assert_eq!(history.last().map(|m| m.body.as_str()), Some("Yes, we do!"));

    edge.request(
        "GET",
        "/api/agent/conversations/c_missing/messages",
        &[("cookie", &cookie)],
        None,
    )
    .assert_error(404, ErrorCode::UnknownConversation);
}

#[test]
fn sign_out_ends_the_session() {
    let edge = Edge::from_env();
    let cookie = edge.sign_in();
    assert_eq!(
        edge.request("GET", "/api/agent/me", &[("cookie", &cookie)], None)
            .status,
        200
    );
    let out = edge.request(
        "DELETE",
        "/api/agent/session",
        &[("cookie", &cookie), ("origin", &edge.url)],
        None,
    );
    assert_eq!(out.status, 204);
    assert!(out
        .header("set-cookie")
        .is_some_and(|c| c.contains("Max-Age=0")));
    edge.request("GET", "/api/agent/me", &[("cookie", &cookie)], None)
        .assert_error(401, ErrorCode::Unauthenticated);
}
