//! Messenger and WhatsApp webhooks against the running Worker: the subscription handshake,
//! signatures checked on the raw bytes, events stored once each in the contact's conversation in
//! the same inbox as website chats, a batch never failed by an unknown event kind, and a contact
//! who writes after their thread was closed starting a new conversation.

use porchlight_tests::meta::{
    connect, conversation_where, messages, messenger_text, post, sign, unique_id,
};
use porchlight_tests::Edge;
use protocol::api::{ConversationList, ErrorCode};
use protocol::{Channel, ConversationStatus};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name}: run through `cargo xtask test`"))
}

#[test]
fn the_handshake_echoes_the_challenge_only_for_our_token() {
    let edge = Edge::from_env();
    let token = env("META_VERIFY_TOKEN");
    for channel in ["messenger", "whatsapp"] {
        let ok = edge.request(
            "GET",
            &format!("/webhooks/{channel}?hub.mode=subscribe&hub.verify_token={token}&hub.challenge=1158201444"),
            &[],
            None,
        );
        assert_eq!(ok.status, 200);
        assert_eq!(ok.body, "1158201444", "echoed verbatim");
        assert!(ok
            .header("content-type")
            .is_some_and(|c| c.starts_with("text/plain")));
        for query in [
            format!("hub.mode=subscribe&hub.verify_token={token}x&hub.challenge=1"),
            format!("hub.mode=unsubscribe&hub.verify_token={token}&hub.challenge=1"),
            "hub.mode=subscribe&hub.challenge=1".to_owned(),
            String::new(),
        ] {
            edge.request("GET", &format!("/webhooks/{channel}?{query}"), &[], None)
                .assert_error(403, ErrorCode::Forbidden);
        }
    }
}

#[test]
fn unsigned_or_missigned_bodies_are_refused_before_parsing() {
    let edge = Edge::from_env();
    let body = messenger_text("1", "2", "m_x", "hi", 1_700_000_000_000);
    post(&edge, "messenger", &body, None).assert_error(401, ErrorCode::Unauthenticated);
    post(&edge, "messenger", &body, Some("sha256=00")).assert_error(403, ErrorCode::Forbidden);
    // Equal JSON, different bytes: the signature of the original does not carry over.
    let reserialised =
        serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(&body).unwrap())
            .unwrap();
    post(&edge, "messenger", &reserialised, Some(&sign(&body)))
        .assert_error(403, ErrorCode::Forbidden);
    // Signed but not a webhook body.
    post(&edge, "messenger", "not json", Some(&sign("not json")))
        .assert_error(400, ErrorCode::MalformedBody);
    let wrong = r#"{"object":"instagram","entry":[]}"#;
    post(&edge, "messenger", wrong, Some(&sign(wrong))).assert_error(400, ErrorCode::MalformedBody);
}

#[test]
fn a_messenger_message_lands_once_in_the_inbox_despite_redelivery() {
    let edge = Edge::from_env();
    let cookie = edge.sign_in();
    let page = unique_id();
    connect(&edge, &cookie, "messenger", &page);
    let marker = format!("Do you bake gluten-free? {}", unique_id());
    let body = messenger_text(
        &page,
        "7001",
        &format!("m_{}", unique_id()),
        &marker,
        1_795_000_000_000,
    );
    for _ in 0..2 {
        let reply = post(&edge, "messenger", &body, Some(&sign(&body)));
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let row = conversation_where(&edge, &cookie, |c| c.last_message_preview == marker);
    assert_eq!(row.channel, Channel::Messenger);
    let stored = messages(&edge, &cookie, &row.id);
    assert_eq!(
        stored.iter().filter(|m| m.body == marker).count(),
        1,
        "{stored:?}"
    );

    // The same person writes again: the same conversation.
    let next = format!("And oat milk? {}", unique_id());
    let body = messenger_text(
        &page,
        "7001",
        &format!("m_{}", unique_id()),
        &next,
        1_795_000_060_000,
    );
    assert_eq!(
        post(&edge, "messenger", &body, Some(&sign(&body))).status,
        200
    );
    let again = conversation_where(&edge, &cookie, |c| c.last_message_preview == next);
    assert_eq!(again.id, row.id);
    assert_eq!(messages(&edge, &cookie, &row.id).len(), 2);
}

#[test]
fn a_whatsapp_message_carries_the_profile_name() {
    let edge = Edge::from_env();
    let cookie = edge.sign_in();
    let number = unique_id();
    connect(&edge, &cookie, "whatsapp", &number);
    let marker = format!("Does it come in another colour? {}", unique_id());
    let body = serde_json::json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": "102290129340398", "changes": [{ "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": { "display_phone_number": "15550783881", "phone_number_id": number },
            "contacts": [{ "profile": { "name": "Sheena Nelson" }, "wa_id": "16505551234" }],
            "messages": [{ "from": "16505551234", "id": format!("wamid.{}", unique_id()),
                "timestamp": "1795000000", "type": "text", "text": { "body": marker } }],
        }}]}],
    })
    .to_string();
    assert_eq!(
        post(&edge, "whatsapp", &body, Some(&sign(&body))).status,
        200
    );
    let row = conversation_where(&edge, &cookie, |c| c.last_message_preview == marker);
    assert_eq!(row.channel, Channel::WhatsApp);
    assert_eq!(row.contact_name.as_deref(), Some("Sheena Nelson"));
}

#[test]
fn an_unknown_event_kind_never_fails_its_batch() {
    let edge = Edge::from_env();
    let cookie = edge.sign_in();
    let page = unique_id();
    connect(&edge, &cookie, "messenger", &page);
    let marker = format!("still here {}", unique_id());
    let body = serde_json::json!({
        "object": "page",
        "entry": [
            { "id": page, "time": 1, "messaging": [{
                "sender": { "id": "7002" }, "recipient": { "id": page }, "timestamp": 1_795_000_000_000i64,
                "pass_thread_control": { "new_owner_app_id": "123", "metadata": "x" } }] },
            { "id": page, "time": 2, "messaging": [{
                "sender": { "id": "7002" }, "recipient": { "id": page }, "timestamp": 1_795_000_001_000i64,
                "message": { "mid": format!("m_{}", unique_id()), "text": marker } }] },
        ],
    })
    .to_string();
    let reply = post(&edge, "messenger", &body, Some(&sign(&body)));
    assert_eq!(reply.status, 200, "{}", reply.body);
    conversation_where(&edge, &cookie, |c| c.last_message_preview == marker);
}

#[test]
fn writing_after_a_close_starts_a_new_conversation() {
    let edge = Edge::from_env();
    let cookie = edge.sign_in();
    let page = unique_id();
    connect(&edge, &cookie, "messenger", &page);
    let first = format!("first {}", unique_id());
    let body = messenger_text(
        &page,
        "7003",
        &format!("m_{}", unique_id()),
        &first,
        1_795_000_000_000,
    );
    post(&edge, "messenger", &body, Some(&sign(&body)));
    let old = conversation_where(&edge, &cookie, |c| c.last_message_preview == first);
    let closed = edge.request(
        "POST",
        &format!("/api/agent/conversations/{}/close", old.id),
        &[("cookie", &cookie), ("origin", &edge.url)],
        None,
    );
    assert_eq!(closed.status, 200, "{}", closed.body);
    let later = format!("later {}", unique_id());
    let body = messenger_text(
        &page,
        "7003",
        &format!("m_{}", unique_id()),
        &later,
        1_795_000_100_000,
    );
    post(&edge, "messenger", &body, Some(&sign(&body)));
    let new = conversation_where(&edge, &cookie, |c| c.last_message_preview == later);
    assert_ne!(new.id, old.id);
    assert_eq!(new.status, ConversationStatus::Open);
    assert_eq!(
        messages(&edge, &cookie, &old.id).len(),
        1,
        "the closed one is unchanged"
    );
}

#[test]
fn events_for_an_unconnected_page_are_accepted_but_not_shown() {
    let edge = Edge::from_env();
    let cookie = edge.sign_in();
    let marker = format!("nobody connected me {}", unique_id());
    let body = messenger_text(
        &unique_id(),
        "7004",
        &format!("m_{}", unique_id()),
        &marker,
        1_795_000_000_000,
    );
    assert_eq!(
        post(&edge, "messenger", &body, Some(&sign(&body))).status,
        200
    );
    // A connected Page's event sent after it is stored; by then the first was consumed too.
    let page = unique_id();
    connect(&edge, &cookie, "messenger", &page);
    let probe = format!("probe {}", unique_id());
    let body = messenger_text(
        &page,
        "7005",
        &format!("m_{}", unique_id()),
        &probe,
        1_795_000_000_000,
    );
    post(&edge, "messenger", &body, Some(&sign(&body)));
    conversation_where(&edge, &cookie, |c| c.last_message_preview == probe);
    let list: ConversationList = edge
        .request(
            "GET",
            "/api/agent/conversations",
            &[("cookie", &cookie)],
            None,
        )
        .json();
    assert!(!list
        .conversations
        .iter()
        .any(|c| c.last_message_preview == marker));
}
