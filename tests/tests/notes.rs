//! Internal notes against the running Worker: the team sees them (stored once per client id,
//! live on agents' sockets, listed), the visitor never does (not on their socket, not in their
//! history); every `@Name` of a member mentions them, live in their inbox and listed until they
//! have seen it. Bad notes are refused and store nothing.

use porchlight_tests::{new_client_id, Edge, Reply};
use protocol::api::{ErrorCode, MentionList, Note, NoteList};
use protocol::frame::{AgentFrame, ListFrame, ServerFrame};
use serde_json::json;

fn add_note(edge: &Edge, cookie: &str, conversation: &str, client_id: &str, body: &str) -> Reply {
    edge.as_agent(
        cookie,
        "POST",
        &format!("/api/agent/conversations/{conversation}/notes"),
        Some(&json!({ "client_id": client_id, "body": body })),
    )
}

fn notes(edge: &Edge, cookie: &str, conversation: &str) -> Vec<Note> {
    let reply = edge.as_agent(
        cookie,
        "GET",
        &format!("/api/agent/conversations/{conversation}/notes"),
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json::<NoteList>().notes
}

fn mentions(edge: &Edge, cookie: &str) -> MentionList {
    edge.as_agent(cookie, "GET", "/api/agent/mentions", None)
        .json()
}

#[test]
fn notes_reach_the_team_and_never_the_visitor() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let created = edge.start_conversation(None, "where is my order?");
    let id = created.conversation_id.as_str();
    let mut visitor = edge.visitor_socket(&created.visitor_token, id, 0);
    visitor.replay();
    let mut agent = edge.agent_socket(&admin, id, 0);
    agent.replay();

    let secret = format!("internal {} — customer is a reseller", new_client_id());
    let client_id = new_client_id();
    let reply = add_note(&edge, &admin, id, &client_id, &secret);
    assert_eq!(reply.status, 201, "{}", reply.body);
    let note: Note = reply.json();
    assert_eq!(note.body, secret);
    assert_eq!(note.after_seq, 1);
    assert_eq!(
        note.author.name,
        edge.request("GET", "/api/agent/me", &[("cookie", &admin)], None)
            .json::<protocol::api::AgentProfile>()
            .name
    );

    // Live to the agent's socket (after the presence frames its joining caused).
    loop {
        let frame: serde_json::Value = agent.receive();
        if frame.get("note").is_some() {
            let live: AgentFrame = serde_json::from_value(frame).expect("an agent frame");
            assert_eq!(live, AgentFrame::Note(note.clone()));
            break;
        }
    }

    // The same client id again: the same note, stored once.
    let again = add_note(&edge, &admin, id, &client_id, &secret);
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.json::<Note>().id, note.id);
    assert_eq!(notes(&edge, &admin, id), [note]);

    // The visitor: the next thing on their socket is the agent's reply, not the note; and their
    // history has no trace of it.
    let reply = edge.as_agent(
        &admin,
        "POST",
        &format!("/api/agent/conversations/{id}/messages"),
        Some(&json!({ "client_id": new_client_id(), "body": "It ships today." })),
    );
    assert!(reply.status == 201, "{}", reply.body);
    loop {
        let text: serde_json::Value = visitor.receive();
        assert!(
            !text.to_string().contains(&secret),
            "the visitor got the note: {text}"
        );
        if let Ok(ServerFrame::Message(m)) = serde_json::from_value::<ServerFrame>(text) {
            assert_eq!(m.body, "It ships today.");
            break;
        }
    }
    let history = edge.request(
        "GET",
        &format!("/api/widget/conversations/{id}/messages?after=0"),
        &[(
            "authorization",
            &format!("Bearer {}", created.visitor_token),
        )],
        None,
    );
    assert_eq!(history.status, 200);
    assert!(!history.body.contains(&secret));
    // And no visitor reaches the notes route.
    let as_visitor = edge.request(
        "GET",
        &format!("/api/agent/conversations/{id}/notes"),
        &[(
            "authorization",
            &format!("Bearer {}", created.visitor_token),
        )],
        None,
    );
    as_visitor.assert_error(401, ErrorCode::Unauthenticated);
}

#[test]
fn a_mention_reaches_the_member_live_and_waits_until_seen() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (member, member_cookie) = edge.new_member(&admin, "agent");
    let (bystander, bystander_cookie) = edge.new_member(&admin, "agent");
    let mut inbox = edge.list_socket(&member_cookie);
    let created = edge.start_conversation(None, "a tricky refund");
    let id = created.conversation_id.as_str();

    let body = format!(
        "@{} can you take this? (not you, {})",
        member.name, bystander.name
    );
    let client_id = new_client_id();
    let reply = add_note(&edge, &admin, id, &client_id, &body);
    assert_eq!(reply.status, 201, "{}", reply.body);
    let note: Note = reply.json();
    let mentioned: Vec<&str> = note.mentions.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(mentioned, [member.id.as_str()]);

    loop {
        match inbox.receive::<ListFrame>() {
            ListFrame::Mention(m) if m.conversation_id == id => {
                assert_eq!(m.note, note);
                break;
            }
            ListFrame::SignedOut(why) => panic!("signed out: {why:?}"),
            _ => continue,
        }
    }
    // Listed once, even when the note is sent again.
    assert_eq!(add_note(&edge, &admin, id, &client_id, &body).status, 200);
    let listed = mentions(&edge, &member_cookie).mentions;
    assert_eq!(listed.iter().filter(|m| m.conversation_id == id).count(), 1);
    assert!(mentions(&edge, &bystander_cookie).mentions.is_empty());

    let seen = edge.as_agent(
        &member_cookie,
        "POST",
        "/api/agent/mentions/seen",
        Some(&json!({ "conversation_id": id })),
    );
    assert_eq!(seen.status, 204, "{}", seen.body);
    assert!(!mentions(&edge, &member_cookie)
        .mentions
        .iter()
        .any(|m| m.conversation_id == id));
    inbox.close();
}

#[test]
fn bad_notes_are_refused_and_store_nothing() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let created = edge.start_conversation(None, "notes will be refused here");
    let id = created.conversation_id.as_str();

    add_note(&edge, &admin, id, &new_client_id(), "   ").assert_error(400, ErrorCode::EmptyMessage);
    add_note(&edge, &admin, id, &new_client_id(), &"x".repeat(4001))
        .assert_error(400, ErrorCode::MessageTooLong);
    add_note(&edge, &admin, id, "bad id!", "hello").assert_error(400, ErrorCode::InvalidClientId);
    add_note(&edge, &admin, "c_nothing", &new_client_id(), "hello")
        .assert_error(404, ErrorCode::UnknownConversation);
    edge.request(
        "POST",
        &format!("/api/agent/conversations/{id}/notes"),
        &[("cookie", &admin), ("content-type", "application/json")],
        Some(&json!({ "client_id": new_client_id(), "body": "no origin" }).to_string()),
    )
    .assert_error(403, ErrorCode::Forbidden);
    assert!(notes(&edge, &admin, id).is_empty());
}
