//! Routing against the running Worker: with a rule naming members, each new conversation is
//! assigned as it arrives (one decision at a time, in the inbox's Durable Object) to the
//! available member with the fewest open conversations, never beyond a chat limit; away members
//! only when "only available" is off; nobody when everyone is full or the rule is off. Only the
//! named members make the channel available. Bad rules are refused and change nothing.
//!
//! The tests change the demo site's settings, so they hold [`SITE`] and put them back.

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use porchlight_tests::{Edge, Reply, Socket};
use protocol::api::{AgentProfile, ErrorCode, PublicAvailability, WidgetConfig};
use protocol::settings::{ChatSettings, RoutingRule, RoutingSettings};
use serde_json::json;

static SITE: Mutex<()> = Mutex::new(());

struct Site {
    edge: Edge,
    admin: String,
    original: ChatSettings,
    _lock: MutexGuard<'static, ()>,
}

impl Site {
    fn start() -> Self {
        let lock = SITE.lock().unwrap_or_else(|p| p.into_inner());
        let edge = Edge::from_env();
        let admin = edge.sign_in();
        let original: ChatSettings = edge
            .as_agent(&admin, "GET", &Self::path(&edge), None)
            .json();
        Self {
            edge,
            admin,
            original,
            _lock: lock,
        }
    }

    fn path(edge: &Edge) -> String {
        format!("/api/admin/sites/{}/settings", edge.site_id)
    }

    fn put_routing(&self, routing: RoutingSettings) -> Reply {
        let settings = ChatSettings {
            routing,
            ..self.original.clone()
        };
        let body = serde_json::to_value(&settings).expect("json");
        self.edge
            .as_agent(&self.admin, "PUT", &Self::path(&self.edge), Some(&body))
    }

    fn route_among(&self, members: &[&AgentProfile], only_available: bool) {
        let reply = self.put_routing(RoutingSettings {
            rule: RoutingRule::Members {
                agent_ids: members.iter().map(|m| m.id.clone()).collect(),
            },
            only_available,
        });
        assert_eq!(reply.status, 200, "{}", reply.body);
    }

    fn set_limit(&self, member: &AgentProfile, limit: Option<u32>) {
        let path = format!("/api/admin/agents/{}/chat-limit", member.id);
        let reply = self.edge.as_agent(
            &self.admin,
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

    /// Waits (bounded) until the public config satisfies `ok`.
    fn config_until(&self, what: &str, ok: impl Fn(&WidgetConfig) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let config: WidgetConfig = self
                .edge
                .request(
                    "GET",
                    &format!("/api/sites/{}/widget-config", self.edge.site_id),
                    &[],
                    None,
                )
                .json();
            if ok(&config) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "config never became {what}: {config:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = self.put_routing(RoutingSettings::default());
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
    let (ann, ann_cookie) = edge.new_member(&site.admin, "agent");
    let (ben, ben_cookie) = edge.new_member(&site.admin, "agent");
    let mut watch = edge.inbox_socket(&ann_cookie);
    let _ben_present = edge.inbox_socket(&ben_cookie);
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
    let (ann, ann_cookie) = edge.new_member(&site.admin, "agent");
    let (ben, ben_cookie) = edge.new_member(&site.admin, "agent");
    let _ben_present = edge.inbox_socket(&ben_cookie);
    let available =
        |c: &WidgetConfig| matches!(c.availability, PublicAvailability::Available { .. });
    let away = |c: &WidgetConfig| matches!(c.availability, PublicAvailability::Away { .. });

    // Ben is present, but only Ann is routed.
    site.route_among(&[&ann], true);
    site.config_until("away while Ann is not here", away);
    let ann_present = edge.inbox_socket(&ann_cookie);
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
        site.edge
            .as_agent(&site.admin, "PUT", &Site::path(&site.edge), Some(&settings))
    };
    let me: AgentProfile = site
        .edge
        .as_agent(&site.admin, "GET", "/api/agent/me", None)
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
        .as_agent(&site.admin, "PUT", &Site::path(&site.edge), Some(&settings))
        .assert_error(400, ErrorCode::MalformedBody);

    let stored: ChatSettings = site
        .edge
        .as_agent(&site.admin, "GET", &Site::path(&site.edge), None)
        .json();
    assert_eq!(stored.routing, site.original.routing);
}
