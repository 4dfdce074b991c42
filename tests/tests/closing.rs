//! Closing and reopening a conversation against the running Worker: every participant is told,
//! a closed conversation takes no message (the visitor's widget starts a new one), and the inbox
//! row follows.

use porchlight_tests::{new_client_id, Edge};
use protocol::api::{ConversationSummary, CurrentConversation, ErrorCode, SendMessage};
use protocol::frame::{ClientFrame, ServerFrame};
use protocol::ConversationStatus;

fn set_status(edge: &Edge, cookie: &str, id: &str, action: &str) -> porchlight_tests::Reply {
    edge.request(
        "POST",
        &format!("/api/agent/conversations/{id}/{action}"),
        &[("cookie", cookie), ("origin", &edge.url)],
        None,
    )
}

#[test]
fn a_closed_conversation_takes_no_messages_until_reopened() {
    let edge = Edge::from_env();
    let cookie = edge.sign_in();
    let created = edge.start_conversation(None, "thanks, that's all");
    let mut visitor = edge.visitor_socket(&created.visitor_token, &created.conversation_id, 0);
    visitor.replay();
    assert_eq!(visitor.status, Some(ConversationStatus::Open));
    let mut inbox = edge.list_socket(&cookie);

    let closed = set_status(&edge, &cookie, &created.conversation_id, "close");
    assert_eq!(closed.status, 200, "{}", closed.body);
    assert_eq!(
        closed.json::<ConversationSummary>().status,
        ConversationStatus::Closed
    );
    loop {
        if let ServerFrame::Status { status } = visitor.next_frame() {
            assert_eq!(status, ConversationStatus::Closed);
            break;
        }
    }
    let row = inbox.next_row_of(&created.conversation_id);
    assert_eq!(row.status, ConversationStatus::Closed);

    // Neither the socket nor HTTP stores a message now.
    let client_id = new_client_id();
    visitor.send(&ClientFrame::Send(SendMessage {
        client_id: client_id.clone(),
        body: "one more thing".into(),
        attachment: None,
    }));
    match visitor.next_message_frame() {
        ServerFrame::Error {
            code,
            client_id: Some(id),
            ..
        } => {
            assert_eq!(code, ErrorCode::ConversationClosed);
            assert_eq!(id, client_id);
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    edge.request(
        "POST",
        &format!(
            "/api/widget/conversations/{}/messages",
            created.conversation_id
        ),
        &[(
            "authorization",
            &format!("Bearer {}", created.visitor_token),
        )],
        Some(&format!(
            r#"{{"client_id":"{}","body":"hello?"}}"#,
            new_client_id()
        )),
    )
    .assert_error(409, ErrorCode::ConversationClosed);
    assert_eq!(
        edge.visitor_history(&created.visitor_token, &created.conversation_id, 0)
            .len(),
        1
    );
    let current: CurrentConversation = edge
        .request(
            "GET",
            "/api/widget/conversations/current",
            &[(
                "authorization",
                &format!("Bearer {}", created.visitor_token),
            )],
            None,
        )
        .json();
    assert_eq!(
        current.conversation.map(|c| c.status),
        Some(ConversationStatus::Closed)
    );

    // A reconnecting widget learns the status on joining.
    visitor.close();
    let mut again = edge.visitor_socket(&created.visitor_token, &created.conversation_id, 1);
    again.replay();
    assert_eq!(again.status, Some(ConversationStatus::Closed));

    let reopened = set_status(&edge, &cookie, &created.conversation_id, "reopen");
    assert_eq!(
        reopened.json::<ConversationSummary>().status,
        ConversationStatus::Open
    );
    loop {
        if let ServerFrame::Status { status } = again.next_frame() {
            assert_eq!(status, ConversationStatus::Open);
            break;
        }
    }
    again.send(&ClientFrame::Send(SendMessage {
        client_id: client_id.clone(),
        body: "one more thing".into(),
        attachment: None,
    }));
    assert!(matches!(
        again.next_message_frame(),
        ServerFrame::Message(_) | ServerFrame::Ack { .. }
    ));
    again.close();
    inbox.close();
}

#[test]
fn closing_needs_an_agent_from_our_origin() {
    let edge = Edge::from_env();
    let created = edge.start_conversation(None, "close me?");
    let path = format!("/api/agent/conversations/{}/close", created.conversation_id);
    edge.request("POST", &path, &[("origin", &edge.url)], None)
        .assert_error(401, ErrorCode::Unauthenticated);
    let cookie = edge.sign_in();
    edge.request(
        "POST",
        &path,
        &[("cookie", &cookie), ("origin", "https://evil.example")],
        None,
    )
    .assert_error(403, ErrorCode::Forbidden);
    set_status(&edge, &cookie, "c_missing", "close")
        .assert_error(404, ErrorCode::UnknownConversation);
    // Still open: the visitor can write.
    let reply = edge.request(
        "POST",
        &format!(
            "/api/widget/conversations/{}/messages",
            created.conversation_id
        ),
        &[(
            "authorization",
            &format!("Bearer {}", created.visitor_token),
        )],
        Some(&format!(
            r#"{{"client_id":"{}","body":"still here"}}"#,
            new_client_id()
        )),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
}
