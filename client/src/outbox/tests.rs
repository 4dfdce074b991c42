//! The outbox's promises: no message shown twice, nothing lost or resent needlessly across
//! reconnects, refusals visible and retryable.

use super::*;

fn visitor_msg(seq: Seq, client_id: &str, body: &str) -> Message {
    Message {
        seq,
        client_id: client_id.into(),
        author: Author::Visitor,
        body: body.into(),
        links: Vec::new(),
        attachment: None,
        choices: Vec::new(),
        sent_at: 1_700_000_000_000 + seq as Millis,
    }
}

fn agent_msg(seq: Seq, body: &str) -> Message {
    Message {
        seq,
        client_id: format!("agent-{seq}"),
        author: Author::Agent {
            id: "ag".into(),
            name: "Ada".into(),
        },
        body: body.into(),
        links: Vec::new(),
        attachment: None,
        choices: Vec::new(),
        sent_at: 1_700_000_000_000 + seq as Millis,
    }
}

fn send_frame(client_id: &str, body: &str) -> ClientFrame {
    ClientFrame::Send(SendMessage {
        client_id: client_id.into(),
        body: body.into(),
        attachment: None,
    })
}

fn ack(client_id: &str, seq: Seq) -> ServerFrame {
    ServerFrame::Ack {
        client_id: client_id.into(),
        seq,
        duplicate: false,
    }
}

/// An outbox whose socket has connected and replayed nothing.
fn synced() -> Outbox {
    let mut outbox = Outbox::new(Author::Visitor);
    outbox.apply(ServerFrame::Synced { last_seq: 0 });
    outbox
}

fn bodies(outbox: &Outbox) -> Vec<(String, Delivery)> {
    outbox
        .entries()
        .into_iter()
        .map(|e| (e.body, e.delivery))
        .collect()
}

#[test]
fn messages_are_ordered_by_seq_and_deduplicated() {
    let mut outbox = Outbox::new(Author::Visitor);
    let applied = outbox.apply(ServerFrame::Message(agent_msg(3, "three")));
    assert_eq!(applied.arrived.len(), 1);
    outbox.apply(ServerFrame::Message(agent_msg(1, "one")));
    let again = outbox.apply(ServerFrame::Message(agent_msg(3, "three")));
    assert!(again.arrived.is_empty(), "a duplicate is not news");
    assert!(!again.changed);
    outbox.apply(ServerFrame::Message(agent_msg(2, "two")));
    let seqs: Vec<Seq> = outbox.messages().iter().map(|m| m.seq).collect();
    assert_eq!(seqs, [1, 2, 3]);
    assert_eq!(outbox.last_seq(), 3);
}

#[test]
fn last_seq_never_goes_back() {
    let mut outbox = Outbox::new(Author::Visitor);
    outbox.apply(ServerFrame::Message(agent_msg(5, "five")));
    outbox.apply(ServerFrame::Message(agent_msg(4, "four")));
    assert_eq!(outbox.last_seq(), 5);
    // Synced's figure is not trusted over what was actually seen.
    outbox.apply(ServerFrame::Synced { last_seq: 9 });
    assert_eq!(outbox.last_seq(), 5);
}

#[test]
fn sends_wait_for_the_replay_to_finish() {
    let mut outbox = Outbox::new(Author::Visitor);
    assert_eq!(outbox.send("c1".into(), "hi".into(), None), None);
    assert_eq!(bodies(&outbox), [("hi".to_string(), Delivery::Pending)]);
    let applied = outbox.apply(ServerFrame::Synced { last_seq: 0 });
    assert_eq!(applied.outgoing, [send_frame("c1", "hi")]);
    // Once synced, a send goes straight out.
    assert_eq!(
        outbox.send("c2".into(), "there".into(), None),
        Some(send_frame("c2", "there"))
    );
}

#[test]
fn the_same_client_id_is_never_sent_twice() {
    let mut outbox = synced();
    assert!(outbox.send("c1".into(), "hi".into(), None).is_some());
    assert_eq!(outbox.send("c1".into(), "hi".into(), None), None);
    assert_eq!(outbox.pending().len(), 1);
    outbox.apply(ServerFrame::Message(visitor_msg(1, "c1", "hi")));
    assert_eq!(outbox.send("c1".into(), "hi".into(), None), None);
    assert_eq!(outbox.entries().len(), 1);
}

#[test]
fn ack_then_message_leaves_one_sent_entry() {
    let mut outbox = synced();
    outbox.send("c1".into(), "hi".into(), None);
    outbox.apply(ack("c1", 1));
    assert_eq!(bodies(&outbox), [("hi".to_string(), Delivery::Sent)]);
    assert_eq!(outbox.pending()[0].state, SendState::Acked { seq: 1 });
    outbox.apply(ServerFrame::Message(visitor_msg(1, "c1", "hi")));
    assert!(outbox.pending().is_empty());
    assert_eq!(bodies(&outbox), [("hi".to_string(), Delivery::Sent)]);
}

#[test]
fn message_then_ack_leaves_one_sent_entry() {
    let mut outbox = synced();
    outbox.send("c1".into(), "hi".into(), None);
    outbox.apply(ServerFrame::Message(visitor_msg(1, "c1", "hi")));
    outbox.apply(ack("c1", 1));
    assert!(outbox.pending().is_empty());
    assert_eq!(outbox.entries().len(), 1);
}

#[test]
fn resend_after_reconnect_skips_what_the_replay_delivered() {
    let mut outbox = synced();
    outbox.send("stored".into(), "a".into(), None);
    outbox.send("lost".into(), "b".into(), None);
    outbox.disconnected();
    assert!(!outbox.is_synced());
    // The replay shows the server had stored the first send before the drop.
    outbox.apply(ServerFrame::Message(visitor_msg(1, "stored", "a")));
    let applied = outbox.apply(ServerFrame::Synced { last_seq: 1 });
    assert_eq!(applied.outgoing, [send_frame("lost", "b")]);
    // A duplicate ack and an echo of the stored message change nothing.
    outbox.apply(ServerFrame::Ack {
        client_id: "stored".into(),
        seq: 1,
        duplicate: true,
    });
    outbox.apply(ServerFrame::Message(visitor_msg(1, "stored", "a")));
    outbox.apply(ServerFrame::Message(visitor_msg(2, "lost", "b")));
    let seen: Vec<String> = outbox.entries().into_iter().map(|e| e.body).collect();
    assert_eq!(seen, ["a", "b"]);
    assert!(outbox.pending().is_empty());
}

#[test]
fn a_send_goes_out_once_per_connection() {
    let mut outbox = synced();
    assert!(outbox.send("c1".into(), "hi".into(), None).is_some());
    // A second Synced on the same connection must not resend.
    assert!(outbox
        .apply(ServerFrame::Synced { last_seq: 0 })
        .outgoing
        .is_empty());
    outbox.disconnected();
    let applied = outbox.apply(ServerFrame::Synced { last_seq: 0 });
    assert_eq!(applied.outgoing, [send_frame("c1", "hi")]);
}

#[test]
fn acked_sends_are_not_resent() {
    let mut outbox = synced();
    outbox.send("c1".into(), "hi".into(), None);
    outbox.apply(ack("c1", 1));
    outbox.disconnected();
    assert!(outbox
        .apply(ServerFrame::Synced { last_seq: 1 })
        .outgoing
        .is_empty());
}

#[test]
fn an_error_marks_the_send_failed_and_retry_resends_it() {
    let mut outbox = synced();
    outbox.send("c1".into(), "hi".into(), None);
    let applied = outbox.apply(ServerFrame::Error {
        code: ErrorCode::Internal,
        message: "Try again.".into(),
        client_id: Some("c1".into()),
    });
    assert!(applied.changed);
    assert_eq!(applied.refused, None);
    let failed = Delivery::Failed {
        reason: "Try again.".into(),
    };
    assert_eq!(bodies(&outbox), [("hi".to_string(), failed)]);
    // Failed sends are not resent by a reconnect, only by a retry.
    outbox.disconnected();
    assert!(outbox
        .apply(ServerFrame::Synced { last_seq: 0 })
        .outgoing
        .is_empty());
    assert_eq!(outbox.retry("c1"), Some(send_frame("c1", "hi")));
    assert_eq!(bodies(&outbox), [("hi".to_string(), Delivery::Pending)]);
    assert_eq!(outbox.retry("c1"), None, "only failed sends are retried");
}

#[test]
fn a_retry_while_offline_waits_for_the_socket() {
    let mut outbox = synced();
    outbox.send("c1".into(), "hi".into(), None);
    outbox.fail("c1", None, "offline".into());
    outbox.disconnected();
    assert_eq!(outbox.retry("c1"), None);
    let applied = outbox.apply(ServerFrame::Synced { last_seq: 0 });
    assert_eq!(applied.outgoing, [send_frame("c1", "hi")]);
}

#[test]
fn an_error_without_our_client_id_is_a_refusal() {
    let mut outbox = synced();
    let applied = outbox.apply(ServerFrame::Error {
        code: ErrorCode::Forbidden,
        message: "no".into(),
        client_id: None,
    });
    assert_eq!(applied.refused, Some((ErrorCode::Forbidden, "no".into())));
    let unknown = outbox.apply(ServerFrame::Error {
        code: ErrorCode::EmptyMessage,
        message: "empty".into(),
        client_id: Some("not-ours".into()),
    });
    assert!(unknown.refused.is_some());
    assert!(outbox.entries().is_empty());
}

#[test]
fn http_inserted_messages_replace_their_send() {
    let mut outbox = Outbox::new(Author::Visitor);
    outbox.send("first".into(), "hello".into(), None);
    assert!(outbox.insert(visitor_msg(1, "first", "hello")));
    assert!(outbox.pending().is_empty());
    // The socket's replay of the same message is not news.
    let applied = outbox.apply(ServerFrame::Message(visitor_msg(1, "first", "hello")));
    assert!(applied.arrived.is_empty());
    assert_eq!(outbox.last_seq(), 1);
}

#[test]
fn arrivals_are_live_only_after_the_first_replay() {
    let mut outbox = Outbox::new(Author::Visitor);
    outbox.apply(ServerFrame::Message(agent_msg(1, "history")));
    assert!(!outbox.is_live());
    outbox.apply(ServerFrame::Synced { last_seq: 1 });
    outbox.disconnected();
    assert!(outbox.is_live(), "a reconnect's replay is news");
}

#[test]
fn entry_keys_are_unique_and_change_with_delivery() {
    let mut outbox = synced();
    outbox.apply(ServerFrame::Message(agent_msg(1, "hi")));
    outbox.send("c1".into(), "a".into(), None);
    outbox.send("c2".into(), "b".into(), None);
    let keys: Vec<String> = outbox.entries().into_iter().map(|e| e.key).collect();
    assert_eq!(keys, ["m1", "pc1", "pc2"]);
    outbox.apply(ack("c1", 2));
    outbox.fail("c2", None, "x".into());
    let keys: Vec<String> = outbox.entries().into_iter().map(|e| e.key).collect();
    assert_eq!(keys, ["m1", "ac1", "fc2"]);
    assert_eq!(outbox.entries()[1].author, Author::Visitor);
}

#[test]
fn a_failed_send_can_be_withdrawn_but_not_one_in_flight() {
    let mut outbox = synced();
    outbox.send("c1".into(), "hello".into(), None);
    assert_eq!(outbox.withdraw("c1"), None, "pending: it may yet be stored");
    outbox.apply(ServerFrame::Error {
        code: ErrorCode::ConversationClosed,
        message: "closed".into(),
        client_id: Some("c1".into()),
    });
    assert_eq!(outbox.withdraw("c1").as_deref(), Some("hello"));
    assert!(outbox.entries().is_empty());
    assert_eq!(outbox.withdraw("c1"), None);
}

#[test]
fn stored_entries_carry_their_seq() {
    let mut outbox = synced();
    outbox.insert(agent_msg(4, "hi"));
    outbox.send("c".into(), "yo".into(), None);
    let seqs: Vec<_> = outbox.entries().into_iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [Some(4), None]);
}

#[test]
fn a_file_travels_by_its_upload_id_and_shows_while_in_flight() {
    let mut outbox = Outbox::new(Author::Visitor);
    outbox.apply(ServerFrame::Synced { last_seq: 0 });
    let file = Attachment {
        id: "f_12".into(),
        name: "cat.png".into(),
        content_type: "image/png".into(),
        size: 68,
    };
    let frame = outbox.send("c1".into(), String::new(), Some(file.clone()));
    assert_eq!(
        frame,
        Some(ClientFrame::Send(SendMessage {
            client_id: "c1".into(),
            body: String::new(),
            attachment: Some("f_12".into()),
        }))
    );
    assert_eq!(outbox.entries()[0].attachment, Some(file.clone()));
    let mut stored = visitor_msg(1, "c1", "");
    stored.attachment = Some(file.clone());
    outbox.apply(ServerFrame::Message(stored));
    let entries = outbox.entries();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].attachment, Some(file));
}
