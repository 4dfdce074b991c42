//! Floods and guessing (issue 20), against the running Worker: the visitor side's flood limits
//! (new conversations per address, messages per visitor on a socket), each refusal a 429
//! `rate_limited` with `retry_after` that stores nothing; uploads that obey
//! `identity.required`; a body sent without `Content-Length` refused as soon as it passes the
//! limit, not after it was buffered whole; and transcripts that agents may send only to the
//! visitor's own address.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use porchlight_tests::{new_client_id, site_lock, Edge, Reply, SiteSettings};
use protocol::api::{ErrorBody, ErrorCode, VisitorDetails};
use protocol::frame::{ClientFrame, ServerFrame};
use protocol::limits::REQUEST_MAX_BYTES;
use serde_json::json;

fn start(edge: &Edge, text: &str) -> Reply {
    let body = json!({
        "site_id": edge.site_id,
        "first_message": { "client_id": new_client_id(), "body": text },
    })
    .to_string();
    edge.request("POST", "/api/widget/conversations", &[], Some(&body))
}

fn assert_rate_limited(reply: &Reply) {
    reply.assert_error(429, ErrorCode::RateLimited);
    let body: ErrorBody = reply.json();
    let seconds = body.error.retry_after.expect("retry_after in the body");
    assert!((1..=60).contains(&seconds), "{seconds}");
    assert_eq!(
        reply.header("retry-after"),
        Some(seconds.to_string().as_str())
    );
}

#[test]
fn a_flood_of_new_conversations_from_one_address_is_refused_and_others_go_on() {
    // Beside the test that makes the site take identified visitors only.
    let _site = site_lock();
    let edge = Edge::from_env();
    let mut refused = None;
    // The limiter counts in fixed windows: a flood that straddles two gets up to twice through.
    for n in 0..100 {
        let reply = start(&edge, &format!("flood {n}"));
        if reply.status == 429 {
            refused = Some((n, reply));
            break;
        }
        assert_eq!(reply.status, 201, "{}", reply.body);
    }
    let (n, reply) = refused.expect("the flood was stopped");
    assert!(
        (30..=60).contains(&n),
        "refused after {n}; the limit in wrangler.toml is 30"
    );
    assert_rate_limited(&reply);
    // Someone else, elsewhere, starts a chat as usual.
    let other = Edge::from_env();
    assert_eq!(start(&other, "Hello from elsewhere").status, 201);
}

#[test]
fn a_visitor_flooding_their_socket_is_refused_and_what_was_refused_is_not_stored() {
    // Beside the test that makes the site take identified visitors only.
    let _site = site_lock();
    let edge = Edge::from_env();
    let created = edge.start_conversation(None, "Here comes a flood");
    let mut socket = edge.visitor_socket(&created.visitor_token, &created.conversation_id, 0);
    socket.replay();
    let sent: Vec<String> = (0..150).map(|_| new_client_id()).collect();
    for (n, client_id) in sent.iter().enumerate() {
        socket.send(&ClientFrame::Send(protocol::api::SendMessage {
            client_id: client_id.clone(),
            body: format!("message {n}"),
            attachment: None,
        }));
    }
    let (mut acked, mut limited) = (Vec::new(), Vec::new());
    while acked.len() + limited.len() < sent.len() {
        match socket.next_message_frame() {
            ServerFrame::Ack { client_id, .. } => acked.push(client_id),
            ServerFrame::Error {
                code: ErrorCode::RateLimited,
                client_id: Some(client_id),
                message,
            } => {
                assert!(message.contains("seconds"), "{message}");
                limited.push(client_id);
            }
            ServerFrame::Message(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(!limited.is_empty(), "the flood was stopped");
    // 60 in ten seconds (two windows' worth at most when the flood straddles them).
    assert!(acked.len() <= 120, "{} taken", acked.len());
    let stored: Vec<String> = edge
        .visitor_history(&created.visitor_token, &created.conversation_id, 0)
        .into_iter()
        .map(|m| m.client_id)
        .collect();
    assert!(acked.iter().all(|id| stored.contains(id)));
    assert!(limited.iter().all(|id| !stored.contains(id)));
    socket.close();
}

#[test]
fn uploads_obey_identity_required() {
    let s = SiteSettings::hold();
    let mut settings = s.original.clone();
    settings.identity.required = true;
    settings.attachments.enabled = true;
    assert_eq!(s.put(&settings).status, 200);
    let reply = s.edge.request_bytes(
        "POST",
        &format!("/api/widget/uploads?site={}&name=dot.png", s.edge.site_id),
        &[("content-type", "application/octet-stream")],
        Some(porchlight_tests::PNG),
    );
    reply.assert_error(403, ErrorCode::IdentityRequired);
}

#[test]
fn a_body_without_content_length_is_refused_once_it_passes_the_limit() {
    // Beside the test that makes the site take identified visitors only.
    let _site = site_lock();
    let edge = Edge::from_env();
    let url = edge.url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(url).expect("the Worker listens");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    write!(
        stream,
        "POST /api/widget/conversations HTTP/1.1\r\nHost: {url}\r\ncontent-type: application/json\r\n\
         cf-connecting-ip: {}\r\ntransfer-encoding: chunked\r\n\r\n",
        edge.address
    )
    .expect("headers");
    // More than the limit, in chunks, and the body never ends: the answer must come anyway.
    let chunk = vec![b' '; 16 * 1024];
    let mut written = 0;
    while written <= REQUEST_MAX_BYTES {
        write!(stream, "{:x}\r\n", chunk.len()).expect("chunk size");
        stream.write_all(&chunk).expect("chunk");
        stream.write_all(b"\r\n").expect("chunk end");
        written += chunk.len();
    }
    stream.flush().expect("flush");
    // The answer (status, headers, then the JSON body), read until the body has come.
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    while !String::from_utf8_lossy(&answer).contains("}}") {
        let n = stream
            .read(&mut buffer)
            .expect("an answer before the body ends");
        assert!(n > 0, "closed: {}", String::from_utf8_lossy(&answer));
        answer.extend_from_slice(&buffer[..n]);
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("body_too_large"), "{answer}");
}

#[test]
fn agents_send_transcripts_only_to_the_visitors_own_address() {
    // Beside the test that makes the site take identified visitors only.
    let _site = site_lock();
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (_, agent) = edge.new_member(&admin, "agent");
    let created = edge.start_conversation(None, "Please send me this chat");
    let id = &created.conversation_id;
    let path = format!("/api/agent/conversations/{id}/transcript");
    let reply = edge.as_agent(
        &agent,
        "PUT",
        &format!("/api/agent/conversations/{id}/visitor"),
        Some(
            &serde_json::to_value(VisitorDetails {
                name: Some("Ada".into()),
                email: Some("ada@example.test".into()),
                ..VisitorDetails::default()
            })
            .expect("details"),
        ),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);

    edge.as_agent(
        &agent,
        "POST",
        &path,
        Some(&json!({ "to": "someone.else@example.test", "subject": "Your invoice" })),
    )
    .assert_error(403, ErrorCode::Forbidden);
    let reply = edge.as_agent(
        &agent,
        "POST",
        &path,
        Some(&json!({ "to": "ADA@example.test" })),
    );
    assert_eq!(reply.status, 202, "{}", reply.body);
    let reply = edge.as_agent(
        &admin,
        "POST",
        &path,
        Some(&json!({ "to": "records@example.test" })),
    );
    assert_eq!(reply.status, 202, "{}", reply.body);
}

#[test]
fn a_visitor_opening_socket_after_socket_is_refused() {
    // Beside the test that makes the site take identified visitors only.
    let _site = site_lock();
    let edge = Edge::from_env();
    let created = edge.start_conversation(None, "One socket is plenty");
    let mut refused = None;
    // Bounded: the limiter counts in fixed windows (30 a minute in wrangler.toml).
    for n in 0..70 {
        match edge.try_visitor_socket(&created.visitor_token, &created.conversation_id) {
            Ok(socket) => socket.close(),
            Err(status) => {
                refused = Some((n, status));
                break;
            }
        }
    }
    let (n, status) = refused.expect("the sockets were stopped");
    assert_eq!(status, 429);
    assert!((30..=60).contains(&n), "refused after {n}");
}
