//! Exports against the running Worker: an admin's zip of a contact holds what was stored of them
//! (details, properties, every conversation's messages, notes and consent, their files' bytes),
//! read back with another zip implementation than the Worker's; agents may not export; a
//! visitor downloads their own conversation and nobody else's.

use std::io::Read;

use porchlight_tests::{new_client_id, unique_email, Edge};
use protocol::api::{ContactList, ContactPage, ConversationExport, ErrorCode, ExportManifest};
use serde_json::json;

/// The zip's entries by name.
fn entries(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut all = std::collections::BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).expect("an entry");
        let mut content = Vec::new();
        file.read_to_end(&mut content)
            .expect("its bytes (CRC checked)");
        all.insert(file.name().to_owned(), content);
    }
    all
}

#[test]
fn an_admins_export_holds_everything_stored_of_the_contact() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (_, agent) = edge.new_member(&admin, "agent");
    let email = unique_email();
    let chat = edge.start_conversation(None, "first words");
    let id = &chat.conversation_id;
    let token = &chat.visitor_token;
    let reply = edge.as_agent(
        &admin,
        "PUT",
        &format!("/api/agent/conversations/{id}/visitor"),
        Some(&json!({ "name": "Exported Person", "email": email })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        edge.as_agent(
            &admin,
            "POST",
            &format!("/api/agent/conversations/{id}/contact"),
            None
        )
        .status,
        200
    );
    let picture: Vec<u8> = [&b"\x89PNG\r\n\x1a\n"[..], &[0u8; 64]].concat();
    let file = edge.upload(token, "holiday.png", &picture);
    let reply = edge.request(
        "POST",
        &format!("/api/widget/conversations/{id}/messages"),
        &[
            ("authorization", &format!("Bearer {token}")),
            ("content-type", "application/json"),
        ],
        Some(
            &json!({ "client_id": new_client_id(), "body": "here it is", "attachment": file })
                .to_string(),
        ),
    );
    assert!(matches!(reply.status, 200 | 201), "{}", reply.body);
    let reply = edge.as_agent(
        &admin,
        "POST",
        &format!("/api/agent/conversations/{id}/notes"),
        Some(&json!({ "client_id": new_client_id(), "body": "a note about them" })),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let q = email.replace('@', "%40");
    let contact: ContactList = edge
        .as_agent(&admin, "GET", &format!("/api/agent/contacts?q={q}"), None)
        .json();
    let contact_id = &contact.contacts[0].id;
    let path = format!("/api/admin/contacts/{contact_id}/export");

    edge.as_agent(&agent, "GET", &path, None)
        .assert_error(403, ErrorCode::Forbidden);
    let reply = edge.as_agent(&admin, "GET", &path, None);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/zip"));
    assert!(reply
        .header("content-disposition")
        .is_some_and(|d| d.starts_with("attachment")));
    let zip = entries(&reply.bytes);

    let stored: ContactPage = serde_json::from_slice(&zip["contact.json"]).expect("contact.json");
    assert_eq!(stored.contact.name.as_deref(), Some("Exported Person"));
    assert_eq!(stored.contact.email.as_deref(), Some(email.as_str()));
    let conversation: ConversationExport =
        serde_json::from_slice(&zip[&format!("conversations/{id}.json")])
            .expect("the conversation");
    let bodies: Vec<&str> = conversation
        .messages
        .iter()
        .map(|m| m.body.as_str())
        .collect();
    assert_eq!(bodies, ["first words", "here it is"]);
    assert_eq!(conversation.notes.len(), 1, "the team's notes, for admins");
    assert_eq!(conversation.notes[0].body, "a note about them");
    let manifest: ExportManifest =
        serde_json::from_slice(&zip["export.json"]).expect("export.json");
    assert_eq!(manifest.kind, "contact");
    assert!(manifest.files_left_out.is_empty());
    assert_eq!(
        zip[&format!("files/{id}/{file}/holiday.png")],
        picture,
        "the file's bytes"
    );
}

#[test]
fn a_visitor_downloads_their_own_conversation_only() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let mine = edge.start_conversation(None, "my question");
    let theirs = edge.start_conversation(None, "someone else's");
    let reply = edge.as_agent(
        &admin,
        "POST",
        &format!("/api/agent/conversations/{}/notes", mine.conversation_id),
        Some(&json!({ "client_id": new_client_id(), "body": "internal only" })),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let path = |id: &str| format!("/api/widget/conversations/{id}/export");
    let bearer = format!("Bearer {}", mine.visitor_token);

    let refused = edge.request(
        "GET",
        &path(&theirs.conversation_id),
        &[("authorization", &bearer)],
        None,
    );
    assert!(matches!(refused.status, 403 | 404), "{}", refused.body);
    let reply = edge.request(
        "GET",
        &path(&mine.conversation_id),
        &[("authorization", &bearer)],
        None,
    );
    assert_eq!(reply.status, 200);
    let zip = entries(&reply.bytes);
    let conversation: ConversationExport =
        serde_json::from_slice(&zip["conversation.json"]).expect("conversation.json");
    assert_eq!(conversation.messages[0].body, "my question");
    assert!(
        conversation.notes.is_empty(),
        "the team's notes are not the visitor's"
    );
    assert!(!String::from_utf8_lossy(&zip["conversation.json"]).contains("internal only"));
}
