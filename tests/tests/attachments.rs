//! Files in conversations against the running Worker (R2 and D1 as `wrangler dev` gives them):
//! uploads judged by their bytes and the site's settings, a first message that is only a file,
//! claims that only the uploader's conversation can make, resends that store once, and files
//! served only to the conversation's participants, with headers under which nothing runs; and
//! uploads no message claimed deleted by the cron trigger after a day.
//!
//! The tests share the demo site and one of them changes its settings, so each holds it
//! ([`site_lock`], [`SiteSettings`]).

use porchlight_tests::{local_sql, new_client_id, site_lock, Edge, Reply, SiteSettings, PNG};
use protocol::api::{ConversationCreated, ErrorCode, HousekeepingDone, MessageAccepted};
use protocol::settings::{ChatSettings, FileKind};
use protocol::Attachment;

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

fn upload(edge: &Edge, token: Option<&str>, name: &str, bytes: &[u8]) -> Reply {
    let bearer = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("content-type", "application/octet-stream")];
    if let Some(b) = &bearer {
        headers.push(("authorization", b));
    }
    let path = format!(
        "/api/widget/uploads?site={}&name={}",
        edge.site_id,
        urlencode(name)
    );
    edge.request_bytes("POST", &path, &headers, Some(bytes))
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn uploaded(reply: &Reply) -> Attachment {
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()
}

/// Starts a conversation whose first message is only `file` (with `token`'s visitor, if any).
fn start_with_file(edge: &Edge, token: Option<&str>, file: &str) -> Reply {
    let body = serde_json::json!({
        "site_id": edge.site_id,
        "first_message": { "client_id": new_client_id(), "body": "", "attachment": file },
    })
    .to_string();
    let bearer = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("content-type", "application/json")];
    if let Some(b) = &bearer {
        headers.push(("authorization", b));
    }
    edge.request("POST", "/api/widget/conversations", &headers, Some(&body))
}

fn send_file(edge: &Edge, token: &str, conversation: &str, client_id: &str, file: &str) -> Reply {
    let body =
        serde_json::json!({ "client_id": client_id, "body": "see attached", "attachment": file })
            .to_string();
    edge.request(
        "POST",
        &format!("/api/widget/conversations/{conversation}/messages"),
        &[
            ("authorization", &format!("Bearer {token}")),
            ("content-type", "application/json"),
        ],
        Some(&body),
    )
}

fn fetch_as_visitor(edge: &Edge, token: &str, conversation: &str, file: &str) -> Reply {
    edge.request(
        "GET",
        &format!("/api/widget/conversations/{conversation}/attachments/{file}"),
        &[("authorization", &format!("Bearer {token}"))],
        None,
    )
}

#[test]
fn a_first_message_can_be_a_file_served_only_to_its_conversation() {
    let _site = site_lock();
    let edge = Edge::from_env();
    // Before the visitor has a token: an anonymous upload, claimed by the conversation it starts.
    let file = uploaded(&upload(&edge, None, "C:\\Users\\me\\cat.png", PNG));
    assert_eq!(file.name, "cat.png", "folders are dropped");
    assert_eq!(file.content_type, "image/png");
    assert_eq!(file.size, PNG.len() as u64);

    let reply = start_with_file(&edge, None, &file.id);
    assert_eq!(reply.status, 201, "{}", reply.body);
    let created: ConversationCreated = reply.json();
    assert_eq!(created.message.body, "");
    assert_eq!(created.message.attachment.as_ref(), Some(&file));
    let (token, conversation) = (&created.visitor_token, &created.conversation_id);

    let got = fetch_as_visitor(&edge, token, conversation, &file.id);
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.bytes, PNG);
    assert_eq!(got.header("content-type"), Some("image/png"));
    assert_eq!(got.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        got.header("content-security-policy"),
        Some("default-src 'none'; sandbox")
    );
    assert!(got
        .header("content-disposition")
        .is_some_and(|d| d.starts_with("inline;") && d.contains("cat.png")));

    // The history and the agent see the same file; the agent fetches it with their session.
    let history = edge.visitor_history(token, conversation, 0);
    assert_eq!(history[0].attachment.as_ref(), Some(&file));
    let cookie = edge.sign_in();
    let by_agent = edge.request(
        "GET",
        &format!(
            "/api/agent/conversations/{conversation}/attachments/{}",
            file.id
        ),
        &[("cookie", &cookie)],
        None,
    );
    assert_eq!(by_agent.status, 200);
    assert_eq!(by_agent.bytes, PNG);
    edge.request(
        "GET",
        &format!(
            "/api/agent/conversations/{conversation}/attachments/{}",
            file.id
        ),
        &[],
        None,
    )
    .assert_error(401, ErrorCode::Unauthenticated);

    // Another visitor, or this file asked for under another conversation: not found.
    let other = edge.start_conversation(None, "hello");
    fetch_as_visitor(&edge, &other.visitor_token, conversation, &file.id)
        .assert_error(404, ErrorCode::UnknownConversation);
    fetch_as_visitor(
        &edge,
        &other.visitor_token,
        &other.conversation_id,
        &file.id,
    )
    .assert_error(404, ErrorCode::NotFound);

    // A claimed file cannot be sent again into another conversation, even by its sender's site.
    send_file(
        &edge,
        &other.visitor_token,
        &other.conversation_id,
        &new_client_id(),
        &file.id,
    )
    .assert_error(400, ErrorCode::UnknownUpload);
    assert_eq!(
        edge.visitor_history(&other.visitor_token, &other.conversation_id, 0)
            .len(),
        1,
        "nothing was stored"
    );
}

#[test]
fn a_visitors_upload_is_theirs_to_send_once() {
    let _site = site_lock();
    let edge = Edge::from_env();
    let mine = edge.start_conversation(None, "I'll send the invoice");
    let theirs = edge.start_conversation(None, "hi");
    let token = &mine.visitor_token;

    // With a token, the upload is the visitor's: another visitor cannot claim it.
    let file = uploaded(&upload(&edge, Some(token), "Räkning maj.pdf", PDF));
    assert_eq!(file.content_type, "application/pdf");
    send_file(
        &edge,
        &theirs.visitor_token,
        &theirs.conversation_id,
        &new_client_id(),
        &file.id,
    )
    .assert_error(400, ErrorCode::UnknownUpload);

    // Sent, then resent with the same client id: stored once.
    let client_id = new_client_id();
    let first = send_file(&edge, token, &mine.conversation_id, &client_id, &file.id);
    assert_eq!(first.status, 201, "{}", first.body);
    let again = send_file(&edge, token, &mine.conversation_id, &client_id, &file.id);
    assert_eq!(again.status, 200, "{}", again.body);
    let first: MessageAccepted = first.json();
    let again: MessageAccepted = again.json();
    assert!(again.duplicate);
    assert_eq!(first.message, again.message);
    assert_eq!(first.message.body, "see attached");
    let history = edge.visitor_history(token, &mine.conversation_id, 0);
    assert_eq!(history.len(), 2);

    // Not a picture: a download, named in ASCII and in full.
    let got = fetch_as_visitor(&edge, token, &mine.conversation_id, &file.id);
    assert_eq!(got.bytes, PDF);
    assert_eq!(
        got.header("content-disposition"),
        Some("attachment; filename=\"R_kning maj.pdf\"; filename*=UTF-8''R%C3%A4kning%20maj.pdf")
    );

    // A token from another site's visitor is refused outright; a made-up id is unknown.
    upload(&edge, Some("not-a-token"), "a.png", PNG).assert_error(403, ErrorCode::Forbidden);
    send_file(
        &edge,
        token,
        &mine.conversation_id,
        &new_client_id(),
        "f_00000000000000000000000000000000",
    )
    .assert_error(400, ErrorCode::UnknownUpload);
}

#[test]
fn files_are_judged_by_their_bytes() {
    let _site = site_lock();
    let edge = Edge::from_env();
    let html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>";
    for name in ["photo.png", "notes.txt", "page.html"] {
        upload(&edge, None, name, html).assert_error(415, ErrorCode::UnsupportedFileType);
    }
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    upload(&edge, None, "logo.svg", svg).assert_error(415, ErrorCode::UnsupportedFileType);
    // A zip is not among the default kinds.
    upload(&edge, None, "a.zip", b"PK\x03\x04\x14\x00\x00\x00\x00\x00")
        .assert_error(415, ErrorCode::UnsupportedFileType);
    upload(&edge, None, "empty.txt", b"").assert_error(400, ErrorCode::InvalidField);

    let csv = uploaded(&upload(
        &edge,
        None,
        "orders.csv",
        "id,name\n1,Åsa\n".as_bytes(),
    ));
    assert_eq!(csv.content_type, "text/csv; charset=utf-8");

    edge.request_bytes(
        "POST",
        "/api/widget/uploads?site=s_nope&name=a.png",
        &[],
        Some(PNG),
    )
    .assert_error(404, ErrorCode::UnknownSite);
}

#[test]
fn the_site_sets_size_kinds_and_whether_visitors_may_attach() {
    let site = SiteSettings::hold();
    let (edge, original) = (&site.edge, &site.original);
    let put = |settings: &ChatSettings| site.put(settings);
    let config = || site.config();
    let public = config().attachments.expect("attachments are on by default");
    assert_eq!(public.max_bytes, original.attachments.max_bytes);
    assert!(public.accept.contains("image/png") && public.accept.contains(".pdf"));

    let mut next = original.clone();
    next.attachments.max_bytes = 100;
    next.attachments.kinds = [FileKind::Pdf].into();
    assert_eq!(put(&next).status, 200);
    let big = upload(edge, None, "big.pdf", &[PDF, &[b' '; 64]].concat());
    big.assert_error(413, ErrorCode::FileTooLarge);
    assert!(big.body.contains("at most 100 bytes"), "{}", big.body);
    upload(edge, None, "cat.png", PNG).assert_error(415, ErrorCode::UnsupportedFileType);
    assert_eq!(
        config().attachments.map(|a| a.accept).as_deref(),
        Some("application/pdf,.pdf")
    );

    next.attachments.enabled = false;
    assert_eq!(put(&next).status, 200);
    assert_eq!(config().attachments, None);
    upload(edge, None, "a.pdf", PDF).assert_error(403, ErrorCode::AttachmentsDisabled);

    // Bad settings are refused by name and change nothing.
    let mut bad = original.clone();
    bad.attachments.max_bytes = protocol::limits::ATTACHMENT_MAX_BYTES + 1;
    let refused = put(&bad);
    refused.assert_error(400, ErrorCode::InvalidField);
    assert!(
        refused.body.contains("attachments.max_bytes"),
        "{}",
        refused.body
    );
    assert_eq!(config().attachments, None, "nothing changed");

    assert_eq!(put(original).status, 200);
    assert!(config().attachments.is_some());
}

/// Runs the cron trigger's work now, as an admin.
fn run_housekeeping(edge: &Edge) -> HousekeepingDone {
    let cookie = edge.sign_in();
    let reply = edge.request(
        "POST",
        "/api/admin/housekeeping",
        &[("cookie", &cookie), ("origin", &edge.url)],
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

/// Makes an upload look as if it were made `hours` ago.
fn age_upload(file: &Attachment, hours: i64) {
    local_sql(&format!(
        "UPDATE attachments SET created_at = created_at - {} WHERE id = '{}'",
        hours * 3_600_000,
        file.id
    ));
}

#[test]
fn uploads_never_sent_are_deleted_after_a_day_and_sent_ones_kept() {
    let _site = site_lock();
    let edge = Edge::from_env();
    let first = uploaded(&upload(&edge, None, "kept.png", PNG));
    let created: ConversationCreated = start_with_file(&edge, None, &first.id).json();
    let (token, conversation) = (&created.visitor_token, &created.conversation_id);
    let recent = uploaded(&upload(&edge, Some(token), "recent.pdf", PDF));
    let stale = uploaded(&upload(&edge, Some(token), "stale.pdf", PDF));
    // Every file here, sent or not, is older than a day by the clock of the run.
    for file in [&first, &recent, &stale] {
        age_upload(file, if file.id == recent.id { 23 } else { 25 });
    }

    let done = run_housekeeping(&edge);
    assert!(done.uploads_deleted >= 1, "{done:?}");
    assert_eq!(run_housekeeping(&edge).uploads_deleted, 0, "nothing left");
    // A day-old upload is gone: no message can carry it any more.
    send_file(&edge, token, conversation, &new_client_id(), &stale.id)
        .assert_error(400, ErrorCode::UnknownUpload);
    // One made 23 hours ago still goes.
    let reply = send_file(&edge, token, conversation, &new_client_id(), &recent.id);
    assert_eq!(reply.status, 201, "{}", reply.body);
    for (file, bytes) in [(&first, PNG), (&recent, PDF)] {
        let got = fetch_as_visitor(&edge, token, conversation, &file.id);
        assert_eq!(got.status, 200, "files in messages stay: {}", got.body);
        assert_eq!(got.bytes, bytes);
    }
}
