//! Erasing a contact against the running Worker: everything stored of the person goes — D1's
//! rows (contact, properties, visitors and tokens, conversations, search text, files' rows,
//! e-mails, merges), every conversation object's storage, the files in R2 — checked by reading
//! each store itself, not the API; the browser loses access at once; what stays names nobody.
//! Only admins erase.

use porchlight_tests::{
    local_query, local_sql, local_state_holding, new_client_id, Edge, SiteSettings,
};
use protocol::api::{
    ContactList, Erasure, ErasureList, ErasureRequest, ErasureRequestList, ErrorCode,
    HousekeepingDone,
};
use serde_json::json;

#[test]
fn an_erased_contact_leaves_no_trace_in_d1_r2_the_search_index_or_the_conversations() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (_, agent) = edge.new_member(&admin, "agent");
    // A word only this person's data holds, in every place data goes.
    let marker = format!("zq{}", new_client_id().replace('-', ""));
    let email = format!("{marker}@erase.example");
    let chat = edge.start_conversation(None, &format!("my secret is {marker}"));
    let (id, token) = (&chat.conversation_id, &chat.visitor_token);
    let reply = edge.as_agent(
        &admin,
        "PUT",
        &format!("/api/agent/conversations/{id}/visitor"),
        Some(&json!({ "name": format!("Erase {marker}"), "email": email })),
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
    let picture: Vec<u8> = [&b"\x89PNG\r\n\x1a\n"[..], marker.as_bytes()].concat();
    let file = edge.upload(token, &format!("{marker}.png"), &picture);
    let reply = edge.request(
        "POST",
        &format!("/api/widget/conversations/{id}/messages"),
        &[
            ("authorization", &format!("Bearer {token}")),
            ("content-type", "application/json"),
        ],
        Some(&json!({ "client_id": new_client_id(), "body": "", "attachment": file }).to_string()),
    );
    assert!(matches!(reply.status, 200 | 201), "{}", reply.body);
    let reply = edge.as_agent(
        &admin,
        "POST",
        &format!("/api/agent/conversations/{id}/notes"),
        Some(&json!({ "client_id": new_client_id(), "body": format!("note on {marker}") })),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let q = email.replace('@', "%40");
    let found: ContactList = edge
        .as_agent(&admin, "GET", &format!("/api/agent/contacts?q={q}"), None)
        .json();
    let contact = found.contacts[0].id.clone();
    // Stored everywhere before: the check below can fail.
    let before = local_state_holding(&[&marker]);
    assert!(before.iter().any(|h| h.starts_with("d1/")), "{before:?}");
    assert!(
        before
            .iter()
            .any(|h| h.starts_with("do/porchlight-Conversation/")),
        "{before:?}"
    );
    let file_key = format!("sites/{}/files/{file}", edge.site_id);
    let in_r2 = |key: &str| {
        !local_state_holding(&[key])
            .iter()
            .all(|h| !h.starts_with("r2/"))
    };
    assert!(in_r2(&file_key), "the file is in R2 before");

    let path = format!("/api/admin/contacts/{contact}/erase");
    edge.as_agent(&agent, "POST", &path, None)
        .assert_error(403, ErrorCode::Forbidden);
    let reply = edge.as_agent(&admin, "POST", &path, None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let erasure: Erasure = reply.json();
    assert!(erasure.completed_at.is_some());
    assert_eq!((erasure.conversations, erasure.files), (1, 1));

    // Nothing of them anywhere: D1, each conversation object, R2's records, the search index.
    let after = local_state_holding(&[&marker, &email, &file_key]);
    assert!(after.is_empty(), "still holding the person: {after:?}");
    let matches = local_query(&format!(
        "SELECT count(*) FROM message_search WHERE message_search MATCH '\"{marker}\"'"
    ));
    assert_eq!(matches[0][0], 0, "the search index forgot them");
    // The browser's token opens nothing any more; the API knows neither contact nor chat.
    let history = edge.request(
        "GET",
        &format!("/api/widget/conversations/{id}/messages?after=0"),
        &[("authorization", &format!("Bearer {token}"))],
        None,
    );
    assert!(matches!(history.status, 401 | 403), "{}", history.body);
    edge.as_agent(
        &admin,
        "GET",
        &format!("/api/agent/contacts/{contact}"),
        None,
    )
    .assert_error(404, ErrorCode::UnknownContact);
    edge.as_agent(
        &admin,
        "GET",
        &format!("/api/agent/conversations/{id}/notes"),
        None,
    );
    // What stays for the accounts: that it happened, when, by whom, how much; no one's data.
    let list: ErasureList = edge
        .as_agent(&admin, "GET", "/api/admin/erasures", None)
        .json();
    let kept = list
        .erasures
        .iter()
        .find(|e| e.id == erasure.id)
        .expect("the record");
    assert_eq!(kept.completed_at, erasure.completed_at);
    let rows = local_query(&format!(
        "SELECT plan FROM erasures WHERE id = '{}'",
        erasure.id
    ));
    assert_eq!(
        rows[0][0],
        serde_json::Value::Null,
        "the plan, which named them, is gone"
    );
    edge.as_agent(&agent, "GET", "/api/admin/erasures", None)
        .assert_error(403, ErrorCode::Forbidden);
}

#[test]
fn a_visitor_asks_to_be_erased_and_an_admin_declines_or_confirms() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (_, agent) = edge.new_member(&admin, "agent");
    let mine = edge.start_conversation(None, "please forget me");
    let other = edge.start_conversation(None, "someone else");
    let ask = |token: &str, conversation: &str| {
        edge.request(
            "POST",
            &format!("/api/widget/conversations/{conversation}/erasure"),
            &[
                ("authorization", &format!("Bearer {token}")),
                ("content-type", "application/json"),
            ],
            Some("{}"),
        )
    };
    // Only for one's own conversation.
    let refused = ask(&mine.visitor_token, &other.conversation_id);
    assert!(matches!(refused.status, 403 | 404), "{}", refused.body);
    for _ in 0..2 {
        let reply = ask(&mine.visitor_token, &mine.conversation_id);
        assert_eq!(reply.status, 202, "{}", reply.body);
    }
    let waiting = |cookie: &str| -> Vec<ErasureRequest> {
        let list: ErasureRequestList = edge
            .as_agent(cookie, "GET", "/api/admin/erasure-requests", None)
            .json();
        list.requests
            .into_iter()
            .filter(|r| r.conversation_id == mine.conversation_id)
            .collect()
    };
    let requests = waiting(&admin);
    assert_eq!(
        requests.len(),
        1,
        "asking twice is one request: {requests:?}"
    );
    edge.as_agent(&agent, "GET", "/api/admin/erasure-requests", None)
        .assert_error(403, ErrorCode::Forbidden);

    // Declined: the person stays; asked again, the admins see it again.
    let decline = format!("/api/admin/erasure-requests/{}/decline", requests[0].id);
    edge.as_agent(&agent, "POST", &decline, None)
        .assert_error(403, ErrorCode::Forbidden);
    assert_eq!(edge.as_agent(&admin, "POST", &decline, None).status, 204);
    assert!(waiting(&admin).is_empty());
    assert_eq!(
        edge.as_agent(
            &admin,
            "GET",
            &format!("/api/agent/contacts/{}", requests[0].contact_id),
            None
        )
        .status,
        200
    );
    assert_eq!(ask(&mine.visitor_token, &mine.conversation_id).status, 202);
    let again = waiting(&admin);
    assert_eq!(again.len(), 1);

    // Confirmed: erased, and the request goes with them.
    let reply = edge.as_agent(
        &admin,
        "POST",
        &format!("/api/admin/erasure-requests/{}/confirm", again[0].id),
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.json::<Erasure>().completed_at.is_some());
    assert!(waiting(&admin).is_empty());
    edge.as_agent(
        &admin,
        "GET",
        &format!("/api/agent/contacts/{}", again[0].contact_id),
        None,
    )
    .assert_error(404, ErrorCode::UnknownContact);
    assert!(local_state_holding(&["please forget me"]).is_empty());
}

#[test]
fn closed_conversations_past_the_sites_retention_are_erased_by_the_cron() {
    let s = SiteSettings::hold();
    let edge = &s.edge;
    let mut settings = s.original.clone();
    settings.retention.closed_days = Some(0);
    s.put(&settings).assert_error(400, ErrorCode::InvalidField);
    settings.retention.closed_days = Some(30);
    let reply = s.put(&settings);
    assert_eq!(reply.status, 200, "{}", reply.body);

    let marker = format!("zr{}", new_client_id().replace('-', ""));
    let old = edge.start_conversation(None, &format!("long ago {marker}"));
    let recent = edge.start_conversation(None, &format!("just now {marker}"));
    let open = edge.start_conversation(None, &format!("still open {marker}"));
    for chat in [&old, &recent] {
        let reply = edge.as_agent(
            &s.cookie,
            "POST",
            &format!("/api/agent/conversations/{}/close", chat.conversation_id),
            None,
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    // Closed 31 days ago; and the open one last wrote long ago too, which is no reason.
    let day = 86_400_000_i64;
    local_sql(&format!(
        "UPDATE conversations SET closed_at = closed_at - {} WHERE id = '{}'; \
         UPDATE conversations SET last_message_at = last_message_at - {} WHERE id = '{}';",
        31 * day,
        old.conversation_id,
        400 * day,
        open.conversation_id
    ));
    let reply = edge.request(
        "POST",
        "/api/admin/housekeeping",
        &[("cookie", &s.cookie), ("origin", &edge.url)],
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let done: HousekeepingDone = reply.json();
    assert!(done.conversations_erased >= 1, "{done:?}");

    let found = |id: &str| {
        edge.as_agent(
            &s.cookie,
            "GET",
            &format!("/api/agent/conversations/{id}/notes"),
            None,
        )
        .status
    };
    assert_eq!(found(&old.conversation_id), 404, "past retention: erased");
    assert_eq!(
        found(&recent.conversation_id),
        200,
        "closed a moment ago: kept"
    );
    assert_eq!(found(&open.conversation_id), 200, "open: kept");
    let left = local_state_holding(&[&format!("long ago {marker}")]);
    assert!(left.is_empty(), "{left:?}");
    assert!(!local_state_holding(&[&format!("just now {marker}")]).is_empty());
    // The report: a retention erasure, by nobody, counting what went.
    let list: ErasureList = edge
        .as_agent(&s.cookie, "GET", "/api/admin/erasures", None)
        .json();
    let run = list
        .erasures
        .iter()
        .find(|e| e.kind == "retention" && e.completed_at.is_some())
        .expect("the retention run is reported");
    assert_eq!(run.requested_by, None);
    assert!(run.conversations >= 1);
}
