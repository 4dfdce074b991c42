//! The contact directory against the running Worker: who is listed (contacts, not anonymous
//! visitors; Messenger and WhatsApp senders from their first message), searching and filtering,
//! one contact's page with their conversations on every channel, editing a contact with the
//! site's own properties, and who sees what. Bad input changes nothing.

use porchlight_tests::contacts::{
    directory, edit, ids, page, property_path, unique_key, urlencoding, website_contact,
};
use porchlight_tests::meta::{connect, conversation_where, deliver, unique_id, whatsapp_text};
use porchlight_tests::{new_client_id, now_ms, unique_email, Edge};
use protocol::api::{ContactPage, ErrorCode, Inbox, Property, PropertyList};
use protocol::Channel;
use serde_json::{json, Value};

#[test]
fn the_directory_lists_contacts_and_finds_them_by_what_is_known() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (owner, _) = edge.new_member(&admin, "agent");
    let tag = new_client_id();
    let ada_email = unique_email();
    let (ada, ada_chat) = website_contact(&edge, &admin, &format!("Ada {tag}"), &ada_email);
    let (sam, _) = website_contact(&edge, &admin, &format!("Sam {tag}"), &unique_email());
    // An anonymous visitor is not a contact of the directory.
    edge.start_conversation(None, &format!("anonymous {tag}"));

    let both = directory(&edge, &admin, &format!("q={tag}"));
    assert_eq!(both.contacts.len(), 2, "{both:?}");
    assert!(ids(&both).contains(&ada.as_str()) && ids(&both).contains(&sam.as_str()));
    let row = both.contacts.iter().find(|c| c.id == ada).expect("Ada");
    assert_eq!(row.channels, [Channel::Chat]);
    assert!(row.open && row.last_seen_at.is_some(), "{row:?}");

    // Phone numbers are stored as E.164 and found however they are typed.
    let reply = edit(
        &edge,
        &admin,
        &sam,
        json!({ "name": format!("Sam {tag}"),
        "phone": "+46 70-555 01 23", "owner_id": owner.id }),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.json::<ContactPage>().contact.phone.as_deref(),
        Some("+46705550123")
    );
    assert_eq!(
        ids(&directory(
            &edge,
            &admin,
            &format!("q=555%2001%2023&site={}", edge.site_id)
        )),
        [sam.as_str()]
    );

    // Filters: owner, no owner, open conversation, channel, last seen.
    let scoped = |extra: &str| directory(&edge, &admin, &format!("q={tag}&{extra}"));
    assert_eq!(ids(&scoped(&format!("owner={}", owner.id))), [sam.as_str()]);
    assert_eq!(ids(&scoped("owner=none")), [ada.as_str()]);
    let reply = edge.as_agent(
        &admin,
        "POST",
        &format!("/api/agent/conversations/{ada_chat}/close"),
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(ids(&scoped("open=false")), [ada.as_str()]);
    assert_eq!(ids(&scoped("open=true")), [sam.as_str()]);
    assert_eq!(scoped("channel=chat").contacts.len(), 2);
    assert!(scoped("channel=whatsapp").contacts.is_empty());
    assert!(scoped(&format!("seen_since={}", now_ms() + 60_000))
        .contacts
        .is_empty());
    assert_eq!(
        scoped(&format!("seen_since={}", now_ms() - 600_000))
            .contacts
            .len(),
        2
    );

    // Bad filters are refused, not ignored.
    for bad in [
        "channel=fax",
        "open=maybe",
        "seen_since=yesterday",
        "after=nonsense",
    ] {
        edge.as_agent(&admin, "GET", &format!("/api/agent/contacts?{bad}"), None)
            .assert_error(400, ErrorCode::InvalidField);
    }

    // The page: every conversation, the details as stored.
    let reply = page(&edge, &admin, &ada);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let ada_page: ContactPage = reply.json();
    assert_eq!(ada_page.contact.email.as_deref(), Some(ada_email.as_str()));
    assert_eq!(ada_page.conversations.len(), 1);
    assert_eq!(ada_page.conversations[0].id, ada_chat);
    page(&edge, &admin, "ct_nobody").assert_error(404, ErrorCode::UnknownContact);
}

#[test]
fn a_whatsapp_sender_is_a_contact_with_their_number() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let number = unique_id();
    connect(&edge, &admin, "whatsapp", &number);
    let wa_id = format!("4670{}", &unique_id()[..7]);
    let marker = format!("hej {}", new_client_id());
    deliver(
        &edge,
        "whatsapp",
        &whatsapp_text(&number, &wa_id, &marker, now_ms() - 1_000),
    );
    let conversation = conversation_where(&edge, &admin, |c| c.last_message_preview == marker);

    let found = directory(&edge, &admin, &format!("q={wa_id}"));
    assert_eq!(found.contacts.len(), 1, "{found:?}");
    let contact = &found.contacts[0];
    assert_eq!(contact.phone.as_deref(), Some(format!("+{wa_id}").as_str()));
    assert_eq!(contact.name.as_deref(), Some("Sheena Nelson"));
    assert_eq!(contact.channels, [Channel::WhatsApp]);
    let first: ContactPage = page(&edge, &admin, &contact.id).json();
    assert_eq!(first.conversations[0].id, conversation.id);

    // Their next conversation, after this one closed, is the same contact's.
    let reply = edge.as_agent(
        &admin,
        "POST",
        &format!("/api/agent/conversations/{}/close", conversation.id),
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let again = format!("again {}", new_client_id());
    deliver(
        &edge,
        "whatsapp",
        &whatsapp_text(&number, &wa_id, &again, now_ms()),
    );
    conversation_where(&edge, &admin, |c| c.last_message_preview == again);
    let both: ContactPage = page(&edge, &admin, &contact.id).json();
    assert_eq!(both.conversations.len(), 2, "{:?}", both.conversations);
    assert_eq!(
        directory(&edge, &admin, &format!("q={wa_id}"))
            .contacts
            .len(),
        1
    );
}

#[test]
fn admins_define_properties_and_every_value_is_checked() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (_, agent) = edge.new_member(&admin, "agent");
    let suffix = unique_key();
    let (plan, seats, renewal, note) = (
        format!("plan_{suffix}"),
        format!("seats_{suffix}"),
        format!("renewal_{suffix}"),
        format!("note_{suffix}"),
    );
    let path = property_path(&edge);
    let create = |cookie: &str, body: Value| edge.as_agent(cookie, "POST", &path, Some(&body));
    create(
        &agent,
        json!({ "key": plan, "label": "Plan", "kind": "choice", "options": ["Free", "Pro"] }),
    )
    .assert_error(403, ErrorCode::Forbidden);
    for (key, kind, options) in [
        (&plan, "choice", json!(["Free", "Pro"])),
        (&seats, "number", json!([])),
        (&renewal, "date", json!([])),
        (&note, "text", json!([])),
    ] {
        let reply = create(
            &admin,
            json!({ "key": key, "label": key, "kind": kind, "options": options }),
        );
        assert_eq!(reply.status, 201, "{}", reply.body);
    }
    create(
        &admin,
        json!({ "key": plan, "label": "Again", "kind": "text" }),
    )
    .assert_error(409, ErrorCode::PropertyExists);
    create(
        &admin,
        json!({ "key": "Bad Key", "label": "x", "kind": "text" }),
    )
    .assert_error(400, ErrorCode::InvalidField);
    let listed: PropertyList = edge.as_agent(&admin, "GET", &path, None).json();
    assert!(listed
        .properties
        .iter()
        .any(|p| p.key == plan && p.options == ["Free", "Pro"]));

    let (contact, _) = website_contact(&edge, &admin, "Grace", &unique_email());
    // One bad value refuses the whole edit: nothing changes, not even the name.
    let reply = edit(
        &edge,
        &agent,
        &contact,
        json!({ "name": "Grace Hopper",
        "properties": { (&plan): "Pro", (&seats): "many" } }),
    );
    reply.assert_error(400, ErrorCode::InvalidField);
    assert!(
        reply.body.contains(&format!("`properties.{seats}`")),
        "{}",
        reply.body
    );
    let unchanged: ContactPage = page(&edge, &agent, &contact).json();
    assert_eq!(unchanged.contact.name.as_deref(), Some("Grace"));
    assert!(unchanged.properties.iter().all(|p| p.value.is_none()));
    edit(
        &edge,
        &agent,
        &contact,
        json!({ "properties": { "nope": "x" } }),
    )
    .assert_error(400, ErrorCode::InvalidField);
    edit(
        &edge,
        &agent,
        &contact,
        json!({ "email": "<script>@x.example" }),
    )
    .assert_error(400, ErrorCode::InvalidField);

    let reply = edit(
        &edge,
        &agent,
        &contact,
        json!({ "name": "Grace Hopper",
        "properties": { (&plan): "Pro", (&seats): 12, (&renewal): "2027-03-01", (&note): format!("likes {suffix}") } }),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let saved: ContactPage = reply.json();
    let value = |page: &ContactPage, key: &str| {
        page.properties
            .iter()
            .find(|p| p.property.key == key)
            .and_then(|p| p.value.clone())
    };
    assert_eq!(value(&saved, &plan), Some(json!("Pro")));
    assert_eq!(value(&saved, &seats), Some(json!(12)));
    assert_eq!(value(&saved, &renewal), Some(json!("2027-03-01")));
    // Found by a property's value.
    assert_eq!(
        ids(&directory(&edge, &agent, &format!("q=likes%20{suffix}"))),
        [contact.as_str()]
    );

    // A choice that loses an option loses the values of it; a property's kind stays.
    let one = format!("{path}/{plan}");
    let reply = edge.as_agent(
        &admin,
        "PUT",
        &one,
        Some(&json!({ "label": "Plan", "options": ["Free", "Team"] })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json::<Property>().options, ["Free", "Team"]);
    edge.as_agent(
        &admin,
        "PUT",
        &one,
        Some(&json!({ "label": "Plan", "kind": "text" })),
    )
    .assert_error(400, ErrorCode::InvalidField);
    assert_eq!(value(&page(&edge, &agent, &contact).json(), &plan), None);
    // Clearing one value leaves the others; deleting a property takes its values.
    let reply = edit(
        &edge,
        &agent,
        &contact,
        json!({ "name": "Grace Hopper", "properties": { (&note): null } }),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let cleared: ContactPage = reply.json();
    assert_eq!(value(&cleared, &note), None);
    assert_eq!(value(&cleared, &seats), Some(json!(12)));
    let reply = edge.as_agent(&admin, "DELETE", &format!("{path}/{seats}"), None);
    assert_eq!(reply.status, 204, "{}", reply.body);
    let after: ContactPage = page(&edge, &agent, &contact).json();
    assert!(after.properties.iter().all(|p| p.property.key != seats));
    edge.as_agent(&admin, "DELETE", &format!("{path}/{seats}"), None)
        .assert_error(404, ErrorCode::UnknownProperty);
}

#[test]
fn agents_see_only_contacts_of_the_inboxes_they_see() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (_, outsider) = edge.new_member(&admin, "agent");
    let email = unique_email();
    let (contact, chat) = website_contact(&edge, &admin, "Private person", &email);
    let q = format!("q={}", urlencoding(&email));
    assert_eq!(
        directory(&edge, &outsider, &q).contacts.len(),
        1,
        "the default inbox: seen"
    );

    let private: Inbox = edge
        .as_agent(
            &admin,
            "POST",
            "/api/admin/inboxes",
            Some(&json!({ "name": format!("Private {}", new_client_id()) })),
        )
        .json();
    let reply = edge.as_agent(
        &admin,
        "PUT",
        &format!("/api/agent/conversations/{chat}/inbox"),
        Some(&json!({ "inbox_id": private.id })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(directory(&edge, &outsider, &q).contacts.is_empty());
    page(&edge, &outsider, &contact).assert_error(404, ErrorCode::UnknownContact);
    edit(&edge, &outsider, &contact, json!({ "name": "Renamed" }))
        .assert_error(404, ErrorCode::UnknownContact);
    assert_eq!(
        directory(&edge, &admin, &q).contacts.len(),
        1,
        "admins see every contact"
    );
    let kept: ContactPage = page(&edge, &admin, &contact).json();
    assert_eq!(kept.contact.name.as_deref(), Some("Private person"));
}
