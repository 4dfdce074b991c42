//! Access ends where data flows (issue 20). An agent's open thread socket carries its
//! conversation only while the session it was opened with may see it: removing the member,
//! demoting them, moving the conversation to an inbox they do not see and signing that session
//! out each close the socket by the time the change is answered; the session's expiry closes it
//! (and the inbox list's socket) at the expiry; and a frame that arrives on a socket whose
//! access has gone (taken away behind the Worker's back, straight in D1) is refused and stores
//! nothing. Mentions are listed only in conversations the member still sees.

use porchlight_tests::meta::unique_id;
use porchlight_tests::{local_sql, new_client_id, Edge, Socket};
use protocol::api::{ErrorCode, Inbox, MentionList, SendMessage};
use protocol::frame::{ClientFrame, ListFrame, ServerFrame, SignedOut};
use serde_json::json;

/// The close code of a socket whose access was taken away.
const ACCESS_ENDED: u16 = 4003;

/// A website chat started by a new visitor: its id and the visitor's token.
fn chat(edge: &Edge, text: &str) -> (String, String) {
    let created = edge.start_conversation(None, text);
    (created.conversation_id, created.visitor_token)
}

/// A restricted inbox of this test's own, seen by nobody but admins.
fn closed_inbox(edge: &Edge, admin: &str) -> Inbox {
    let reply = edge.as_agent(
        admin,
        "POST",
        "/api/admin/inboxes",
        Some(&json!({ "name": format!("Legal {}", unique_id()), "member_ids": [] })),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()
}

fn move_to(edge: &Edge, admin: &str, conversation: &str, inbox: &str) {
    let reply = edge.as_agent(
        admin,
        "PUT",
        &format!("/api/agent/conversations/{conversation}/inbox"),
        Some(&json!({ "inbox_id": inbox })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
}

/// An agent's socket on `conversation`, replayed up to date.
fn thread(edge: &Edge, cookie: &str, conversation: &str) -> Socket {
    let mut socket = edge.agent_socket(cookie, conversation, 0);
    socket.replay();
    socket
}

/// Reads until the server closes the socket; the access-ended error must come first.
fn assert_access_ended(socket: &mut Socket) {
    let mut told = false;
    loop {
        match socket.receive_or_close() {
            Some(ServerFrame::Error {
                code: ErrorCode::Forbidden,
                ..
            }) => told = true,
            Some(_) => continue,
            None => break,
        }
    }
    assert!(told, "the socket was told its access ended");
    assert_eq!(socket.close_code, Some(ACCESS_ENDED));
}

fn send_frame(body: &str) -> ClientFrame {
    ClientFrame::Send(SendMessage {
        client_id: new_client_id(),
        body: body.to_owned(),
        attachment: None,
    })
}

fn bodies(edge: &Edge, token: &str, conversation: &str) -> Vec<String> {
    edge.visitor_history(token, conversation, 0)
        .into_iter()
        .map(|m| m.body)
        .collect()
}

#[test]
fn a_removed_members_open_thread_is_closed_at_once() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (member, cookie) = edge.new_member(&admin, "agent");
    let (conversation, _) = chat(&edge, "Hello, anyone there?");
    let mut socket = thread(&edge, &cookie, &conversation);

    let reply = edge.as_agent(
        &admin,
        "DELETE",
        &format!("/api/admin/agents/{}", member.id),
        None,
    );
    assert_eq!(reply.status, 204, "{}", reply.body);
    // Closed before the removal was answered; nothing more reaches it.
    assert_access_ended(&mut socket);
    edge.agent_socket_refused(&cookie, &conversation);
}

#[test]
fn a_frame_whose_access_went_behind_the_workers_back_is_refused_and_stores_nothing() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (member, cookie) = edge.new_member(&admin, "agent");
    let (conversation, token) = chat(&edge, "Is this still on?");
    let mut socket = thread(&edge, &cookie, &conversation);

    // The session ends in D1 with nobody told: only the check where the frame arrives stands
    // between the socket and the conversation.
    local_sql(&format!(
        "DELETE FROM agent_sessions WHERE agent_id = '{}'",
        member.id
    ));
    let words = format!("sent after access ended {}", unique_id());
    socket.send(&send_frame(&words));
    assert_access_ended(&mut socket);
    assert!(!bodies(&edge, &token, &conversation).contains(&words));
}

#[test]
fn a_move_to_an_inbox_the_member_does_not_see_closes_their_thread() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (_, cookie) = edge.new_member(&admin, "agent");
    let (_, other_cookie) = edge.new_member(&admin, "agent");
    let (conversation, token) = chat(&edge, "Where is my parcel?");
    let legal = closed_inbox(&edge, &admin);
    let mut socket = thread(&edge, &cookie, &conversation);
    let mut admins = thread(&edge, &admin, &conversation);

    move_to(&edge, &admin, &conversation, &legal.id);
    assert_access_ended(&mut socket);
    edge.agent_socket_refused(&other_cookie, &conversation);

    // The admin still sees it: their thread keeps working.
    let words = format!("still here {}", unique_id());
    admins.send(&send_frame(&words));
    loop {
        if let ServerFrame::Ack { .. } = admins.next_message_frame() {
            break;
        }
    }
    assert!(bodies(&edge, &token, &conversation).contains(&words));
    admins.close();
}

#[test]
fn a_demoted_admin_loses_the_threads_of_inboxes_they_are_not_in() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (member, cookie) = edge.new_member(&admin, "admin");
    let (conversation, _) = chat(&edge, "I need to speak to a lawyer");
    let legal = closed_inbox(&edge, &admin);
    move_to(&edge, &admin, &conversation, &legal.id);
    let mut socket = thread(&edge, &cookie, &conversation);

    let reply = edge.as_agent(
        &admin,
        "PUT",
        &format!("/api/admin/agents/{}/role", member.id),
        Some(&json!({ "role": "agent" })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_access_ended(&mut socket);
}

#[test]
fn signing_out_ends_that_sessions_threads_only() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (member, here) = edge.new_member(&admin, "agent");
    let elsewhere = edge.sign_in_as(&member.email);
    let (conversation, token) = chat(&edge, "Two tabs, one of them signs out");
    let mut leaving = thread(&edge, &here, &conversation);
    let mut staying = thread(&edge, &elsewhere, &conversation);

    let reply = edge.as_agent(&here, "DELETE", "/api/agent/session", None);
    assert_eq!(reply.status, 204, "{}", reply.body);
    assert_access_ended(&mut leaving);

    let words = format!("from the other device {}", unique_id());
    staying.send(&send_frame(&words));
    loop {
        if let ServerFrame::Ack { .. } = staying.next_message_frame() {
            break;
        }
    }
    assert!(bodies(&edge, &token, &conversation).contains(&words));
    staying.close();
}

#[test]
fn a_thread_ends_when_its_session_expires() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (member, cookie) = edge.new_member(&admin, "agent");
    let (conversation, _) = chat(&edge, "Still there after the session?");
    // The session has a few seconds left when the thread opens.
    let in_a_moment = porchlight_tests::now_ms() + 4_000;
    local_sql(&format!(
        "UPDATE agent_sessions SET expires_at = {in_a_moment} WHERE agent_id = '{}'",
        member.id
    ));
    let mut socket = thread(&edge, &cookie, &conversation);
    let mut list = edge.list_socket(&cookie);
    // The objects' alarms close both at the expiry, with no frame sent by anyone.
    assert_access_ended(&mut socket);
    loop {
        match list.receive::<ListFrame>() {
            ListFrame::SignedOut(why) => {
                assert_eq!(why, SignedOut::Ended);
                break;
            }
            _ => continue,
        }
    }
    assert_eq!(list.closed_by_server(), Some(4001));
}

#[test]
fn mentions_are_listed_only_in_conversations_still_seen() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (member, cookie) = edge.new_member(&admin, "agent");
    let (conversation, _) = chat(&edge, "Please look at my order");
    let reply = edge.as_agent(
        &admin,
        "POST",
        &format!("/api/agent/conversations/{conversation}/notes"),
        Some(&json!({
            "client_id": new_client_id(),
            "body": format!("@{} can you take this?", member.name),
        })),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let unseen = |cookie: &str| -> Vec<String> {
        let reply = edge.as_agent(cookie, "GET", "/api/agent/mentions", None);
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply
            .json::<MentionList>()
            .mentions
            .into_iter()
            .map(|m| m.conversation_id)
            .collect()
    };
    assert!(unseen(&cookie).contains(&conversation));

    let legal = closed_inbox(&edge, &admin);
    move_to(&edge, &admin, &conversation, &legal.id);
    assert!(!unseen(&cookie).contains(&conversation));
}

#[test]
fn signing_out_everywhere_and_a_password_change_end_the_other_sessions_threads() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (member, here) = edge.new_member(&admin, "agent");
    let (conversation, _) = chat(&edge, "Who is still here?");

    // A password change ends every other session's thread; this session's goes on.
    let there = edge.sign_in_as(&member.email);
    let mut other = thread(&edge, &there, &conversation);
    let mut own = thread(&edge, &here, &conversation);
    let reply = edge.as_agent(
        &here,
        "PUT",
        "/api/agent/me/password",
        Some(&json!({
            "current_password": porchlight_tests::MEMBER_PASSWORD,
            "new_password": "another long enough password",
        })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_access_ended(&mut other);
    own.send(&send_frame("still mine"));
    loop {
        if let ServerFrame::Ack { .. } = own.next_message_frame() {
            break;
        }
    }

    // Signing out everywhere ends this one too.
    let reply = edge.as_agent(&here, "DELETE", "/api/agent/sessions", None);
    assert_eq!(reply.status, 204, "{}", reply.body);
    assert_access_ended(&mut own);
}

#[test]
fn taken_off_an_inbox_the_member_loses_its_threads() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (member, cookie) = edge.new_member(&admin, "agent");
    let (conversation, _) = chat(&edge, "For the sales team");
    let reply = edge.as_agent(
        &admin,
        "POST",
        "/api/admin/inboxes",
        Some(&json!({ "name": format!("Sales {}", unique_id()), "member_ids": [member.id] })),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let sales: Inbox = reply.json();
    move_to(&edge, &admin, &conversation, &sales.id);
    let mut socket = thread(&edge, &cookie, &conversation);

    let reply = edge.as_agent(
        &admin,
        "PUT",
        &format!("/api/admin/inboxes/{}", sales.id),
        Some(&json!({ "name": sales.name, "member_ids": [] })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_access_ended(&mut socket);
}
