//! Conversation sockets against the running Worker: acknowledgement after storage, fan-out to
//! every participant exactly once and in order, resuming from a sequence number with nothing lost
//! or doubled, idempotent resends, and refused frames that store nothing.

use porchlight_tests::{new_client_id, Edge};
use protocol::api::{ErrorCode, SendMessage};
use protocol::frame::{ClientFrame, ServerFrame};
use protocol::Author;

fn send_frame(text: &str) -> (String, ClientFrame) {
    let client_id = new_client_id();
    let frame = ClientFrame::Send(SendMessage {
        client_id: client_id.clone(),
        body: text.into(),
        attachment: None,
    });
    (client_id, frame)
}

/// Reads frames until the Ack for `client_id`, returning (ack seq, messages seen meanwhile).
fn until_ack(
    socket: &mut porchlight_tests::Socket,
    client_id: &str,
) -> (u64, Vec<protocol::Message>) {
    let mut seen = Vec::new();
    loop {
        match socket.next_message_frame() {
            ServerFrame::Ack {
                client_id: id, seq, ..
            } if id == client_id => return (seq, seen),
            ServerFrame::Message(m) => seen.push(m),
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

#[test]
fn the_widget_socket_speaks_the_subprotocol_and_replays_history() {
    let edge = Edge::from_env();
    let created = edge.start_conversation(None, "hello over http");
    let mut socket = edge.visitor_socket(&created.visitor_token, &created.conversation_id, 0);
    assert_eq!(socket.protocol.as_deref(), Some("porchlight.v1"));
    let (replayed, last_seq) = socket.replay();
    assert_eq!(last_seq, 1);
    assert_eq!(replayed.len(), 1);
    assert_eq!(replayed[0].body, "hello over http");
    socket.close();
}

#[test]
fn visitor_and_agent_each_see_every_message_once_in_order() {
    let edge = Edge::from_env();
    let cookie = edge.sign_in();
    let created = edge.start_conversation(None, "first");
    let mut visitor = edge.visitor_socket(&created.visitor_token, &created.conversation_id, 0);
    let mut agent = edge.agent_socket(&cookie, &created.conversation_id, 0);
    assert_eq!(visitor.replay().1, 1);
    assert_eq!(agent.replay().1, 1);

    let (v_id, v_frame) = send_frame("from the visitor");
    visitor.send(&v_frame);
    let (v_seq, mut visitor_live) = until_ack(&mut visitor, &v_id);
    assert_eq!(v_seq, 2);
    let (a_id, a_frame) = send_frame("from the agent");
    agent.send(&a_frame);
    let (a_seq, mut agent_live) = until_ack(&mut agent, &a_id);
    assert_eq!(a_seq, 3);

    // Each side receives both live messages exactly once, in sequence order (its own included).
    for (socket, live) in [
        (&mut visitor, &mut visitor_live),
        (&mut agent, &mut agent_live),
    ] {
        while live.len() < 2 {
            match socket.next_message_frame() {
                ServerFrame::Message(m) => live.push(m),
                other => panic!("unexpected {other:?}"),
            }
        }
        let seqs: Vec<u64> = live.iter().map(|m| m.seq).collect();
        assert!(seqs == [2, 3], "in order, once: {seqs:?}");
        assert_eq!(live[0].author, Author::Visitor);
        assert!(matches!(&live[1].author, Author::Agent { name, .. } if !name.is_empty()));
    }
    visitor.close();
    agent.close();
}

#[test]
fn reconnecting_with_after_resumes_without_loss_or_doubles() {
    let edge = Edge::from_env();
    let cookie = edge.sign_in();
    let created = edge.start_conversation(None, "one");
    let mut visitor = edge.visitor_socket(&created.visitor_token, &created.conversation_id, 0);
    visitor.replay();
    for text in ["two", "three"] {
        let (id, frame) = send_frame(text);
        visitor.send(&frame);
        until_ack(&mut visitor, &id);
    }
    let last_seen = 3;
    visitor.close();

    // While the visitor is away, the agent answers twice.
    let mut agent = edge.agent_socket(&cookie, &created.conversation_id, last_seen);
    assert!(agent.replay().0.is_empty());
    for text in ["four", "five"] {
        let (id, frame) = send_frame(text);
        agent.send(&frame);
        until_ack(&mut agent, &id);
    }
    agent.close();

    let mut back = edge.visitor_socket(&created.visitor_token, &created.conversation_id, last_seen);
    let (missed, last_seq) = back.replay();
    let missed: Vec<(u64, &str)> = missed.iter().map(|m| (m.seq, m.body.as_str())).collect();
    assert_eq!(missed, [(4, "four"), (5, "five")]);
    assert_eq!(last_seq, 5);
    back.close();
}

#[test]
fn a_resent_client_id_is_acknowledged_but_stored_once() {
    let edge = Edge::from_env();
    let created = edge.start_conversation(None, "hi");
    let mut socket = edge.visitor_socket(&created.visitor_token, &created.conversation_id, 0);
    socket.replay();
    let (id, frame) = send_frame("sent twice after a flaky network");
    socket.send(&frame);
    let (seq, _) = until_ack(&mut socket, &id);
    socket.close();

    // The outbox resends on a new connection, as the widget does after going offline.
    let mut again = edge.visitor_socket(&created.visitor_token, &created.conversation_id, seq);
    assert!(again.replay().0.is_empty());
    again.send(&frame);
    match again.next_message_frame() {
        ServerFrame::Ack {
            client_id,
            seq: s,
            duplicate,
        } => {
            assert_eq!(client_id, id);
            assert_eq!(s, seq);
            assert!(duplicate);
        }
        other => panic!("expected a duplicate ack, got {other:?}"),
    }
    again.close();
    let history = edge.visitor_history(&created.visitor_token, &created.conversation_id, 0);
    assert_eq!(history.len(), 2);
}

#[test]
fn refused_frames_say_why_and_store_nothing() {
    let edge = Edge::from_env();
    let created = edge.start_conversation(None, "hi");
    let mut socket = edge.visitor_socket(&created.visitor_token, &created.conversation_id, 0);
    socket.replay();
    socket.send_text("{not json");
    assert!(matches!(
        socket.next_frame(),
        ServerFrame::Error {
            code: ErrorCode::MalformedBody,
            client_id: None,
            ..
        }
    ));
    socket.send_text(r#"{"type":"launch"}"#);
    assert!(matches!(
        socket.next_frame(),
        ServerFrame::Error {
            code: ErrorCode::MalformedBody,
            ..
        }
    ));
    let (id, _) = send_frame("");
    socket.send(&ClientFrame::Send(SendMessage {
        client_id: id.clone(),
        body: "  ".into(),
        attachment: None,
    }));
    match socket.next_frame() {
        ServerFrame::Error {
            code, client_id, ..
        } => {
            assert_eq!(code, ErrorCode::EmptyMessage);
            assert_eq!(client_id, Some(id));
        }
        other => panic!("expected an error, got {other:?}"),
    }
    socket.close();
    assert_eq!(
        edge.visitor_history(&created.visitor_token, &created.conversation_id, 0)
            .len(),
        1
    );
}

#[test]
fn sockets_refuse_wrong_credentials() {
    let edge = Edge::from_env();
    let created = edge.start_conversation(None, "hi");
    let other = edge.start_conversation(None, "someone else");
    let url = |id: &str| format!("/api/widget/conversations/{id}/socket");
    let upgrade = |token: &str| {
        vec![
            ("upgrade", "websocket".to_owned()),
            ("connection", "Upgrade".to_owned()),
            ("sec-websocket-version", "13".to_owned()),
            ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==".to_owned()),
            (
                "sec-websocket-protocol",
                format!("porchlight.v1, bearer.{token}"),
            ),
        ]
    };
    let call = |id: &str, token: &str| {
        let headers = upgrade(token);
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        edge.request("GET", &url(id), &headers, None)
    };
    call(&created.conversation_id, "forged").assert_error(403, ErrorCode::Forbidden);
    call(&created.conversation_id, &other.visitor_token)
        .assert_error(404, ErrorCode::UnknownConversation);

    // An agent socket from another origin is refused (cross-site WebSocket hijacking).
    let cookie = edge.sign_in();
    edge.request(
        "GET",
        &format!(
            "/api/agent/conversations/{}/socket",
            created.conversation_id
        ),
        &[
            ("cookie", &cookie),
            ("origin", "https://evil.example"),
            ("upgrade", "websocket"),
        ],
        None,
    )
    .assert_error(403, ErrorCode::Forbidden);
}

#[test]
fn the_list_socket_announces_new_conversations() {
    let edge = Edge::from_env();
    let cookie = edge.sign_in();
    let mut inbox = edge.list_socket(&cookie);
    let marker = format!("inbox-live-{}", new_client_id());
    let created = edge.start_conversation(None, &marker);
    // Other tests run in parallel: read until our conversation shows up.
    let row = inbox.next_row_of(&created.conversation_id);
    assert_eq!(row.last_seq, 1);
    assert_eq!(row.last_message_preview, marker);
    assert_eq!(row.last_author, Some(protocol::api::LastAuthor::Visitor));
    assert_eq!(row.site_id, edge.site_id);
    assert_eq!(
        row.page_url.as_deref(),
        Some("https://shop.example/pricing")
    );
    inbox.close();
}

#[test]
fn typing_is_relayed_to_the_others_only() {
    let edge = Edge::from_env();
    let cookie = edge.sign_in();
    let created = edge.start_conversation(None, "typing?");
    let mut visitor = edge.visitor_socket(&created.visitor_token, &created.conversation_id, 0);
    visitor.replay();
    let mut agent = edge.agent_socket(&cookie, &created.conversation_id, 0);
    agent.replay();
    visitor.send(&ClientFrame::Typing { active: true });
    loop {
        match agent.next_frame() {
            ServerFrame::Typing { author, active } => {
                assert_eq!(author, Author::Visitor);
                assert!(active);
                break;
            }
            ServerFrame::Agents { .. } => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    // The sender does not hear its own typing: the next thing it gets is the answer to a send.
    let (id, frame) = send_frame("done typing");
    visitor.send(&frame);
    loop {
        match visitor.next_frame() {
            ServerFrame::Typing { .. } => panic!("typing echoed to its sender"),
            ServerFrame::Ack { client_id, .. } if client_id == id => break,
            _ => {}
        }
    }
    visitor.close();
    agent.close();
}

#[test]
fn read_positions_move_forward_and_are_replayed() {
    let edge = Edge::from_env();
    let cookie = edge.sign_in();
    let created = edge.start_conversation(None, "one");
    let mut agent = edge.agent_socket(&cookie, &created.conversation_id, 0);
    agent.replay();
    let (id, frame) = send_frame("two");
    agent.send(&frame);
    until_ack(&mut agent, &id);

    let mut visitor = edge.visitor_socket(&created.visitor_token, &created.conversation_id, 0);
    visitor.replay();
    assert!(
        visitor.reads.is_empty(),
        "nobody has read yet: {:?}",
        visitor.reads
    );
    visitor.send(&ClientFrame::Read { seq: 99 });
    // The agent learns how far the visitor read, capped at the last message.
    loop {
        match agent.next_frame() {
            ServerFrame::Read { by, seq } => {
                assert_eq!(by, Author::Visitor);
                assert_eq!(seq, 2);
                break;
            }
            ServerFrame::Agents { .. } | ServerFrame::Message(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    // Going back is ignored; a new socket is told the stored position.
    visitor.send(&ClientFrame::Read { seq: 1 });
    visitor.close();
    let mut again = edge.visitor_socket(&created.visitor_token, &created.conversation_id, 2);
    again.replay();
    assert_eq!(again.reads, [(Author::Visitor, 2)]);
    again.close();
    agent.close();
}

#[test]
fn the_visitor_sees_agents_join_and_leave() {
    let edge = Edge::from_env();
    let cookie = edge.sign_in();
    let created = edge.start_conversation(None, "anyone there?");
    let mut visitor = edge.visitor_socket(&created.visitor_token, &created.conversation_id, 0);
    visitor.replay();
    assert!(visitor.agents.is_empty());
    let mut agent = edge.agent_socket(&cookie, &created.conversation_id, 0);
    agent.replay();
    assert_eq!(agent.agents.len(), 1, "the agent sees itself present");
    let present = loop {
        if let ServerFrame::Agents { present } = visitor.next_frame() {
            break present;
        }
    };
    assert_eq!(present.len(), 1);
    assert!(!present[0].name.is_empty());
    agent.close();
    let present = loop {
        if let ServerFrame::Agents { present } = visitor.next_frame() {
            break present;
        }
    };
    assert!(present.is_empty(), "the agent left: {present:?}");
    visitor.close();
}
