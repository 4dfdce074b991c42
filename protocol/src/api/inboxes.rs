//! Inboxes and teams (`/api/agent/inboxes`, `/api/agent/teams`, `/api/admin/inboxes`,
//! `/api/admin/teams`): where channels deliver, who sees what arrives, and moving a conversation
//! or a channel to another inbox.

use serde::{Deserialize, Serialize};

use crate::Channel;

/// An inbox: where channels deliver, and who may see what arrives. Admins see every inbox; other
/// members see an inbox open to `everyone`, one they are given by name, or one given to a team
/// of theirs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    pub id: String,
    pub name: String,
    pub everyone: bool,
    pub member_ids: Vec<String>,
    pub team_ids: Vec<String>,
    /// The channels delivering here.
    pub channels: Vec<InboxChannel>,
}

/// A channel connected to an inbox: a site's chat (`id` is the site's), or a Messenger Page or
/// WhatsApp number (`id` is the connection's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxChannel {
    pub channel: Channel,
    pub id: String,
    pub name: String,
    /// The site it belongs to (for a site's chat, `id` itself).
    pub site_id: String,
}

/// `GET /api/agent/inboxes`: the inboxes the caller sees, by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxList {
    pub inboxes: Vec<Inbox>,
}

/// `POST /api/admin/inboxes` (201 `Inbox`) and `PUT /api/admin/inboxes/{id}` (200 `Inbox`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxInput {
    pub name: String,
    #[serde(default)]
    pub everyone: bool,
    #[serde(default)]
    pub member_ids: Vec<String>,
    #[serde(default)]
    pub team_ids: Vec<String>,
}

/// A team: a named group of members, giving inbox access and named by routing rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: String,
    pub name: String,
    pub member_ids: Vec<String>,
}

/// `GET /api/agent/teams`: every team (any member may read them, to assign and mention).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamList {
    pub teams: Vec<Team>,
}

/// `POST /api/admin/teams` (201 `Team`) and `PUT /api/admin/teams/{id}` (200 `Team`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamInput {
    pub name: String,
    #[serde(default)]
    pub member_ids: Vec<String>,
}

/// `PUT /api/agent/conversations/{id}/inbox` (the caller must see both inboxes),
/// `PUT /api/admin/sites/{site}/inbox` and `PUT /api/admin/sites/{site}/connections/{id}/inbox`
/// (where the channel's new conversations go; those already started stay where they are).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxChoice {
    pub inbox_id: String,
}
