//! No contact or conversation is wedged or doubled (issue 20), against the running Worker. The
//! states a failure leaves are made for real in D1 from the test: a conversation row whose
//! object was never initialised (an init that failed after the row was written), a second open
//! conversation for one person (what two consumers racing would write). And the retries that
//! follow failures are made as a client makes them: a creation sent again after its answer was
//! lost, a webhook Meta delivers again after the conversation closed.

use porchlight_tests::meta::{
    connect, conversation_where, deliver, messages, messenger_text, unique_id, FakeGraph,
};
use porchlight_tests::{local_sql, new_client_id, now_ms, try_local_sql, Edge, Reply};
use protocol::api::{ConversationCreated, ErrorCode};
use protocol::Author;
use serde_json::json;

fn create(edge: &Edge, client_id: &str, token: Option<&str>) -> Reply {
    let body = json!({
        "site_id": edge.site_id,
        "first_message": { "client_id": client_id, "body": "Is anyone there?" },
    })
    .to_string();
    let auth = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("authorization", a.as_str())).collect();
    edge.request("POST", "/api/widget/conversations", &headers, Some(&body))
}

#[test]
fn a_creation_sent_again_after_its_answer_was_lost_finds_the_same_conversation() {
    let edge = Edge::from_env();
    let client_id = new_client_id();
    let first = create(&edge, &client_id, None);
    assert_eq!(first.status, 201, "{}", first.body);
    let first: ConversationCreated = first.json();

    // The answer never reached the widget, which sends the same message again.
    let again = create(&edge, &client_id, None);
    assert_eq!(again.status, 201, "{}", again.body);
    let again: ConversationCreated = again.json();
    assert_eq!(again.conversation_id, first.conversation_id);
    assert_eq!(again.message.seq, first.message.seq);
    // A token of the same visitor (the first never reached anyone); both read the chat, which
    // holds the message once.
    assert_ne!(again.visitor_token, first.visitor_token);
    for token in [&first.visitor_token, &again.visitor_token] {
        let history = edge.visitor_history(token, &first.conversation_id, 0);
        assert_eq!(history.len(), 1);
    }
    // With its token, the same again.
    let with_token = create(&edge, &client_id, Some(&again.visitor_token));
    assert_eq!(with_token.status, 201, "{}", with_token.body);
    let with_token: ConversationCreated = with_token.json();
    assert_eq!(with_token.conversation_id, first.conversation_id);
    assert_eq!(with_token.visitor_token, again.visitor_token);

    // Someone else presenting that client id gets nothing of it.
    let stranger = Edge::from_env();
    create(&stranger, &client_id, None).assert_error(400, ErrorCode::InvalidField);
}

/// The conversation whose messages hold `word`, waiting (bounded) for the queue to store it.
fn found_by(edge: &Edge, cookie: &str, word: &str) -> String {
    let deadline = std::time::Instant::now() + porchlight_tests::meta::QUEUE_TIMEOUT;
    loop {
        let reply = edge.as_agent(
            cookie,
            "GET",
            &format!("/api/agent/conversations?q={word}"),
            None,
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        let list: protocol::api::ConversationList = reply.json();
        if let Some(row) = list.conversations.into_iter().next() {
            return row.id;
        }
        assert!(std::time::Instant::now() < deadline, "nothing holds {word}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn a_redelivered_event_after_a_close_opens_nothing_and_answers_nothing() {
    let edge = Edge::from_env();
    let cookie = edge.sign_in();
    let fake = FakeGraph::from_env();
    let page = unique_id();
    let connection = connect(&edge, &cookie, "messenger", &page);
    let reply = edge.as_agent(
        &cookie,
        "PUT",
        &format!(
            "/api/admin/sites/{}/connections/{connection}/flow",
            edge.site_id
        ),
        Some(&json!({ "instant_reply": "Thanks, we will answer soon." })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let psid = unique_id();
    let first_text = format!("first {}", unique_id());
    let first = messenger_text(
        &page,
        &psid,
        &format!("m_{}", unique_id()),
        &first_text,
        now_ms(),
    );
    deliver(&edge, "messenger", &first);
    let sends = format!("/v21.0/{page}/messages");
    fake.wait_for(&sends, 1);
    let closed = found_by(&edge, &cookie, first_text.trim_start_matches("first "));
    let reply = edge.as_agent(
        &cookie,
        "POST",
        &format!("/api/agent/conversations/{closed}/close"),
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);

    // Meta delivers the first event again, then the person writes anew.
    deliver(&edge, "messenger", &first);
    let word = unique_id();
    let second_text = format!("second {word}");
    let second = messenger_text(
        &page,
        &psid,
        &format!("m_{}", unique_id()),
        &second_text,
        now_ms(),
    );
    deliver(&edge, "messenger", &second);
    // Its preview soon shows the instant reply: it is found by what the person wrote.
    let row = found_by(&edge, &cookie, &word);
    assert_ne!(row, closed);
    let thread = messages(&edge, &cookie, &row);
    let from_person: Vec<&str> = thread
        .iter()
        .filter(|m| m.author == Author::Visitor)
        .map(|m| m.body.as_str())
        .collect();
    assert_eq!(
        from_person,
        vec![second_text.as_str()],
        "the replay opened nothing"
    );
    // One instant reply per conversation: none for the replay.
    let sent = fake.wait_for(&sends, 2);
    assert_eq!(sent.len(), 2, "{sent:?}");
}

#[test]
fn a_conversation_whose_init_was_lost_takes_the_next_event() {
    let edge = Edge::from_env();
    let cookie = edge.sign_in();
    let page = unique_id();
    connect(&edge, &cookie, "messenger", &page);
    let psid = unique_id();
    // What an init that failed after the index row was written leaves: the row and the
    // contact pointing at it, and an object that knows nothing.
    let id = format!("c-wedged-{}", unique_id());
    let at = now_ms();
    local_sql(&format!(
        "INSERT INTO conversations (id, site_id, visitor_id, channel, status, created_at, \
         updated_at, last_seq, meta_account_id, meta_contact_id, inbox_id) \
         SELECT '{id}', site_id, NULL, 'messenger', 'open', {at}, {at}, 0, '{page}', '{psid}', \
         inbox_id FROM meta_connections WHERE channel = 'messenger' AND account_id = '{page}'; \
         INSERT INTO meta_contacts (channel, account_id, contact_id, conversation_id, created_at) \
         VALUES ('messenger', '{page}', '{psid}', '{id}', {at})"
    ));
    let text = format!("are you there? {}", unique_id());
    deliver(
        &edge,
        "messenger",
        &messenger_text(&page, &psid, &format!("m_{}", unique_id()), &text, at),
    );
    let row = conversation_where(&edge, &cookie, |c| c.last_message_preview == text);
    assert_eq!(row.id, id, "taken into the conversation it had");
    assert_eq!(messages(&edge, &cookie, &id).len(), 1);
}

#[test]
fn one_person_has_one_open_conversation() {
    let edge = Edge::from_env();
    let cookie = edge.sign_in();
    let page = unique_id();
    connect(&edge, &cookie, "messenger", &page);
    let psid = unique_id();
    let text = format!("hello {}", unique_id());
    deliver(
        &edge,
        "messenger",
        &messenger_text(&page, &psid, &format!("m_{}", unique_id()), &text, now_ms()),
    );
    let open = conversation_where(&edge, &cookie, |c| c.last_message_preview == text);
    // What a second consumer racing the first would write is refused by the database.
    let second = format!(
        "INSERT INTO conversations (id, site_id, visitor_id, channel, status, created_at, \
         updated_at, last_seq, meta_account_id, meta_contact_id) VALUES ('c-double-{}', '{}', \
         NULL, 'messenger', 'open', 0, 0, 0, '{page}', '{psid}')",
        unique_id(),
        edge.site_id
    );
    assert!(
        !try_local_sql(&second),
        "a second open conversation was written"
    );
    // Once the first is closed, a new one may open.
    let reply = edge.as_agent(
        &cookie,
        "POST",
        &format!("/api/agent/conversations/{}/close", open.id),
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(try_local_sql(&second));
}
