//! Durability across a Worker restart (shared/DESIGN.md invariant 1): what was acknowledged before
//! workerd stopped is all there, in order, once, after it starts again on the same state.
//!
//! Two phases, run by `cargo xtask test` around its restart of the Worker (ignored in the normal
//! black-box run): `before_restart` writes a conversation and records what was acknowledged in
//! `$RESTART_FILE`; `after_restart` checks it.

use porchlight_tests::{new_client_id, Edge};
use protocol::api::SendMessage;
use protocol::frame::{ClientFrame, ServerFrame};

fn record_file() -> String {
    std::env::var("RESTART_FILE").expect("RESTART_FILE: run through `cargo xtask test`")
}

#[test]
#[ignore = "run by `cargo xtask test` before it restarts the Worker"]
fn before_restart() {
    let edge = Edge::from_env();
    let created = edge.start_conversation(None, "before the restart 1");
    let mut socket = edge.visitor_socket(&created.visitor_token, &created.conversation_id, 0);
    socket.replay();
    let mut acknowledged = vec![(1, "before the restart 1".to_owned())];
    for i in 2..=5 {
        let body = format!("before the restart {i}");
        let client_id = new_client_id();
        socket.send(&ClientFrame::Send(SendMessage {
            client_id: client_id.clone(),
            body: body.clone(),
            attachment: None,
        }));
        loop {
            match socket.next_message_frame() {
                ServerFrame::Ack {
                    client_id: c, seq, ..
                } if c == client_id => {
                    acknowledged.push((seq, body));
                    break;
                }
                ServerFrame::Message(_) => {}
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    // No close handshake: the restart cuts the socket, as a crash would.
    let record = serde_json::json!({
        "token": created.visitor_token,
        "conversation": created.conversation_id,
        "acknowledged": acknowledged,
    });
    std::fs::write(record_file(), record.to_string()).expect("write record");
}

#[test]
#[ignore = "run by `cargo xtask test` after it restarts the Worker"]
fn after_restart() {
    let edge = Edge::from_env();
    let record: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(record_file()).expect("the before phase ran"),
    )
    .expect("record");
    let token = record["token"].as_str().expect("token");
    let conversation = record["conversation"].as_str().expect("conversation");
    let expected: Vec<(u64, String)> =
        serde_json::from_value(record["acknowledged"].clone()).expect("acknowledged");

    let history = edge.visitor_history(token, conversation, 0);
    let got: Vec<(u64, String)> = history.into_iter().map(|m| (m.seq, m.body)).collect();
    assert_eq!(
        got, expected,
        "every acknowledged message survives, once, in order"
    );

    let mut socket = edge.visitor_socket(token, conversation, 0);
    let (replayed, last_seq) = socket.replay();
    assert_eq!(replayed.len(), expected.len());
    assert_eq!(last_seq, expected.len() as u64);
    let client_id = new_client_id();
    socket.send(&ClientFrame::Send(SendMessage {
        client_id: client_id.clone(),
        body: "after the restart".into(),
        attachment: None,
    }));
    loop {
        match socket.next_message_frame() {
            ServerFrame::Ack {
                client_id: c, seq, ..
            } if c == client_id => {
                assert_eq!(seq, last_seq + 1, "sequence numbers continue");
                break;
            }
            ServerFrame::Message(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    socket.close();
}
