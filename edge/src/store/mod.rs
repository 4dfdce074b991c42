//! Every D1 query, with bound parameters, a module per aggregate. D1 holds what must be queried
//! across conversations; the message log itself lives in each conversation's Durable Object.
//! This module keeps only what every query shares: binding values, preparing a statement,
//! counting changed rows, the clock and how a channel is stored. Each submodule's items that
//! callers used from here before the split are re-exported below, so `store::x` still works.
//!
//! - [`sites`]: each site's chat settings (`sites`).
//! - [`setup`]: first-run setup, the first site and admin made together once.
//! - [`visitors`]: visitors and the tokens they hold (`visitors`, `visitor_tokens`).
//! - [`contacts`]: the people on every channel (`contacts`): the directory, a contact's page.
//! - [`properties`]: a site's contact properties and contacts' values of them.
//! - [`erasure_requests`]: visitors' requests to be erased, waiting for an admin.
//! - [`erasures`]: erasing a contact's rows, and the record the accounts keep.
//! - [`merges`]: two contacts merged into one, and undoing it (`contact_merges`).
//! - [`identity`]: identified visitors: the site's identity secret, linking and merging.
//! - [`conversations`]: the inbox index (`conversations`) and message text for search.
//! - [`assignment`]: who routing may choose, routing a conversation, assigning by hand.
//! - [`access`]: who may see what: the [`Viewer`] condition (`inbox_access`) and who may still
//!   see a conversation's thread socket (`thread_sockets`).
//! - [`consent`]: consent texts by version (`consent_texts`), each conversation's record of its
//!   visitor's consent, and where each Messenger person's consent stands (`meta_consent`).
//! - [`agents`]: agents and their sessions (`agents`, `agent_sessions`), status and pictures.
//! - [`team`]: the team as a whole: roles, invitations, ending sessions, failed sign-ins,
//!   mentions.
//! - [`inboxes`]: inboxes and teams, and moving conversations between them.
//! - [`connections`]: connected Messenger Pages and WhatsApp numbers, their contacts'
//!   conversations, and events for accounts nobody connected.
//! - [`flow`]: a connection's flow, and the events held until a person agrees.
//! - [`replies`]: replies on Messenger and WhatsApp and their delivery.
//! - [`mail`]: the visitor's details agents fill in, and e-mails sent from conversations.
//! - [`attachments`]: files sent in conversations: uploaded, claimed, expired.
//! - [`snippets`]: the team's saved replies.
//! - [`reports`]: what reports read, and what publishing a reply records for them.
//! - [`idempotency`]: what lets a retry find what its first attempt did.
//! - [`dead_letters`]: queued messages that failed, for admins to retry.

use protocol::{Channel, Millis};
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result, Result};

pub mod access;
pub mod agents;
pub mod assignment;
pub mod attachments;
pub mod bots;
pub mod chatflows;
pub mod connections;
pub mod consent;
pub mod contacts;
pub mod conversations;
pub mod dead_letters;
pub mod erasure_requests;
pub mod erasures;
pub mod flow;
pub mod idempotency;
pub mod identity;
pub mod inboxes;
pub mod mail;
pub mod merges;
pub mod properties;
pub mod replies;
pub mod reports;
pub mod setup;
pub mod sites;
pub mod snippets;
pub mod team;
pub mod visitors;

pub use access::Viewer;
pub use agents::{
    agent_by_email, avatar_key, delete_session, insert_session, session_agent, session_expiry,
    set_agent_avatar, set_agent_status, AgentRow,
};
pub use assignment::{assign, route_to, routing_candidates};
pub use attachments::{
    attachment_key, claim_attachment, conversation_attachment, delete_expired, expire_unclaimed,
    insert_attachment,
};
pub use connections::{
    connection_for, connections, contact_conversation, conversation_connection, delete_connection,
    insert_connection, insert_meta_conversation, insert_unrouted, open_contact_conversation,
    replace_token, ConnectionRow, NewMetaConversation,
};
pub use conversations::{
    conversation_site, conversation_visible, insert_conversation, is_visitors_conversation,
    latest_conversation, list_conversations, publish_message, search_conversations,
    set_conversation_status, NewConversation,
};
pub use setup::{first_run, FirstRun};
pub use sites::{chat_settings, first_site_settings, put_chat_settings};
pub use visitors::{
    insert_visitor, insert_visitor_token, visitor_any_site, visitor_by_token, VisitorRow,
};

fn num(n: i64) -> JsValue {
    // D1 takes JS numbers; every value stored here (milliseconds, sequence numbers) is far below
    // 2^53, so the conversion is exact.
    JsValue::from_f64(n as f64)
}

fn text(s: &str) -> JsValue {
    JsValue::from_str(s)
}

fn opt_text(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::NULL, JsValue::from_str)
}

fn opt_num(n: Option<i64>) -> JsValue {
    n.map_or(JsValue::NULL, num)
}

fn stmt(db: &D1Database, sql: &str, args: &[JsValue]) -> Result<D1PreparedStatement> {
    db.prepare(sql).bind(args)
}

/// How many rows a statement changed.
fn changes(result: &D1Result) -> usize {
    result
        .meta()
        .ok()
        .flatten()
        .and_then(|m| m.changes)
        .unwrap_or(0)
}

pub fn now() -> Millis {
    js_sys::Date::now() as Millis
}

/// How a channel is stored (`conversations.channel`, `meta_connections.channel`, ...).
fn channel_name(channel: Channel) -> &'static str {
    match channel {
        Channel::Chat => "chat",
        Channel::Messenger => "messenger",
        Channel::WhatsApp => "whatsapp",
    }
}
