//! The chatflows' admin API (issue 24): a site's flows with their drafts, publishing a draft as
//! a version, the versions, rolling back, and what a bot's sessions did. The flows themselves
//! are `crate::flows`'.

use serde::{Deserialize, Serialize};

use crate::flows::{Chatflow, FlowVersion};
use crate::Millis;

/// One flow as the admins see it: its draft, and which version runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChatflowEntry {
    pub id: String,
    pub site_id: String,
    /// What is being edited.
    pub draft: Chatflow,
    /// The version that runs; none before the first publish.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<u32>,
    /// The draft differs from the version that runs (or nothing runs yet).
    pub unpublished_changes: bool,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// `GET /api/admin/sites/{site}/chatflows`: the site's flows, oldest first (the order that
/// breaks a tie between equally specific flows of the same priority).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChatflowList {
    pub flows: Vec<ChatflowEntry>,
}

/// `GET /api/admin/chatflows/{id}/versions`: every published version, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlowVersionList {
    pub versions: Vec<FlowVersion>,
}

/// `POST /api/admin/chatflows/{id}/rollback`: publish version `version` again, as a new version
/// (the history is never rewritten), and make it the draft.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rollback {
    pub version: u32,
}

/// `GET /api/admin/chatflows/{id}/report`: what the flow's bot sessions did, per version,
/// newest version first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlowReport {
    pub versions: Vec<VersionReport>,
}

/// What the sessions on one version did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VersionReport {
    pub version: u32,
    /// Sessions started (a visitor back after an abandoned one starts another).
    pub started: u64,
    /// How the sessions that ended ended, by outcome (`completed`, `handed_over`,
    /// `message_taken`, `no_answer_matched`, `error`, `taken_over`, `abandoned`); those not
    /// ended are still running.
    pub ended: Vec<OutcomeCount>,
    /// How many times sessions reached each action, in the script's order (the funnel; a
    /// session going round a loop counts at each pass).
    pub funnel: Vec<ActionCount>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeCount {
    pub outcome: String,
    pub sessions: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionCount {
    pub action: String,
    pub reached: u64,
}
