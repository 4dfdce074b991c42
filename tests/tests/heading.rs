//! The people heading the visitor's chat (`ChatSettings::heading_people`) against the running
//! Worker: the chosen members, by name, in the public config (their pictures by id at
//! `/api/avatars/{id}`); with the contact owner rule, a known contact's owner given with their
//! conversation; nothing when the rule is off. Bad rules are refused whole and change nothing.
//!
//! The tests change the demo site's settings, so they hold them ([`SiteSettings`]).

use porchlight_tests::{Edge, Reply, SiteSettings};
use protocol::api::{CurrentConversation, ErrorCode};
use protocol::frame::AgentRef;
use protocol::settings::ChatSettings;
use serde_json::{json, Value};

fn with_heading(site: &SiteSettings, rule: Value) -> Reply {
    let mut settings = serde_json::to_value(&site.original).expect("json");
    settings["heading_people"] = rule;
    site.put_raw(&settings.to_string())
}

fn current(edge: &Edge, token: &str) -> CurrentConversation {
    let auth = format!("Bearer {token}");
    let reply = edge.request(
        "GET",
        "/api/widget/conversations/current",
        &[("authorization", &auth)],
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

#[test]
fn the_heading_shows_the_chosen_people_and_a_known_contact_their_owner() {
    let site = SiteSettings::hold();
    let edge = &site.edge;
    let (ann, _) = edge.new_member(&site.cookie, "agent");
    let (ben, _) = edge.new_member(&site.cookie, "agent");
    let person = |p: &protocol::api::AgentProfile| AgentRef {
        id: p.id.clone(),
        name: p.name.clone(),
    };

    // Off (the default): the heading text alone.
    assert!(site.config().people.is_empty());

    let reply = with_heading(
        &site,
        json!({ "kind": "members", "agent_ids": [ann.id, ben.id] }),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let config = site.config_until("headed by Ann and Ben", |c| c.people.len() == 2);
    let mut expected = vec![person(&ann), person(&ben)];
    expected.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    assert_eq!(config.people, expected, "by name");
    // Their pictures are public by id: each member's initial, as neither uploaded one.
    let picture = edge.request("GET", &format!("/api/avatars/{}", ann.id), &[], None);
    assert_eq!(picture.status, 200, "{}", picture.body);
    assert_eq!(picture.header("content-type"), Some("image/svg+xml"));

    // By contact owner, Ben for everyone else.
    let reply = with_heading(
        &site,
        json!({ "kind": "contact_owner", "agent_ids": [ben.id] }),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    site.config_until("headed by Ben", |c| c.people == [person(&ben)]);
    let created = edge.start_conversation(None, "Hello, who's there?");
    let token = &created.visitor_token;
    assert_eq!(
        current(edge, token).owner,
        None,
        "a new visitor has no owner"
    );
    let reply = edge.as_agent(
        &site.cookie,
        "PUT",
        &format!(
            "/api/agent/conversations/{}/visitor",
            created.conversation_id
        ),
        Some(&json!({ "name": "Sam", "owner_id": ann.id })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let found = current(edge, token);
    assert_eq!(found.owner, Some(person(&ann)));
    assert_eq!(
        found.conversation.map(|c| c.id).as_deref(),
        Some(created.conversation_id.as_str())
    );

    // With the rule off again, nobody heads the chat, owner or not.
    let reply = with_heading(&site, json!({ "kind": "off" }));
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(current(edge, token).owner, None);
    site.config_until("headed by the text alone", |c| c.people.is_empty());
}

#[test]
fn bad_heading_rules_are_refused_and_change_nothing() {
    let site = SiteSettings::hold();
    for (rule, field) in [
        (json!({ "kind": "members" }), "`heading_people.agent_ids`"),
        (
            json!({ "kind": "members", "agent_ids": ["a_nobody"] }),
            "`heading_people.agent_ids[0]`",
        ),
        (
            json!({ "kind": "contact_owner", "team_ids": ["tm_nothing"] }),
            "`heading_people.team_ids[0]`",
        ),
    ] {
        let reply = with_heading(&site, rule);
        reply.assert_error(400, ErrorCode::InvalidField);
        assert!(reply.body.contains(field), "{}", reply.body);
    }
    let stored: ChatSettings = site
        .edge
        .as_agent(&site.cookie, "GET", &site.edge.settings_path(), None)
        .json();
    assert_eq!(stored.heading_people, site.original.heading_people);
}
