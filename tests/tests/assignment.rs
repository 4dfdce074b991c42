//! Assignment against the running Worker: any member assigns a conversation to a member,
//! reassigns or unassigns it; the change reaches every open inbox live and the list; a removed
//! member's conversations become unassigned; bad input is refused and changes nothing.
//!
//! Conversations here are only ever assigned to members made here, never to the demo admin,
//! whose open assigned conversations count towards capacity in the settings tests.

use porchlight_tests::{Edge, Reply};
use protocol::api::{AgentProfile, ConversationList, ConversationSummary, ErrorCode};
use serde_json::json;

fn assign(edge: &Edge, cookie: &str, conversation: &str, agent: Option<&str>) -> Reply {
    edge.as_agent(
        cookie,
        "PUT",
        &format!("/api/agent/conversations/{conversation}/assignee"),
        Some(&json!({ "agent_id": agent })),
    )
}

/// The conversation's row in the inbox list.
fn listed(edge: &Edge, cookie: &str, conversation: &str) -> ConversationSummary {
    edge.as_agent(cookie, "GET", "/api/agent/conversations", None)
        .json::<ConversationList>()
        .conversations
        .into_iter()
        .find(|r| r.id == conversation)
        .expect("the conversation is listed")
}

/// Reads the list socket until the conversation's row arrives with `assignee`.
fn row_arrives(inbox: &mut porchlight_tests::Socket, conversation: &str, assignee: Option<&str>) {
    while inbox.next_row_of(conversation).assignee_id.as_deref() != assignee {}
}

#[test]
fn a_member_assigns_reassigns_and_unassigns_and_every_inbox_sees_it() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (first, first_cookie) = edge.new_member(&admin, "agent");
    let (second, _) = edge.new_member(&admin, "agent");
    let created = edge.start_conversation(None, "who takes this one?");
    let id = created.conversation_id.as_str();
    assert_eq!(listed(&edge, &admin, id).assignee_id, None);
    let mut inbox = edge.list_socket(&admin);

    // An agent (not only an admin) takes it.
    let reply = assign(&edge, &first_cookie, id, Some(&first.id));
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.json::<ConversationSummary>().assignee_id.as_deref(),
        Some(first.id.as_str())
    );
    row_arrives(&mut inbox, id, Some(&first.id));

    let reply = assign(&edge, &admin, id, Some(&second.id));
    assert_eq!(reply.status, 200, "{}", reply.body);
    row_arrives(&mut inbox, id, Some(&second.id));
    assert_eq!(
        listed(&edge, &admin, id).assignee_id.as_deref(),
        Some(second.id.as_str())
    );

    let reply = assign(&edge, &admin, id, None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    row_arrives(&mut inbox, id, None);
    assert_eq!(listed(&edge, &first_cookie, id).assignee_id, None);
    inbox.close();
}

#[test]
fn bad_assignments_are_refused_and_change_nothing() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (member, _) = edge.new_member(&admin, "agent");
    let created = edge.start_conversation(None, "assign me properly");
    let id = created.conversation_id.as_str();
    assert_eq!(assign(&edge, &admin, id, Some(&member.id)).status, 200);

    assign(&edge, &admin, id, Some("a_nobody")).assert_error(404, ErrorCode::UnknownAgent);
    assign(&edge, &admin, "c_nothing", Some(&member.id))
        .assert_error(404, ErrorCode::UnknownConversation);
    let path = format!("/api/agent/conversations/{id}/assignee");
    edge.as_agent(&admin, "PUT", &path, Some(&json!({ "agent_id": 7 })))
        .assert_error(400, ErrorCode::MalformedBody);
    edge.request(
        "PUT",
        &path,
        &[("cookie", &admin), ("content-type", "application/json")],
        Some(r#"{"agent_id":null}"#),
    )
    .assert_error(403, ErrorCode::Forbidden);
    edge.request(
        "PUT",
        &path,
        &[("origin", &edge.url), ("content-type", "application/json")],
        Some(r#"{"agent_id":null}"#),
    )
    .assert_error(401, ErrorCode::Unauthenticated);
    assert_eq!(
        listed(&edge, &admin, id).assignee_id.as_deref(),
        Some(member.id.as_str())
    );
}

#[test]
fn a_removed_members_conversations_become_unassigned() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (member, _) = edge.new_member(&admin, "agent");
    let created = edge.start_conversation(None, "my agent is leaving");
    let id = created.conversation_id.as_str();
    assert_eq!(assign(&edge, &admin, id, Some(&member.id)).status, 200);

    let removed = edge.as_agent(
        &admin,
        "DELETE",
        &format!("/api/admin/agents/{}", member.id),
        None,
    );
    assert_eq!(removed.status, 204, "{}", removed.body);
    assert_eq!(listed(&edge, &admin, id).assignee_id, None);
}

#[test]
fn chat_limits_are_set_by_admins_within_bounds() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (member, cookie) = edge.new_member(&admin, "agent");
    let path = format!("/api/admin/agents/{}/chat-limit", member.id);
    let set = |who: &str, limit: serde_json::Value| {
        edge.as_agent(who, "PUT", &path, Some(&json!({ "chat_limit": limit })))
    };

    let reply = set(&admin, json!(3));
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json::<AgentProfile>().chat_limit, Some(3));
    set(&admin, json!(0)).assert_error(400, ErrorCode::InvalidField);
    set(&admin, json!(101)).assert_error(400, ErrorCode::InvalidField);
    set(&admin, json!("many")).assert_error(400, ErrorCode::MalformedBody);
    set(&cookie, json!(50)).assert_error(403, ErrorCode::Forbidden);
    edge.as_agent(
        &admin,
        "PUT",
        "/api/admin/agents/a_nobody/chat-limit",
        Some(&json!({ "chat_limit": 2 })),
    )
    .assert_error(404, ErrorCode::UnknownAgent);
    let me: AgentProfile = edge.as_agent(&cookie, "GET", "/api/agent/me", None).json();
    assert_eq!(me.chat_limit, Some(3));

    let reply = set(&admin, serde_json::Value::Null);
    assert_eq!(reply.json::<AgentProfile>().chat_limit, None);
}
