//! Inboxes and teams against the running Worker: least privilege for agents. An agent sees a
//! conversation only in an inbox open to everyone, one they are given, or one given to a team of
//! theirs (admins see all): the list, search, every conversation route and the live inbox
//! socket all follow it, and a change of access or a move between inboxes reaches open inbox
//! sockets at once. Routing rules may name teams, and a conversation may be given to a team
//! that sees its inbox (and on to a free member of it). Bad input is refused and changes
//! nothing.
//!
//! Conversations come in on a Messenger Page connected to a test's own inbox, so nothing here
//! touches the demo site's chat (other tests run beside these).

use porchlight_tests::meta::{connect, conversation_where, deliver, messenger_text, unique_id};
use porchlight_tests::{new_client_id, Edge, Reply, SiteSettings};
use protocol::api::{
    AgentProfile, ConversationList, ConversationSummary, ErrorCode, Inbox, InboxList, Team,
};
use protocol::frame::ListFrame;
use protocol::settings::{ChatSettings, RoutingRule, RoutingSettings};
use serde_json::{json, Value};

fn create_inbox(edge: &Edge, admin: &str, body: Value) -> Reply {
    edge.as_agent(admin, "POST", "/api/admin/inboxes", Some(&body))
}

/// A restricted inbox of this test's own, given to `members` and `teams`.
fn new_inbox(edge: &Edge, admin: &str, members: &[&AgentProfile], teams: &[&Team]) -> Inbox {
    let reply = create_inbox(
        edge,
        admin,
        json!({
            "name": format!("Sales {}", unique_id()),
            "member_ids": members.iter().map(|m| &m.id).collect::<Vec<_>>(),
            "team_ids": teams.iter().map(|t| &t.id).collect::<Vec<_>>(),
        }),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()
}

fn new_team(edge: &Edge, admin: &str, members: &[&AgentProfile]) -> Team {
    let reply = edge.as_agent(
        admin,
        "POST",
        "/api/admin/teams",
        Some(&json!({
            "name": format!("Nights {}", unique_id()),
            "member_ids": members.iter().map(|m| &m.id).collect::<Vec<_>>(),
        })),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()
}

/// A Messenger Page connected to `inbox`, and a first message on it: the new conversation.
fn conversation_in(edge: &Edge, admin: &str, inbox: &Inbox, text: &str) -> ConversationSummary {
    let page = unique_id();
    let connection = connect(edge, admin, "messenger", &page);
    let reply = edge.as_agent(
        admin,
        "PUT",
        &format!(
            "/api/admin/sites/{}/connections/{connection}/inbox",
            edge.site_id
        ),
        Some(&json!({ "inbox_id": inbox.id })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let psid = unique_id();
    let at = 1_795_000_000_000;
    deliver(
        edge,
        "messenger",
        &messenger_text(&page, &psid, &format!("m_{}", unique_id()), text, at),
    );
    let row = conversation_where(edge, admin, |c| c.last_message_preview == text);
    assert_eq!(row.inbox_id, inbox.id, "delivered to its channel's inbox");
    row
}

fn listed(edge: &Edge, cookie: &str, query: &str) -> Vec<String> {
    let reply = edge.as_agent(
        cookie,
        "GET",
        &format!("/api/agent/conversations{query}"),
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply
        .json::<ConversationList>()
        .conversations
        .into_iter()
        .map(|c| c.id)
        .collect()
}

fn inbox_ids(edge: &Edge, cookie: &str) -> Vec<String> {
    edge.as_agent(cookie, "GET", "/api/agent/inboxes", None)
        .json::<InboxList>()
        .inboxes
        .into_iter()
        .map(|i| i.id)
        .collect()
}

/// Every way an agent reaches a conversation, answered 404 for one they do not see.
fn assert_hidden_from(edge: &Edge, cookie: &str, id: &str, words: &str) {
    assert!(!listed(edge, cookie, "").contains(&id.to_owned()));
    let search = format!("?q={}", words.replace(' ', "+"));
    assert!(!listed(edge, cookie, &search).contains(&id.to_owned()));
    let base = format!("/api/agent/conversations/{id}");
    let send = json!({ "client_id": new_client_id(), "body": "not mine to answer" });
    let note = json!({ "client_id": new_client_id(), "body": "not mine to note" });
    for (method, path, body) in [
        ("GET", format!("{base}/messages"), None),
        ("POST", format!("{base}/messages"), Some(&send)),
        ("GET", format!("{base}/notes"), None),
        ("POST", format!("{base}/notes"), Some(&note)),
        ("POST", format!("{base}/close"), None),
        ("GET", format!("{base}/socket"), None),
        ("GET", format!("{base}/deliveries"), None),
        (
            "PUT",
            format!("{base}/assignee"),
            Some(&json!({ "agent_id": null })),
        ),
        (
            "PUT",
            format!("{base}/inbox"),
            Some(&json!({ "inbox_id": "default" })),
        ),
    ] {
        edge.as_agent(cookie, method, &path, body)
            .assert_error(404, ErrorCode::UnknownConversation);
    }
}

#[test]
fn agents_see_only_their_inboxes_and_admins_see_all() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (named, named_cookie) = edge.new_member(&admin, "agent");
    let (in_team, team_cookie) = edge.new_member(&admin, "agent");
    let (_, outsider) = edge.new_member(&admin, "agent");
    let team = new_team(&edge, &admin, &[&in_team]);
    let sales = new_inbox(&edge, &admin, &[&named], &[&team]);
    let words = format!("quote {}", unique_id());
    let row = conversation_in(&edge, &admin, &sales, &words);
    let id = row.id.as_str();

    for cookie in [&admin, &named_cookie, &team_cookie] {
        assert!(listed(&edge, cookie, "").contains(&row.id));
        assert!(inbox_ids(&edge, cookie).contains(&sales.id));
        let messages = edge.as_agent(
            cookie,
            "GET",
            &format!("/api/agent/conversations/{id}/messages"),
            None,
        );
        assert_eq!(messages.status, 200, "{}", messages.body);
    }
    assert!(listed(&edge, &admin, &format!("?inbox={}", sales.id)).contains(&row.id));
    assert!(!listed(&edge, &admin, "?inbox=default").contains(&row.id));
    assert!(!inbox_ids(&edge, &outsider).contains(&sales.id));
    assert!(inbox_ids(&edge, &outsider).contains(&"default".to_owned()));
    assert_hidden_from(&edge, &outsider, id, &words);
    // Nothing the outsider tried reached the thread.
    let messages: protocol::api::MessagePage = edge
        .as_agent(
            &admin,
            "GET",
            &format!("/api/agent/conversations/{id}/messages"),
            None,
        )
        .json();
    assert_eq!(messages.messages.len(), 1);

    // Only members who see it can be given it or mentioned in it.
    let outsider_id = edge
        .as_agent(&outsider, "GET", "/api/agent/me", None)
        .json::<AgentProfile>()
        .id;
    let reply = edge.as_agent(
        &admin,
        "PUT",
        &format!("/api/agent/conversations/{id}/assignee"),
        Some(&json!({ "agent_id": outsider_id })),
    );
    reply.assert_error(400, ErrorCode::InvalidField);
    assert!(reply.body.contains("`agent_id`"), "{}", reply.body);
    let reply = edge.as_agent(
        &named_cookie,
        "PUT",
        &format!("/api/agent/conversations/{id}/assignee"),
        Some(&json!({ "agent_id": in_team.id })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[test]
fn access_changes_and_moves_reach_open_inboxes_at_once() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (named, named_cookie) = edge.new_member(&admin, "agent");
    let (_, other_cookie) = edge.new_member(&admin, "agent");
    let sales = new_inbox(&edge, &admin, &[&named], &[]);
    let words = format!("invoice {}", unique_id());
    let row = conversation_in(&edge, &admin, &sales, &words);

    // Moved to the inbox everyone sees: the other agent's open inbox gets the row.
    let mut other_socket = edge.list_socket(&other_cookie);
    let reply = edge.as_agent(
        &named_cookie,
        "PUT",
        &format!("/api/agent/conversations/{}/inbox", row.id),
        Some(&json!({ "inbox_id": "default" })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(other_socket.next_row_of(&row.id).inbox_id, "default");
    assert!(listed(&edge, &other_cookie, "").contains(&row.id));

    // Back into Sales (the admin may: they see every inbox): the other agent is told it is gone.
    let reply = edge.as_agent(
        &admin,
        "PUT",
        &format!("/api/agent/conversations/{}/inbox", row.id),
        Some(&json!({ "inbox_id": sales.id })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    loop {
        match other_socket.receive::<ListFrame>() {
            ListFrame::Gone(gone) if gone == row.id => break,
            ListFrame::Conversation(r) if r.id == row.id => panic!("row pushed to an outsider"),
            _ => continue,
        }
    }
    assert!(!listed(&edge, &other_cookie, "").contains(&row.id));

    // The named member is taken off Sales: their open inbox hears that access changed, and the
    // conversation is out of their reach.
    let mut named_socket = edge.list_socket(&named_cookie);
    let reply = edge.as_agent(
        &admin,
        "PUT",
        &format!("/api/admin/inboxes/{}", sales.id),
        Some(&json!({ "name": sales.name, "member_ids": [] })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.json::<Inbox>().member_ids.is_empty());
    loop {
        if let ListFrame::AccessChanged = named_socket.receive::<ListFrame>() {
            break;
        }
    }
    assert_hidden_from(&edge, &named_cookie, &row.id, &words);
    other_socket.close();
    named_socket.close();
}

#[test]
fn routing_rules_may_name_teams() {
    let site = SiteSettings::hold();
    let edge = &site.edge;
    let (ann, ann_cookie) = edge.new_member(&site.cookie, "agent");
    let team = new_team(edge, &site.cookie, &[&ann]);
    let mut watch = edge.list_socket(&ann_cookie);
    let settings = ChatSettings {
        routing: RoutingSettings {
            rule: RoutingRule::Members {
                agent_ids: Vec::new(),
                team_ids: vec![team.id.clone()],
            },
            only_available: true,
        },
        ..site.original.clone()
    };
    let reply = site.put(&settings);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let created = edge.start_conversation(None, "a team will answer me");
    assert_eq!(
        watch.next_row_of(&created.conversation_id).assignee_id,
        Some(ann.id.clone())
    );
    // A team a rule names cannot be deleted from under it.
    let reply = edge.as_agent(
        &site.cookie,
        "DELETE",
        &format!("/api/admin/teams/{}", team.id),
        None,
    );
    reply.assert_error(400, ErrorCode::InvalidField);
    let teams: protocol::api::TeamList = edge
        .as_agent(&ann_cookie, "GET", "/api/agent/teams", None)
        .json();
    assert!(teams.teams.iter().any(|t| t.id == team.id));
    // Unknown teams are refused and change nothing.
    let mut bad = serde_json::to_value(&settings).expect("json");
    bad["routing"]["rule"]["team_ids"] = json!([team.id, "tm_nobody"]);
    let reply = site.put_raw(&bad.to_string());
    reply.assert_error(400, ErrorCode::InvalidField);
    assert!(
        reply.body.contains("`routing.rule.team_ids[1]`"),
        "{}",
        reply.body
    );
    // Once no rule names it, it goes (and its members with it).
    let reply = site.put(&site.original);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = edge.as_agent(
        &site.cookie,
        "DELETE",
        &format!("/api/admin/teams/{}", team.id),
        None,
    );
    assert_eq!(reply.status, 204, "{}", reply.body);
    let teams: protocol::api::TeamList = edge
        .as_agent(&ann_cookie, "GET", "/api/agent/teams", None)
        .json();
    assert!(teams.teams.iter().all(|t| t.id != team.id));
    watch.close();
}

#[test]
fn invitations_give_inboxes_and_teams_from_the_start() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let team = new_team(&edge, &admin, &[]);
    let sales = new_inbox(&edge, &admin, &[], &[]);
    let reply = edge.as_agent(
        &admin,
        "POST",
        "/api/admin/invitations",
        Some(&json!({
            "email": porchlight_tests::unique_email(), "name": "Newcomer", "role": "agent",
            "inbox_ids": [sales.id], "team_ids": [team.id],
        })),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let token = porchlight_tests::invitation_token(&reply.json());
    let joined = edge.accept(&token, "Newcomer", porchlight_tests::MEMBER_PASSWORD);
    assert_eq!(joined.status, 201, "{}", joined.body);
    let cookie = porchlight_tests::session_cookie(&joined);
    let me: AgentProfile = joined.json();
    assert!(inbox_ids(&edge, &cookie).contains(&sales.id));
    let teams: protocol::api::TeamList = edge
        .as_agent(&cookie, "GET", "/api/agent/teams", None)
        .json();
    let joined_team = teams.teams.iter().find(|t| t.id == team.id).expect("team");
    assert_eq!(joined_team.member_ids, [me.id]);

    // Unknown inboxes or teams are refused; no invitation is made.
    for (field, body) in [
        ("`inbox_ids[0]`", json!({ "inbox_ids": ["ib_nothing"] })),
        (
            "`team_ids[1]`",
            json!({ "team_ids": [team.id, "tm_nothing"] }),
        ),
    ] {
        let email = porchlight_tests::unique_email();
        let mut invitation = json!({ "email": email, "name": "Nobody", "role": "agent" });
        for (k, v) in body.as_object().expect("object") {
            invitation[k] = v.clone();
        }
        let reply = edge.as_agent(&admin, "POST", "/api/admin/invitations", Some(&invitation));
        reply.assert_error(400, ErrorCode::InvalidField);
        assert!(reply.body.contains(field), "{}", reply.body);
        let pending = edge
            .as_agent(&admin, "GET", "/api/admin/invitations", None)
            .body;
        assert!(!pending.contains(&email));
    }
}

#[test]
fn bad_inboxes_and_teams_are_refused_and_change_nothing() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (_, agent) = edge.new_member(&admin, "agent");
    let sales = new_inbox(&edge, &admin, &[], &[]);

    for (body, field) in [
        (json!({ "name": " " }), "`name`"),
        (json!({ "name": sales.name.to_uppercase() }), "`name`"),
        (
            json!({ "name": "Fine name", "member_ids": ["a_nobody"] }),
            "`member_ids[0]`",
        ),
        (
            json!({ "name": "Fine name", "team_ids": ["t", "t"] }),
            "`team_ids[1]`",
        ),
    ] {
        let reply = create_inbox(&edge, &admin, body);
        reply.assert_error(400, ErrorCode::InvalidField);
        assert!(reply.body.contains(field), "{}", reply.body);
    }
    create_inbox(&edge, &admin, json!({ "name": 7 })).assert_error(400, ErrorCode::MalformedBody);
    // Agents cannot change inboxes or teams, or say where channels deliver.
    create_inbox(&edge, &agent, json!({ "name": "Mine" })).assert_error(403, ErrorCode::Forbidden);
    edge.as_agent(
        &agent,
        "DELETE",
        &format!("/api/admin/inboxes/{}", sales.id),
        None,
    )
    .assert_error(403, ErrorCode::Forbidden);
    edge.as_agent(
        &agent,
        "POST",
        "/api/admin/teams",
        Some(&json!({ "name": "Mine" })),
    )
    .assert_error(403, ErrorCode::Forbidden);
    edge.as_agent(
        &agent,
        "PUT",
        &format!("/api/admin/sites/{}/inbox", edge.site_id),
        Some(&json!({ "inbox_id": sales.id })),
    )
    .assert_error(403, ErrorCode::Forbidden);
    // Without our Origin, nothing is changed either.
    let reply = edge.request(
        "POST",
        "/api/admin/inboxes",
        &[("cookie", &admin), ("content-type", "application/json")],
        Some(&json!({ "name": "Forged" }).to_string()),
    );
    assert_eq!(reply.status, 403, "{}", reply.body);
    edge.as_agent(
        &admin,
        "PUT",
        &format!("/api/admin/sites/{}/inbox", edge.site_id),
        Some(&json!({ "inbox_id": "ib_nothing" })),
    )
    .assert_error(400, ErrorCode::InvalidField);
    edge.as_agent(
        &admin,
        "PUT",
        "/api/admin/inboxes/ib_nothing",
        Some(&json!({ "name": "X" })),
    )
    .assert_error(404, ErrorCode::NotFound);
    // Other tests make inboxes beside this one: what this test tried is what must be absent.
    let after: InboxList = edge
        .as_agent(&admin, "GET", "/api/agent/inboxes", None)
        .json();
    assert!(after.inboxes.contains(&sales), "unchanged");
    for refused in ["Fine name", "Mine", "Forged", "X"] {
        assert!(
            after.inboxes.iter().all(|i| i.name != refused),
            "{refused} made"
        );
    }
    let site_inbox = after
        .inboxes
        .iter()
        .find(|i| i.channels.iter().any(|c| c.id == edge.site_id))
        .map(|i| i.id.as_str());
    assert_eq!(
        site_inbox,
        Some("default"),
        "the chat still delivers to its inbox"
    );

    // An inbox with a conversation is deleted only with somewhere for it to go.
    let row = conversation_in(&edge, &admin, &sales, &format!("refund {}", unique_id()));
    let reply = edge.as_agent(
        &admin,
        "DELETE",
        &format!("/api/admin/inboxes/{}", sales.id),
        None,
    );
    reply.assert_error(400, ErrorCode::InvalidField);
    assert!(
        reply.body.contains("1 conversations and 1 channels"),
        "{}",
        reply.body
    );
    let reply = edge.as_agent(
        &admin,
        "DELETE",
        &format!("/api/admin/inboxes/{}?move_to={}", sales.id, sales.id),
        None,
    );
    reply.assert_error(400, ErrorCode::InvalidField);
    assert!(inbox_ids(&edge, &admin).contains(&sales.id));
    let reply = edge.as_agent(
        &admin,
        "DELETE",
        &format!("/api/admin/inboxes/{}?move_to=default", sales.id),
        None,
    );
    assert_eq!(reply.status, 204, "{}", reply.body);
    assert!(!inbox_ids(&edge, &admin).contains(&sales.id));
    // The conversation is in the default inbox now, which every member sees.
    assert!(listed(&edge, &agent, "").contains(&row.id));
}

#[test]
fn a_conversation_goes_to_a_team_that_sees_its_inbox_and_on_to_a_free_member() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (kim, kim_cookie) = edge.new_member(&admin, "agent");
    let (lee, _) = edge.new_member(&admin, "agent");
    let nights = new_team(&edge, &admin, &[&kim, &lee]);
    let days = new_team(&edge, &admin, &[&lee]);
    let outsiders = new_team(&edge, &admin, &[&kim]);
    let sales = new_inbox(&edge, &admin, &[], &[&nights, &days]);
    let row = conversation_in(&edge, &admin, &sales, "Which team is mine?");
    let id = row.id.as_str();
    assert_eq!(
        (row.team_id.as_deref(), row.assignee_id.as_deref()),
        (None, None)
    );
    let give = |team: Value| {
        edge.as_agent(
            &admin,
            "PUT",
            &format!("/api/agent/conversations/{id}/team"),
            Some(&json!({ "team_id": team })),
        )
    };

    // A team that does not see the inbox, or no team at all: refused, nothing changes.
    for team in [json!(outsiders.id), json!("tm_nothing")] {
        let reply = give(team);
        reply.assert_error(400, ErrorCode::InvalidField);
        assert!(reply.body.contains("`team_id`"), "{}", reply.body);
    }
    edge.as_agent(
        &admin,
        "PUT",
        "/api/agent/conversations/c_nothing/team",
        Some(&json!({ "team_id": nights.id })),
    )
    .assert_error(404, ErrorCode::UnknownConversation);
    assert_eq!(
        conversation_where(&edge, &admin, |c| c.id == id).team_id,
        None
    );

    // Given to Nights: Kim, its one member here (her inbox open), gets it, and hears of it.
    let mut watch = edge.list_socket(&kim_cookie);
    let reply = give(json!(nights.id));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let given: ConversationSummary = reply.json();
    assert_eq!(given.team_id.as_deref(), Some(nights.id.as_str()));
    assert_eq!(given.assignee_id.as_deref(), Some(kim.id.as_str()));
    let pushed = watch.next_row_of(id);
    assert_eq!(
        (pushed.team_id.as_deref(), pushed.assignee_id.as_deref()),
        (Some(nights.id.as_str()), Some(kim.id.as_str()))
    );

    // Taken from its team: Kim keeps it.
    let reply = give(Value::Null);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let row: ConversationSummary = reply.json();
    assert_eq!(
        (row.team_id, row.assignee_id.as_deref()),
        (None, Some(kim.id.as_str()))
    );

    // Given to Days, which Kim is not in: she lets go, and nobody of Days is here to take it.
    let reply = give(json!(days.id));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let row: ConversationSummary = reply.json();
    assert_eq!(row.team_id.as_deref(), Some(days.id.as_str()));
    assert_eq!(row.assignee_id, None);

    // Moved to an inbox Days does not see: the team lets go of it too.
    let elsewhere = new_inbox(&edge, &admin, &[&kim], &[]);
    let reply = edge.as_agent(
        &admin,
        "PUT",
        &format!("/api/agent/conversations/{id}/inbox"),
        Some(&json!({ "inbox_id": elsewhere.id })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let moved: ConversationSummary = reply.json();
    assert_eq!(
        (moved.inbox_id.as_str(), moved.team_id),
        (elsewhere.id.as_str(), None)
    );
    watch.close();
}
