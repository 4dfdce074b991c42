//! Asking for the visitor's e-mail against the running Worker: the visitor's conversation reads
//! whether the team has an address and leaves one; a refused address changes nothing; the
//! agents with the conversation open are told at once and the address is the contact's, listed
//! in the directory; nobody but the conversation's visitor may read or write it. The site's
//! setting reaches the public config as the wait for this moment.

use porchlight_tests::{unique_email, Edge, Reply, SiteSettings};
use protocol::api::{ContactList, ErrorCode, VisitorDetails, VisitorEmail};
use protocol::settings::{AvailabilityMode, BusinessHours, ASK_EMAIL_MAX_MINUTES};
use serde_json::{json, Value};

fn email_path(id: &str) -> String {
    protocol::routes::WidgetEmail::new(id).path()
}

fn read(edge: &Edge, token: &str, id: &str) -> Reply {
    edge.request(
        "GET",
        &email_path(id),
        &[("authorization", &format!("Bearer {token}"))],
        None,
    )
}

fn leave(edge: &Edge, token: Option<&str>, id: &str, body: &Value) -> Reply {
    let bearer = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("content-type", "application/json")];
    if let Some(bearer) = &bearer {
        headers.push(("authorization", bearer));
    }
    edge.request("PUT", &email_path(id), &headers, Some(&body.to_string()))
}

fn known(edge: &Edge, token: &str, id: &str) -> Option<String> {
    let reply = read(edge, token, id);
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json::<VisitorEmail>().email
}

#[test]
fn a_visitor_leaves_their_email_and_the_team_sees_it_at_once() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let chat = edge.start_conversation(None, "is anyone there?");
    let (id, token) = (&chat.conversation_id, &chat.visitor_token);
    assert_eq!(
        known(&edge, token, id),
        None,
        "a new visitor has no address"
    );
    let mut agent = edge.agent_socket(&admin, id, 0);
    agent.replay();

    // Refused: nothing changes.
    for bad in [
        json!({ "email": "<script>alert(1)</script>@x.example" }),
        json!({ "email": "not an address" }),
        json!({ "email": "   " }),
        json!({}),
    ] {
        let reply = leave(&edge, Some(token), id, &bad);
        reply.assert_error(400, ErrorCode::InvalidField);
        assert!(reply.body.contains("email"), "{}", reply.body);
    }
    assert_eq!(known(&edge, token, id), None);

    let address = unique_email();
    let typed = format!("  {}  ", address.to_uppercase());
    let reply = leave(&edge, Some(token), id, &json!({ "email": typed }));
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json::<VisitorEmail>().email, Some(address.clone()));
    assert_eq!(known(&edge, token, id), Some(address.clone()));

    // The agent with the conversation open is told, and reads it.
    loop {
        let frame: Value = agent.receive();
        if frame.get("visitor_changed").is_some() {
            break;
        }
    }
    let details: VisitorDetails = edge
        .as_agent(
            &admin,
            "GET",
            &format!("/api/agent/conversations/{id}/visitor"),
            None,
        )
        .json();
    assert_eq!(details.email, Some(address.clone()));
    assert!(
        details.contact,
        "a visitor who left their address is a contact"
    );
    let listed: ContactList = edge
        .as_agent(
            &admin,
            "GET",
            &format!("/api/agent/contacts?q={address}"),
            None,
        )
        .json();
    assert_eq!(listed.contacts.len(), 1, "{listed:?}");
    assert_eq!(listed.contacts[0].email, Some(address));
}

#[test]
fn only_the_conversations_visitor_reads_or_leaves_its_address() {
    let edge = Edge::from_env();
    let mine = edge.start_conversation(None, "mine");
    let theirs = edge.start_conversation(None, "theirs");
    let id = &mine.conversation_id;
    let body = json!({ "email": unique_email() });

    let anonymous = leave(&edge, None, id, &body);
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);
    let stranger = leave(&edge, Some(&theirs.visitor_token), id, &body);
    assert!(
        matches!(stranger.status, 403 | 404),
        "{}: {}",
        stranger.status,
        stranger.body
    );
    let peek = read(&edge, &theirs.visitor_token, id);
    assert!(matches!(peek.status, 403 | 404), "{}", peek.body);
    assert_eq!(
        known(&edge, &mine.visitor_token, id),
        None,
        "nothing changed"
    );
}

#[test]
fn the_config_carries_the_wait_for_this_moment() {
    let held = SiteSettings::hold();
    let mut s = held.original.clone();
    // Always on: someone can answer, so only the wait applies.
    s.availability.mode = AvailabilityMode::AlwaysOn;
    s.ask_email.when_away = true;
    s.ask_email.unanswered_minutes = Some(3);
    assert_eq!(held.put(&s).status, 200);
    held.config_until("asking after three minutes", |c| {
        c.ask_email_after_ms == Some(180_000)
    });

    // Outside its hours (a week without any), the team is away: asked at once.
    s.availability.mode = AvailabilityMode::BusinessHours(Box::new(BusinessHours {
        time_zone: "UTC".into(),
        weekly: Default::default(),
        holidays: Default::default(),
    }));
    assert_eq!(held.put(&s).status, 200);
    held.config_until("asking at once", |c| c.ask_email_after_ms == Some(0));

    s.ask_email.when_away = false;
    s.ask_email.unanswered_minutes = None;
    assert_eq!(held.put(&s).status, 200);
    held.config_until("not asking", |c| c.ask_email_after_ms.is_none());

    // Too long a wait is refused, and changes nothing.
    let mut bad = s.clone();
    bad.ask_email.unanswered_minutes = Some(ASK_EMAIL_MAX_MINUTES + 1);
    let reply = held.put(&bad);
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(
        reply.body.contains("ask_email.unanswered_minutes"),
        "{}",
        reply.body
    );
    assert!(held.config().ask_email_after_ms.is_none());
}
