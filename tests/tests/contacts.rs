//! Contacts against the running Worker: the visitor panel's facts (the browser the chat started
//! in, the visitor's earlier conversations, in inboxes the agent sees only), making a visitor a
//! contact once something is known of them, and a contact's owner. Bad input changes nothing.

use porchlight_tests::{Edge, Reply};
use protocol::api::{ErrorCode, Inbox, VisitorDetails};
use protocol::ConversationStatus;
use serde_json::json;

fn visitor(edge: &Edge, cookie: &str, conversation: &str) -> VisitorDetails {
    let reply = edge.as_agent(
        cookie,
        "GET",
        &format!("/api/agent/conversations/{conversation}/visitor"),
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

fn put_visitor(edge: &Edge, cookie: &str, conversation: &str, body: serde_json::Value) -> Reply {
    edge.as_agent(
        cookie,
        "PUT",
        &format!("/api/agent/conversations/{conversation}/visitor"),
        Some(&body),
    )
}

#[test]
fn the_panel_knows_the_browser_earlier_chats_the_owner_and_whether_a_contact() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (owner, _) = edge.new_member(&admin, "agent");
    let (_, outsider) = edge.new_member(&admin, "agent");
    let first = edge.start_conversation(None, "my first question");
    let reply = edge.as_agent(
        &admin,
        "POST",
        &format!("/api/agent/conversations/{}/close", first.conversation_id),
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let second = edge.start_conversation(Some(&first.visitor_token), "back again");
    let id = second.conversation_id.as_str();

    let known = visitor(&edge, &admin, id);
    assert!(!known.contact);
    assert!(known.user_agent.is_some(), "the browser is kept");
    assert_eq!(known.previous.len(), 1, "{:?}", known.previous);
    assert_eq!(known.previous[0].id, first.conversation_id);
    assert_eq!(known.previous[0].preview, "my first question");
    assert_eq!(known.previous[0].status, ConversationStatus::Closed);

    // Nothing known of them yet: no contact.
    let reply = edge.as_agent(
        &admin,
        "POST",
        &format!("/api/agent/conversations/{id}/contact"),
        None,
    );
    reply.assert_error(400, ErrorCode::InvalidField);
    assert!(reply.body.contains("`name`"), "{}", reply.body);
    assert!(!visitor(&edge, &admin, id).contact);

    // An owner must be a member; a refusal changes nothing.
    let reply = put_visitor(
        &edge,
        &admin,
        id,
        json!({ "name": "Sam", "owner_id": "a_nobody" }),
    );
    reply.assert_error(400, ErrorCode::InvalidField);
    assert!(reply.body.contains("`owner_id`"), "{}", reply.body);
    assert_eq!(visitor(&edge, &admin, id).name, None);
    let reply = put_visitor(
        &edge,
        &admin,
        id,
        json!({ "name": "Sam", "owner_id": owner.id }),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let stored: VisitorDetails = reply.json();
    assert_eq!(stored.owner_id.as_deref(), Some(owner.id.as_str()));
    assert_eq!(stored.name.as_deref(), Some("Sam"));

    let reply = edge.as_agent(
        &admin,
        "POST",
        &format!("/api/agent/conversations/{id}/contact"),
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.json::<VisitorDetails>().contact);
    // The same person, seen from their first conversation, is the contact too.
    assert!(visitor(&edge, &admin, &first.conversation_id).contact);

    // Earlier conversations in an inbox an agent does not see are not listed for them.
    let sales: Inbox = edge
        .as_agent(
            &admin,
            "POST",
            "/api/admin/inboxes",
            Some(&json!({ "name": format!("Private {}", porchlight_tests::new_client_id()) })),
        )
        .json();
    let reply = edge.as_agent(
        &admin,
        "PUT",
        &format!("/api/agent/conversations/{}/inbox", first.conversation_id),
        Some(&json!({ "inbox_id": sales.id })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(visitor(&edge, &outsider, id).previous.is_empty());
    assert_eq!(visitor(&edge, &admin, id).previous.len(), 1);
}

#[test]
fn only_addresses_are_saved_as_a_visitors_email() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let chat = edge.start_conversation(None, "hello");
    let id = chat.conversation_id.as_str();
    for bad in [
        "<script>alert(1)</script>@x.example",
        "\"<b>\"@x.example",
        "sam@localhost",
        "sam@x_y.example",
        "sam @x.example",
    ] {
        let reply = put_visitor(&edge, &admin, id, json!({ "name": "Sam", "email": bad }));
        reply.assert_error(400, ErrorCode::InvalidField);
        assert!(reply.body.contains("`email`"), "{bad}: {}", reply.body);
        let kept = visitor(&edge, &admin, id);
        assert_eq!(
            (kept.name, kept.email),
            (None, None),
            "{bad} changed nothing"
        );
    }
    let reply = put_visitor(
        &edge,
        &admin,
        id,
        json!({ "name": "Sam", "email": " Sam.O'Brien+chat@Mail.Example.org " }),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let stored: VisitorDetails = reply.json();
    assert_eq!(
        stored.email.as_deref(),
        Some("sam.o'brien+chat@mail.example.org"),
        "trimmed and lowercased"
    );
}
