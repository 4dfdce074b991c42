//! The deployment: first-run setup (`POST /api/setup`), and what a housekeeping run did
//! (`POST /api/admin/housekeeping`).

use serde::{Deserialize, Serialize};

use super::AgentProfile;

/// `POST /api/setup`, authorised by the deployment's `SETUP_TOKEN` secret; works once, while
/// the deployment has no agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setup {
    pub site_name: String,
    pub admin: NewAgent,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAgent {
    pub email: String,
    pub name: String,
    pub password: String,
}

/// Answer to [`Setup`] (201).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupDone {
    pub site_id: String,
    pub admin: AgentProfile,
}

/// `POST /api/admin/housekeeping`: what the run did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HousekeepingDone {
    /// Uploads deleted because no message sent them within
    /// [`crate::limits::UPLOAD_CLAIM_WINDOW_MS`].
    pub uploads_deleted: usize,
    /// Replies and e-mails stuck with no attempt on the way, queued again.
    #[serde(default)]
    pub requeued: usize,
    /// Replies and e-mails stuck after their last attempt, failed for good.
    #[serde(default)]
    pub failed: usize,
    /// Closed conversations erased because they were past their site's retention.
    #[serde(default)]
    pub conversations_erased: usize,
}
