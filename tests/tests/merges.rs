//! Merging contacts against the running Worker: two contacts merged by hand are one (their
//! conversations, ways in and values follow) and the merge can be undone, both ways; a WhatsApp
//! number the team had typed in joins that contact when its sender first writes.

use porchlight_tests::contacts::{
    directory, edit, ids, page, property_path, unique_key, urlencoding, website_contact,
    website_visitor,
};
use porchlight_tests::meta::{connect, conversation_where, deliver, unique_id, whatsapp_text};
use porchlight_tests::{new_client_id, now_ms, unique_email, Edge};
use protocol::api::{ContactPage, ErrorCode};
use protocol::Channel;
use serde_json::{json, Value};

#[test]
fn two_contacts_merged_by_hand_are_one_and_the_merge_can_be_undone() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (_, agent) = edge.new_member(&admin, "agent");
    let note = format!("note_{}", unique_key());
    let reply = edge.as_agent(
        &admin,
        "POST",
        &property_path(&edge),
        Some(&json!({ "key": note, "label": "Note", "kind": "text" })),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let (ada_email, other_email) = (unique_email(), unique_email());
    let (ada, ada_visitor) = website_visitor(&edge, &admin, "Ada", &ada_email);
    let (other, other_chat) = website_contact(&edge, &admin, "A. Lovelace", &other_email);
    let ada_chat = ada_visitor.conversation_id.clone();
    let reply = edit(
        &edge,
        &agent,
        &other,
        json!({ "properties": { (&note): "from the shop" } }),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let merge_path = format!("/api/agent/contacts/{ada}/merge");
    let merge = |body: Value| edge.as_agent(&agent, "POST", &merge_path, Some(&body));

    // Refused: itself, a stranger, a field that does not exist. Nothing changes.
    merge(json!({ "from": ada })).assert_error(400, ErrorCode::InvalidField);
    merge(json!({ "from": "ct_nobody" })).assert_error(400, ErrorCode::InvalidField);
    merge(json!({ "from": other, "take": ["shoe_size"] }))
        .assert_error(400, ErrorCode::InvalidField);
    assert_eq!(page(&edge, &agent, &other).status, 200);

    let reply = merge(json!({ "from": other, "take": ["email"] }));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let one: ContactPage = reply.json();
    assert_eq!(
        one.contact.name.as_deref(),
        Some("Ada"),
        "the kept contact's name stays"
    );
    assert_eq!(
        one.contact.email.as_deref(),
        Some(other_email.as_str()),
        "taken, as asked"
    );
    let note_value = |p: &ContactPage| {
        p.properties
            .iter()
            .find(|v| v.property.key == note)
            .and_then(|v| v.value.clone())
    };
    assert_eq!(
        note_value(&one),
        Some(json!("from the shop")),
        "filled from the other"
    );
    let mut chats: Vec<&str> = one.conversations.iter().map(|c| c.id.as_str()).collect();
    chats.sort_unstable();
    let mut both = [ada_chat.as_str(), other_chat.as_str()];
    both.sort_unstable();
    assert_eq!(chats, both);
    page(&edge, &agent, &other).assert_error(404, ErrorCode::UnknownContact);
    assert_eq!(one.merges.len(), 1);
    assert!(one.merges[0].undo_until > now_ms() + 29 * 24 * 3_600_000);
    // One person in the directory, found by the address they now have.
    let by_email = |email: &str| directory(&edge, &agent, &format!("q={}", urlencoding(email)));
    assert_eq!(ids(&by_email(&other_email)), [ada.as_str()]);
    assert!(by_email(&ada_email).contacts.is_empty());

    // A member's merge never opens one browser's chats to another: that takes the site's
    // verified identity.
    let history = edge.request(
        "GET",
        &format!("/api/widget/conversations/{other_chat}/messages?after=0"),
        &[(
            "authorization",
            &format!("Bearer {}", ada_visitor.visitor_token),
        )],
        None,
    );
    assert!(matches!(history.status, 403 | 404), "{}", history.body);

    // Undo: the other contact is back under its id, with its conversation and values; the
    // kept contact's e-mail, which the merge had changed, goes back too.
    let merge_id = one.merges[0].id.clone();
    let undo = format!("/api/agent/contact-merges/{merge_id}/undo");
    let reply = edge.as_agent(&agent, "POST", &undo, None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let kept: ContactPage = reply.json();
    assert_eq!(kept.contact.email.as_deref(), Some(ada_email.as_str()));
    assert_eq!(kept.conversations.len(), 1);
    assert_eq!(note_value(&kept), None);
    let back: ContactPage = page(&edge, &agent, &other).json();
    assert_eq!(back.contact.email.as_deref(), Some(other_email.as_str()));
    assert_eq!(back.conversations[0].id, other_chat);
    assert_eq!(note_value(&back), Some(json!("from the shop")));
    edge.as_agent(&agent, "POST", &undo, None)
        .assert_error(404, ErrorCode::UnknownMerge);
}

#[test]
fn a_whatsapp_number_the_team_had_typed_in_joins_that_contact() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let number = unique_id();
    connect(&edge, &admin, "whatsapp", &number);
    let wa_id = format!("4673{}", &unique_id()[..7]);
    // The team knew this person from the website, with their number typed in.
    let (known, chat) = website_contact(&edge, &admin, "Known by phone", &unique_email());
    let reply = edit(
        &edge,
        &admin,
        &known,
        json!({ "phone": format!("+{wa_id}") }),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    // Then they write on WhatsApp, from that number (which WhatsApp verified).
    let marker = format!("from whatsapp {}", new_client_id());
    deliver(
        &edge,
        "whatsapp",
        &whatsapp_text(&number, &wa_id, &marker, now_ms() - 1_000),
    );
    let conversation = conversation_where(&edge, &admin, |c| c.last_message_preview == marker);

    let found = directory(&edge, &admin, &format!("q={wa_id}"));
    assert_eq!(
        ids(&found),
        [known.as_str()],
        "one person, under the id the team knew"
    );
    assert_eq!(
        found.contacts[0].channels,
        [Channel::Chat, Channel::WhatsApp]
    );
    let merged: ContactPage = page(&edge, &admin, &known).json();
    let mut chats: Vec<&str> = merged.conversations.iter().map(|c| c.id.as_str()).collect();
    chats.sort_unstable();
    let mut expected = [chat.as_str(), conversation.id.as_str()];
    expected.sort_unstable();
    assert_eq!(chats, expected);
    assert_eq!(
        merged.contact.name.as_deref(),
        Some("Known by phone"),
        "the team's name stays"
    );
    assert_eq!(merged.merges.len(), 1, "recorded, undoable");
    assert_eq!(merged.merges[0].merged_by, None);
}
