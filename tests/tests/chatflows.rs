//! Chatflows against the running Worker: admins make a flow's draft, publish it as numbered
//! versions (a bot's script checked whole, every problem named), list the versions and roll
//! back to any (published again, as a new version); agents may not; bad input changes nothing.
//! A published live-chat flow decides the widget config's language, welcome and prompt on the
//! pages it targets, and nothing elsewhere; a draft does not, and a deleted flow stops at once;
//! and a conversation started on its pages goes to its inbox.

use porchlight_tests::flows::{
    config_on, first_inbox as inbox, flows_path, make, publish, start_on,
};
use porchlight_tests::{local_query, new_client_id, Edge};
use protocol::api::{ChatflowEntry, ChatflowList, ErrorCode, FlowVersionList};
use protocol::flows::FlowVersion;
use protocol::i18n::Language;
use serde_json::{json, Value};

/// A live-chat flow for pages under `path`.
fn live_chat(inbox: &str, path: &str, welcome: &str) -> Value {
    json!({
        "name": format!("Pricing {}", new_client_id()),
        "kind": "live_chat",
        "inbox_id": inbox,
        "language": "en",
        "enabled": true,
        "display": { "welcome": welcome, "prompt": { "kind": "after_seconds", "seconds": 5 } },
        "targeting": { "pages": { "include": [{ "part": "path", "test": "starts_with", "value": path }] } },
    })
}

#[test]
fn drafts_are_published_as_versions_and_rolled_back() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (_, agent) = edge.new_member(&admin, "agent");
    let inbox = inbox(&edge, &admin);
    let path = format!("/drafts-{}", new_client_id());

    // Bad drafts are refused and nothing is made.
    let mut nameless = live_chat(&inbox, &path, "Refused, nameless");
    nameless["name"] = json!("  ");
    make(&edge, &admin, &nameless).assert_error(400, ErrorCode::InvalidField);
    let refused = make(
        &edge,
        &admin,
        &live_chat("in_nowhere", &path, "Refused, nowhere"),
    );
    refused.assert_error(400, ErrorCode::InvalidField);
    assert!(refused.body.contains("inbox_id"), "{}", refused.body);
    make(&edge, &agent, &live_chat(&inbox, &path, "Refused, agent"))
        .assert_error(403, ErrorCode::Forbidden);
    let listed = edge
        .as_agent(&admin, "GET", &flows_path(&edge), None)
        .json::<ChatflowList>();
    assert!(
        !listed
            .flows
            .iter()
            .any(|f| f.draft.display.welcome.starts_with("Refused")),
        "nothing refused was made"
    );

    let made = make(&edge, &admin, &live_chat(&inbox, &path, "  Version one  "));
    assert_eq!(made.status, 201, "{}", made.body);
    let made: ChatflowEntry = made.json();
    assert_eq!(made.draft.display.welcome, "Version one", "trimmed");
    assert_eq!((made.published, made.unpublished_changes), (None, true));
    let id = made.id;

    let first: FlowVersion = publish(&edge, &admin, &id).json();
    assert_eq!(first.version, 1);
    let mut two = live_chat(&inbox, &path, "Version two");
    two["name"] = json!(made.draft.name);
    let saved = edge.as_agent(
        &admin,
        "PUT",
        &format!("/api/admin/chatflows/{id}"),
        Some(&two),
    );
    assert_eq!(saved.status, 200, "{}", saved.body);
    let saved: ChatflowEntry = saved.json();
    assert_eq!(
        (saved.published, saved.unpublished_changes),
        (Some(1), true)
    );
    assert_eq!(publish(&edge, &admin, &id).json::<FlowVersion>().version, 2);

    let rollback = edge.as_agent(
        &admin,
        "POST",
        &format!("/api/admin/chatflows/{id}/rollback"),
        Some(&json!({ "version": 1 })),
    );
    assert_eq!(rollback.status, 201, "{}", rollback.body);
    let third: FlowVersion = rollback.json();
    assert_eq!(
        (third.version, third.flow.display.welcome.as_str()),
        (3, "Version one")
    );
    let versions: FlowVersionList = edge
        .as_agent(
            &admin,
            "GET",
            &format!("/api/admin/chatflows/{id}/versions"),
            None,
        )
        .json();
    let numbers: Vec<u32> = versions.versions.iter().map(|v| v.version).collect();
    assert_eq!(numbers, [3, 2, 1], "newest first, none rewritten");
    assert_eq!(versions.versions[1].flow.display.welcome, "Version two");
    let now: ChatflowEntry = edge
        .as_agent(&admin, "GET", &format!("/api/admin/chatflows/{id}"), None)
        .json();
    assert_eq!((now.published, now.unpublished_changes), (Some(3), false));
    assert_eq!(
        now.draft.display.welcome, "Version one",
        "the draft is what was rolled back to"
    );

    edge.as_agent(
        &admin,
        "POST",
        &format!("/api/admin/chatflows/{id}/rollback"),
        Some(&json!({ "version": 9 })),
    )
    .assert_error(404, ErrorCode::UnknownChatflow);
    publish(&edge, &admin, "cf_nope").assert_error(404, ErrorCode::UnknownChatflow);
    let gone = edge.as_agent(
        &admin,
        "DELETE",
        &format!("/api/admin/chatflows/{id}"),
        None,
    );
    assert_eq!(gone.status, 204, "{}", gone.body);
    edge.as_agent(&admin, "GET", &format!("/api/admin/chatflows/{id}"), None)
        .assert_error(404, ErrorCode::UnknownChatflow);
}

#[test]
fn a_bot_is_published_only_when_its_script_holds_together() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let inbox = inbox(&edge, &admin);
    let bot = json!({
        "name": "Qualify",
        "kind": "bot",
        "inbox_id": inbox,
        "language": "en",
        "bot": { "actions": [
            { "id": "ask", "kind": "question", "text": "Your e-mail?", "input": { "kind": "email" } },
            { "id": "go", "kind": "go_to", "action": "nowhere" },
        ] },
    });
    let made: ChatflowEntry = make(&edge, &admin, &bot).json();
    let refused = publish(&edge, &admin, &made.id);
    refused.assert_error(400, ErrorCode::InvalidField);
    for named in ["`bot.actions[0].save_to`", "`bot.actions[1].action`"] {
        assert!(refused.body.contains(named), "{named} in {}", refused.body);
    }
    let versions: FlowVersionList = edge
        .as_agent(
            &admin,
            "GET",
            &format!("/api/admin/chatflows/{}/versions", made.id),
            None,
        )
        .json();
    assert!(versions.versions.is_empty(), "nothing published");

    let mut fixed = bot.clone();
    fixed["bot"]["actions"][0]["save_to"] = json!("email");
    fixed["bot"]["actions"][1] = json!({ "id": "bye", "kind": "end" });
    let saved = edge.as_agent(
        &admin,
        "PUT",
        &format!("/api/admin/chatflows/{}", made.id),
        Some(&fixed),
    );
    assert_eq!(saved.status, 200, "{}", saved.body);
    let published = publish(&edge, &admin, &made.id);
    assert_eq!(published.status, 201, "{}", published.body);
    edge.as_agent(
        &admin,
        "DELETE",
        &format!("/api/admin/chatflows/{}", made.id),
        None,
    );
}

#[test]
fn a_published_live_chat_flow_greets_on_its_pages_only() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let inbox = inbox(&edge, &admin);
    let path = format!("/pricing-{}", new_client_id());
    let welcome = format!("Questions about pricing? {}", new_client_id());
    let site_welcome = config_on(&edge, "/").welcome_message;

    // Written in Swedish: the chat speaks it there, whatever the visitor's browser asks for.
    let mut swedish = live_chat(&inbox, &path, &welcome);
    swedish["language"] = json!("sv");
    let made: ChatflowEntry = make(&edge, &admin, &swedish).json();
    assert_eq!(
        config_on(&edge, &path).welcome_message,
        site_welcome,
        "a draft runs nowhere"
    );
    assert_eq!(publish(&edge, &admin, &made.id).status, 201);
    let on_pricing = config_on(&edge, &format!("{path}/enterprise"));
    assert_eq!(on_pricing.welcome_message, welcome);
    assert_eq!(on_pricing.prompt_after_ms, Some(5_000));
    assert_eq!(on_pricing.language, Language::Sv);
    assert_eq!(on_pricing.strings.send, "Skicka");
    let elsewhere = config_on(&edge, "/blog");
    assert_eq!(elsewhere.welcome_message, site_welcome);
    assert_ne!(elsewhere.language, Language::Sv);

    let gone = edge.as_agent(
        &admin,
        "DELETE",
        &format!("/api/admin/chatflows/{}", made.id),
        None,
    );
    assert_eq!(gone.status, 204);
    assert_eq!(
        config_on(&edge, &path).welcome_message,
        site_welcome,
        "deleted: gone at once"
    );
}

fn inbox_of(conversation: &str) -> String {
    let rows = local_query(&format!(
        "SELECT inbox_id FROM conversations WHERE id = '{conversation}'"
    ));
    rows[0][0].as_str().expect("an inbox").to_owned()
}

#[test]
fn a_conversation_started_in_a_flow_goes_to_the_flows_inbox() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let made = edge.as_agent(
        &admin,
        "POST",
        "/api/admin/inboxes",
        Some(&json!({ "name": format!("Sales {}", new_client_id()), "member_ids": [], "team_ids": [] })),
    );
    assert_eq!(made.status, 201, "{}", made.body);
    let sales: protocol::api::Inbox = made.json();
    let path = format!("/sales-{}", new_client_id());
    let flow: ChatflowEntry =
        make(&edge, &admin, &live_chat(&sales.id, &path, "Sales here")).json();
    assert_eq!(publish(&edge, &admin, &flow.id).status, 201);

    let in_flow = start_on(
        &edge,
        &format!("https://shop.example{path}/plans?utm_source=ad"),
        "hello",
    )
    .conversation_id;
    assert_eq!(inbox_of(&in_flow), sales.id);
    let elsewhere = start_on(&edge, "https://shop.example/about", "hello").conversation_id;
    assert_ne!(
        inbox_of(&elsewhere),
        sales.id,
        "the site's own inbox off the flow's pages"
    );
    edge.as_agent(
        &admin,
        "DELETE",
        &format!("/api/admin/chatflows/{}", flow.id),
        None,
    );
}
