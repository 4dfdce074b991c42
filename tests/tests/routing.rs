//! Routing against the running Worker: with a rule naming members, each new conversation is
//! assigned as it arrives (one decision at a time, in the inbox's Durable Object) to the
//! available member with the fewest open conversations, never beyond a chat limit; away members
//! only when "only available" is off; nobody when everyone is full or the rule is off. Only the
//! named members make the channel available. Bad rules are refused and change nothing.
//!
//! The tests change the demo site's settings, so they hold them ([`SiteSettings`]).

use porchlight_tests::{Edge, Reply, SiteSettings, Socket};
use protocol::api::{AgentProfile, ErrorCode, PublicAvailability, WidgetConfig};
use protocol::settings::{ChatSettings, RoutingRule, RoutingSettings};
use serde_json::json;

/// The site held for one test ([`SiteSettings`]: its settings, routing included, are put
/// back), with the routing rule's helpers.
struct Site {
    held: SiteSettings,
}

impl std::ops::Deref for Site {
    type Target = SiteSettings;
    fn deref(&self) -> &SiteSettings {
        &self.held
    }
}

impl Site {
    fn start() -> Self {
        Self {
            held: SiteSettings::hold(),
        }
    }

    fn put_routing(&self, routing: RoutingSettings) -> Reply {
        let settings = ChatSettings {
            routing,
            ..self.original.clone()
        };
        self.put(&settings)
    }

    fn route_among(&self, members: &[&AgentProfile], only_available: bool) {
        let reply = self.put_routing(RoutingSettings {
            rule: RoutingRule::Members {
                agent_ids: members.iter().map(|m| m.id.clone()).collect(),
                team_ids: Vec::new(),
            },
            only_available,
        });
        assert_eq!(reply.status, 200, "{}", reply.body);
    }

    fn set_limit(&self, member: &AgentProfile, limit: Option<u32>) {
        let path = format!("/api/admin/agents/{}/chat-limit", member.id);
        let reply = self.edge.as_agent(
            &self.cookie,
            "PUT",
            &path,
            Some(&json!({ "chat_limit": limit })),
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
    }

    /// A new visitor's conversation, and who routing gave it to (read from `watch`, an inbox
    /// socket: a new conversation's first row is pushed once routing has decided).
    fn new_conversation(&self, watch: &mut Socket) -> Option<String> {
        let created = self.edge.start_conversation(None, "who will answer me?");
        watch.next_row_of(&created.conversation_id).assignee_id
    }
}

fn set_status(edge: &Edge, cookie: &str, status: &str) {
    let reply = edge.as_agent(
        cookie,
        "PUT",
        "/api/agent/me/status",
        Some(&json!({ "status": status })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[test]
fn new_conversations_go_to_the_least_busy_available_member_within_limits() {
    let site = Site::start();
    let edge = &site.edge;
    let (ann, ann_cookie) = edge.new_member(&site.cookie, "agent");
    let (ben, ben_cookie) = edge.new_member(&site.cookie, "agent");
    let mut watch = edge.list_socket(&ann_cookie);
    let _ben_present = edge.list_socket(&ben_cookie);
    let (a, b) = (Some(ann.id.clone()), Some(ben.id.clone()));

    // Off: nobody is assigned.
    assert_eq!(site.new_conversation(&mut watch), None);

    site.route_among(&[&ann, &ben], true);
    let first = site.new_conversation(&mut watch);
    assert!(first == a || first == b, "{first:?}");
    let second = site.new_conversation(&mut watch);
    assert!(
        second.is_some() && second != first,
        "balanced: {first:?} then {second:?}"
    );

    // Ann may hold one: Ben takes the next ones.
    site.set_limit(&ann, Some(1));
    assert_eq!(site.new_conversation(&mut watch), b);
    site.set_limit(&ben, Some(2));
    // Both full: it waits, unassigned.
    assert_eq!(site.new_conversation(&mut watch), None);

    // Without limits, an away member is passed over while "only available" is on…
    site.set_limit(&ann, None);
    site.set_limit(&ben, None);
    set_status(edge, &ben_cookie, "away");
    assert_eq!(site.new_conversation(&mut watch), a);
    assert_eq!(site.new_conversation(&mut watch), a);
    // …and gets their turn when it is off (Ben has fewer open conversations now).
    site.route_among(&[&ann, &ben], false);
    assert_eq!(site.new_conversation(&mut watch), b);
    watch.close();
}

#[test]
fn only_the_routed_members_make_the_chat_available() {
    let site = Site::start();
    let edge = &site.edge;
    let (ann, ann_cookie) = edge.new_member(&site.cookie, "agent");
    let (ben, ben_cookie) = edge.new_member(&site.cookie, "agent");
    let _ben_present = edge.list_socket(&ben_cookie);
    let available =
        |c: &WidgetConfig| matches!(c.availability, PublicAvailability::Available { .. });
    let away = |c: &WidgetConfig| matches!(c.availability, PublicAvailability::Away { .. });

    // Ben is present, but only Ann is routed.
    site.route_among(&[&ann], true);
    site.config_until("away while Ann is not here", away);
    let ann_present = edge.list_socket(&ann_cookie);
    site.config_until("available once Ann is", available);
    ann_present.close();
    site.config_until("away once Ann left", away);
    site.route_among(&[&ann, &ben], true);
    site.config_until("available with Ben routed too", available);
}

#[test]
fn bad_rules_are_refused_and_change_nothing() {
    let site = Site::start();
    let members = |ids: serde_json::Value| {
        let mut settings = serde_json::to_value(&site.original).expect("json");
        settings["routing"] = json!({ "rule": { "kind": "members", "agent_ids": ids } });
        site.edge.as_agent(
            &site.cookie,
            "PUT",
            &site.edge.settings_path(),
            Some(&settings),
        )
    };
    let me: AgentProfile = site
        .edge
        .as_agent(&site.cookie, "GET", "/api/agent/me", None)
        .json();

    for (ids, field) in [
        (json!([]), "`routing.rule.agent_ids`"),
        (json!([me.id, "a_nobody"]), "`routing.rule.agent_ids[1]`"),
        (json!([me.id, me.id]), "`routing.rule.agent_ids[1]`"),
    ] {
        let reply = members(ids);
        reply.assert_error(400, ErrorCode::InvalidField);
        assert!(reply.body.contains(field), "{}", reply.body);
    }
    let mut settings = serde_json::to_value(&site.original).expect("json");
    settings["routing"] = json!({ "rule": { "kind": "round_robin" } });
    site.edge
        .as_agent(
            &site.cookie,
            "PUT",
            &site.edge.settings_path(),
            Some(&settings),
        )
        .assert_error(400, ErrorCode::MalformedBody);

    let stored: ChatSettings = site
        .edge
        .as_agent(&site.cookie, "GET", &site.edge.settings_path(), None)
        .json();
    assert_eq!(stored.routing, site.original.routing);
}

#[test]
fn a_removed_member_leaves_the_rules_that_named_them() {
    let site = Site::start();
    let edge = &site.edge;
    let (ann, _) = edge.new_member(&site.cookie, "agent");
    let (ben, _) = edge.new_member(&site.cookie, "agent");
    let ids = json!([ann.id, ben.id]);
    let mut settings = serde_json::to_value(&site.original).expect("json");
    settings["routing"] = json!({ "rule": { "kind": "members", "agent_ids": ids } });
    settings["heading_people"] = json!({ "kind": "members", "agent_ids": ids });
    let reply = site.put_raw(&settings.to_string());
    assert_eq!(reply.status, 200, "{}", reply.body);

    let path = format!("/api/admin/agents/{}", ann.id);
    let reply = edge.as_agent(&site.cookie, "DELETE", &path, None);
    assert_eq!(reply.status, 204, "{}", reply.body);
    let stored: ChatSettings = edge
        .as_agent(&site.cookie, "GET", &edge.settings_path(), None)
        .json();
    let named = |rule: &RoutingRule| rule.named().map(|(agents, _)| agents.to_vec());
    assert_eq!(named(&stored.routing.rule), Some(vec![ben.id.clone()]));
    assert_eq!(named(&stored.heading_people), Some(vec![ben.id.clone()]));
    // What the settings screen holds saves again as it is.
    let reply = site.put(&stored);
    assert_eq!(reply.status, 200, "{}", reply.body);
    // Removing them again finds nobody, and changes nothing.
    edge.as_agent(&site.cookie, "DELETE", &path, None)
        .assert_error(404, ErrorCode::UnknownAgent);
}
