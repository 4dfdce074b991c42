//! A Meta channel's flow against the running Worker, with Meta played by the recording fake:
//! Messenger's greeting set on the Page (with implicit consent in it), explicit consent that
//! holds a person's messages until they tap "I agree" (asked once, nothing lost, redeliveries
//! held once, then taken in in their own order), and the instant reply after a new
//! conversation's first message (once, as the channel's automated sender). Bad flows are
//! refused and change nothing; a greeting Meta refuses is not stored.

use porchlight_tests::meta::{
    connect, conversation_where, deliver, messages, messenger_events, messenger_text, unique_id,
    whatsapp_text, FakeGraph,
};
use porchlight_tests::{local_query, Edge, Reply};
use protocol::api::{Connection, ConnectionList, ContactPage, ErrorCode};
use protocol::{Author, Channel};
use serde_json::{json, Value};

const AT: i64 = 1_795_000_000_000;

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

fn put_flow(edge: &Edge, cookie: &str, connection: &str, flow: Value) -> Reply {
    edge.as_agent(
        cookie,
        "PUT",
        &format!(
            "/api/admin/sites/{}/connections/{connection}/flow",
            edge.site_id
        ),
        Some(&flow),
    )
}

fn stored_flow(edge: &Edge, cookie: &str, connection: &str) -> protocol::api::ChannelFlow {
    let list: ConnectionList = edge
        .as_agent(
            cookie,
            "GET",
            &format!("/api/admin/sites/{}/connections", edge.site_id),
            None,
        )
        .json();
    list.connections
        .into_iter()
        .find(|c| c.id == connection)
        .expect("the connection")
        .flow
}

fn agree(page: &str, psid: &str, at: i64) -> String {
    messenger_events(
        page,
        &[json!({
            "sender": { "id": psid }, "recipient": { "id": page }, "timestamp": at,
            "message": { "mid": format!("m_{}", unique_id()), "text": "I agree",
                "quick_reply": { "payload": "PORCHLIGHT_CONSENT" } },
        })],
    )
}

#[test]
fn explicit_consent_holds_messages_until_the_person_agrees() {
    let edge = Edge::from_env();
    let cookie = edge.sign_in();
    let fake = FakeGraph::from_env();
    let page = unique_id();
    let connection = connect(&edge, &cookie, "messenger", &page);
    let reply = put_flow(
        &edge,
        &cookie,
        &connection,
        json!({
            "greeting": "Hi! Ask us anything.",
            "instant_reply": "Thanks! Someone will answer shortly.",
            "consent": "explicit",
            "consent_text": "We keep this conversation to answer you. Do you agree?",
        }),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.json::<Connection>().flow.consent_text,
        "We keep this conversation to answer you. Do you agree?"
    );
    let profile = fake.wait_for(&format!("/v21.0/{page}/messenger_profile"), 1);
    assert_eq!(
        profile[0]["body"]["greeting"][0]["text"],
        "Hi! Ask us anything."
    );

    let psid = unique_id();
    let marker = unique_id();
    let first = messenger_text(
        &page,
        &psid,
        &format!("m_{}", unique_id()),
        &format!("first {marker}"),
        now() - 2_000,
    );
    deliver(&edge, "messenger", &first);
    // Asked once, with the "I agree" quick reply; the message is held, not in the inbox.
    let sends = format!("/v21.0/{page}/messages");
    let asked = fake.wait_for(&sends, 1);
    assert_eq!(asked[0]["body"]["recipient"]["id"], psid.as_str());
    assert_eq!(
        asked[0]["body"]["message"]["quick_replies"][0]["payload"],
        "PORCHLIGHT_CONSENT"
    );
    let listed = |q: &str| {
        edge.as_agent(
            &cookie,
            "GET",
            &format!("/api/agent/conversations?q={q}"),
            None,
        )
        .json::<protocol::api::ConversationList>()
        .conversations
    };
    assert!(listed(&marker).is_empty(), "held, not in the inbox");
    // Meta redelivers the first; a second message is held too, without asking again.
    deliver(&edge, "messenger", &first);
    let second = messenger_text(
        &page,
        &psid,
        &format!("m_{}", unique_id()),
        &format!("second {marker}"),
        now() - 1_000,
    );
    deliver(&edge, "messenger", &second);

    deliver(&edge, "messenger", &agree(&page, &psid, now()));
    let row = conversation_where(&edge, &cookie, |c| {
        c.last_message_preview == "I agree" || c.last_message_preview.starts_with("Thanks!")
    });
    let thread = messages(&edge, &cookie, &row.id);
    let bodies: Vec<&str> = thread.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(
        bodies[..3],
        [
            format!("first {marker}").as_str(),
            format!("second {marker}").as_str(),
            "I agree"
        ],
        "held messages in their own order, once each, then the agreement"
    );
    // The instant reply followed, as the channel's automated sender, and went to Meta.
    let sent = fake.wait_for(&sends, 2);
    assert_eq!(sent.len(), 2, "asked once, then the instant reply");
    assert_eq!(
        sent[1]["body"]["message"]["text"],
        "Thanks! Someone will answer shortly."
    );
    let automated = conversation_messages_until(&edge, &cookie, &row.id, 4);
    assert!(matches!(
        &automated[3].author,
        Author::Agent { id, .. } if id.starts_with("bot:")
    ));
    // Agreed once: later messages go straight in.
    let later = format!("later {marker}");
    deliver(
        &edge,
        "messenger",
        &messenger_text(&page, &psid, &format!("m_{}", unique_id()), &later, now()),
    );
    conversation_where(&edge, &cookie, |c| c.last_message_preview == later);
    assert_eq!(fake.wait_for(&sends, 2).len(), 2, "nothing more sent");

    // The consent is on the person's contact page, and in their export, with its words.
    let found = local_query(&format!(
        "SELECT contact_id FROM conversations WHERE id = '{}'",
        row.id
    ));
    let contact = found[0][0].as_str().expect("the conversation's contact");
    let shown: ContactPage = edge
        .as_agent(
            &cookie,
            "GET",
            &format!("/api/agent/contacts/{contact}"),
            None,
        )
        .json();
    assert_eq!(shown.meta_consents.len(), 1, "{:?}", shown.meta_consents);
    let consent = &shown.meta_consents[0];
    assert_eq!(
        (consent.channel, consent.account_id.as_str()),
        (Channel::Messenger, page.as_str())
    );
    assert!(consent
        .asked_at
        .is_some_and(|asked| consent.agreed_at.is_some_and(|agreed| asked <= agreed)));
    assert_eq!(
        consent.text.as_deref(),
        Some("We keep this conversation to answer you. Do you agree?")
    );
    let export = edge.as_agent(
        &cookie,
        "GET",
        &format!("/api/admin/contacts/{contact}/export"),
        None,
    );
    assert_eq!(export.status, 200);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&export.bytes)).expect("a zip");
    let exported: ContactPage =
        serde_json::from_reader(zip.by_name("contact.json").expect("contact.json")).expect("JSON");
    assert_eq!(exported.meta_consents, shown.meta_consents);
}

/// The conversation's messages once it has at least `count` (the instant reply is stored just
/// after the message that opened the conversation).
fn conversation_messages_until(
    edge: &Edge,
    cookie: &str,
    id: &str,
    count: usize,
) -> Vec<protocol::Message> {
    let deadline = std::time::Instant::now() + porchlight_tests::meta::QUEUE_TIMEOUT;
    loop {
        let all = messages(edge, cookie, id);
        if all.len() >= count {
            return all;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "only {} messages",
            all.len()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn an_instant_reply_follows_only_a_new_conversation_s_first_message() {
    let edge = Edge::from_env();
    let cookie = edge.sign_in();
    let fake = FakeGraph::from_env();
    let number = unique_id();
    let connection = connect(&edge, &cookie, "whatsapp", &number);
    let reply = put_flow(
        &edge,
        &cookie,
        &connection,
        json!({ "instant_reply": "Hello from Larkspur! We reply within the hour." }),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let wa_id = unique_id();
    let marker = unique_id();
    deliver(
        &edge,
        "whatsapp",
        &whatsapp_text(&number, &wa_id, &format!("one {marker}"), now() - 1_000),
    );
    let sends = format!("/v21.0/{number}/messages");
    let sent = fake.wait_for(&sends, 1);
    assert_eq!(sent[0]["body"]["type"], "text");
    assert_eq!(
        sent[0]["body"]["text"]["body"],
        "Hello from Larkspur! We reply within the hour."
    );
    let two = format!("two {marker}");
    deliver(
        &edge,
        "whatsapp",
        &whatsapp_text(&number, &wa_id, &two, now()),
    );
    let row = conversation_where(&edge, &cookie, |c| c.last_message_preview == two);
    let thread = messages(&edge, &cookie, &row.id);
    assert_eq!(
        thread
            .iter()
            .filter(|m| matches!(&m.author, Author::Agent { id, .. } if id.starts_with("bot:")))
            .count(),
        1,
        "one instant reply per conversation"
    );
    assert_eq!(fake.wait_for(&sends, 1).len(), 1);
    // An old message opening a conversation gets no automated message outside 24 hours.
    let old_contact = unique_id();
    let old = format!("old {marker}");
    deliver(
        &edge,
        "whatsapp",
        &whatsapp_text(&number, &old_contact, &old, AT - 3 * 24 * 60 * 60 * 1000),
    );
    conversation_where(&edge, &cookie, |c| c.last_message_preview == old);
    assert_eq!(
        fake.wait_for(&sends, 1).len(),
        1,
        "nothing sent after 24 hours"
    );
}

#[test]
fn bad_flows_are_refused_and_a_greeting_meta_refuses_is_not_stored() {
    let edge = Edge::from_env();
    let cookie = edge.sign_in();
    let fake = FakeGraph::from_env();
    let page = unique_id();
    let connection = connect(&edge, &cookie, "messenger", &page);
    let number = unique_id();
    let whatsapp = connect(&edge, &cookie, "whatsapp", &number);
    let (_, agent) = edge.new_member(&cookie, "agent");

    for (on, flow, field) in [
        (
            &connection,
            json!({ "greeting": "x".repeat(161) }),
            "`greeting`",
        ),
        (
            &connection,
            json!({ "consent": "explicit" }),
            "`consent_text`",
        ),
        (
            &connection,
            json!({ "greeting": "x".repeat(150), "consent": "implicit", "consent_text": "We keep chats." }),
            "`consent_text`",
        ),
        (&whatsapp, json!({ "greeting": "Hi" }), "`greeting`"),
        (
            &whatsapp,
            json!({ "consent": "explicit", "consent_text": "OK?" }),
            "`consent`",
        ),
    ] {
        let reply = put_flow(&edge, &cookie, on, flow);
        reply.assert_error(400, ErrorCode::InvalidField);
        assert!(reply.body.contains(field), "{}", reply.body);
    }
    put_flow(
        &edge,
        &cookie,
        &connection,
        json!({ "consent": "sometimes" }),
    )
    .assert_error(400, ErrorCode::MalformedBody);
    put_flow(&edge, &agent, &connection, json!({ "greeting": "Hi" }))
        .assert_error(403, ErrorCode::Forbidden);
    put_flow(&edge, &cookie, "mc_nothing", json!({ "greeting": "Hi" }))
        .assert_error(404, ErrorCode::NotFound);

    // Meta refuses the greeting: 502, and the flow is as it was.
    fake.respond(
        &format!("/v21.0/{page}/messenger_profile"),
        400,
        json!({ "error": { "message": "Invalid greeting", "code": 100 } }),
        1,
    );
    let reply = put_flow(
        &edge,
        &cookie,
        &connection,
        json!({ "greeting": "Hello", "consent": "implicit", "consent_text": "We keep chats." }),
    );
    reply.assert_error(502, ErrorCode::MetaUnavailable);
    assert!(reply.body.contains("Invalid greeting"), "{}", reply.body);
    assert_eq!(stored_flow(&edge, &cookie, &connection), Default::default());
    // Taken the second time: the implicit consent text goes with the greeting.
    let reply = put_flow(
        &edge,
        &cookie,
        &connection,
        json!({ "greeting": "Hello", "consent": "implicit", "consent_text": "We keep chats." }),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let calls = fake.wait_for(&format!("/v21.0/{page}/messenger_profile"), 2);
    assert_eq!(
        calls[1]["body"]["greeting"][0]["text"],
        "Hello\n\nWe keep chats."
    );
    assert_eq!(stored_flow(&edge, &cookie, &connection).greeting, "Hello");
    // No greeting any more: it is removed from the Page.
    let reply = put_flow(&edge, &cookie, &connection, json!({}));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let calls = fake.wait_for(&format!("/v21.0/{page}/messenger_profile"), 3);
    assert_eq!(calls[2]["method"], "DELETE");
    assert_eq!(calls[2]["body"], json!({ "fields": ["greeting"] }));
}

#[test]
fn a_page_routes_its_new_conversations_by_its_own_rule() {
    let edge = Edge::from_env();
    let cookie = edge.sign_in();
    let (ann, ann_cookie) = edge.new_member(&cookie, "agent");
    let _ann_present = edge.list_socket(&ann_cookie);
    let page = unique_id();
    let connection = connect(&edge, &cookie, "messenger", &page);
    let reply = put_flow(
        &edge,
        &cookie,
        &connection,
        json!({ "routing": { "rule": { "kind": "members", "agent_ids": ["a_nobody"] } } }),
    );
    reply.assert_error(400, ErrorCode::InvalidField);
    assert!(
        reply.body.contains("`routing.rule.agent_ids[0]`"),
        "{}",
        reply.body
    );
    let reply = put_flow(
        &edge,
        &cookie,
        &connection,
        json!({ "routing": { "rule": { "kind": "members", "agent_ids": [ann.id] } } }),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let marker = format!("route me {}", unique_id());
    deliver(
        &edge,
        "messenger",
        &messenger_text(
            &page,
            &unique_id(),
            &format!("m_{}", unique_id()),
            &marker,
            now(),
        ),
    );
    conversation_where(&edge, &cookie, |c| {
        c.last_message_preview == marker && c.assignee_id.as_deref() == Some(ann.id.as_str())
    });
}
