//! The contact directory's common steps, as the inbox takes them: listing and searching,
//! a contact's page, editing one, and a website visitor made a contact.

use protocol::api::ContactList;
use serde_json::{json, Value};

use crate::{new_client_id, Edge, Reply};

pub fn directory(edge: &Edge, cookie: &str, query: &str) -> ContactList {
    let reply = edge.as_agent(cookie, "GET", &format!("/api/agent/contacts?{query}"), None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

pub fn ids(list: &ContactList) -> Vec<&str> {
    list.contacts.iter().map(|c| c.id.as_str()).collect()
}

pub fn page(edge: &Edge, cookie: &str, id: &str) -> Reply {
    edge.as_agent(cookie, "GET", &format!("/api/agent/contacts/{id}"), None)
}

pub fn edit(edge: &Edge, cookie: &str, id: &str, body: Value) -> Reply {
    edge.as_agent(
        cookie,
        "PUT",
        &format!("/api/agent/contacts/{id}"),
        Some(&body),
    )
}

/// A website visitor made a contact with this name and e-mail; their contact's id and their
/// conversation's.
pub fn website_contact(edge: &Edge, admin: &str, name: &str, email: &str) -> (String, String) {
    let (contact, chat) = website_visitor(edge, admin, name, email);
    (contact, chat.conversation_id)
}

/// As [`website_contact`], with the visitor's token.
pub fn website_visitor(
    edge: &Edge,
    admin: &str,
    name: &str,
    email: &str,
) -> (String, protocol::api::ConversationCreated) {
    let chat = edge.start_conversation(None, &format!("hello from {name}"));
    let id = &chat.conversation_id;
    let reply = edge.as_agent(
        admin,
        "PUT",
        &format!("/api/agent/conversations/{id}/visitor"),
        Some(&json!({ "name": name, "email": email })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = edge.as_agent(
        admin,
        "POST",
        &format!("/api/agent/conversations/{id}/contact"),
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let found = directory(edge, admin, &format!("q={}", urlencoding(email)));
    assert_eq!(found.contacts.len(), 1, "{found:?}");
    (found.contacts[0].id.clone(), chat)
}

pub fn urlencoding(s: &str) -> String {
    s.replace('+', "%2B")
        .replace('@', "%40")
        .replace(' ', "%20")
}

/// A suffix no other test's property key has (keys take lower-case letters, digits and `_`).
pub fn unique_key() -> String {
    new_client_id().replace('-', "_").to_lowercase()
}

pub fn property_path(edge: &Edge) -> String {
    format!("/api/admin/sites/{}/contact-properties", edge.site_id)
}
