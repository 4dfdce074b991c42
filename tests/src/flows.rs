//! Chatflows' common steps: making a flow as an admin, publishing it, the widget config of a
//! page, and starting a conversation on a page as a new visitor.

use protocol::api::{ConversationCreated, InboxList, WidgetConfig};
use serde_json::Value;

use crate::{Edge, Reply};

/// The first inbox the admin sees (the site's own).
pub fn first_inbox(edge: &Edge, admin: &str) -> String {
    let list: InboxList = edge
        .as_agent(admin, "GET", "/api/agent/inboxes", None)
        .json();
    list.inboxes[0].id.clone()
}

pub fn flows_path(edge: &Edge) -> String {
    format!("/api/admin/sites/{}/chatflows", edge.site_id)
}

/// `POST`s `flow` as a new chatflow (a draft).
pub fn make(edge: &Edge, admin: &str, flow: &Value) -> Reply {
    edge.as_agent(admin, "POST", &flows_path(edge), Some(flow))
}

pub fn publish(edge: &Edge, admin: &str, id: &str) -> Reply {
    edge.as_agent(
        admin,
        "POST",
        &format!("/api/admin/chatflows/{id}/publish"),
        None,
    )
}

/// Makes `flow` and publishes it (both asserted); the flow's id.
pub fn make_published(edge: &Edge, admin: &str, flow: &Value) -> String {
    let made = make(edge, admin, flow);
    assert_eq!(made.status, 201, "{}", made.body);
    let id = made.json::<protocol::api::ChatflowEntry>().id;
    let published = publish(edge, admin, &id);
    assert_eq!(published.status, 201, "{}", published.body);
    id
}

/// The public widget config of `page` (a path).
pub fn config_on(edge: &Edge, page: &str) -> WidgetConfig {
    let reply = edge.request(
        "GET",
        &format!("/api/sites/{}/widget-config?page={page}", edge.site_id),
        &[],
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

/// Starts a conversation on `page` (a full URL) as a new visitor, with `text`.
pub fn start_on(edge: &Edge, page: &str, text: &str) -> ConversationCreated {
    edge.start_conversation_on(None, text, page)
}
