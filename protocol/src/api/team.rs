//! The team: members and their roles, invitations to join (`/api/admin/invitations`,
//! `/api/invitations`), and changing one's own password.

use serde::{Deserialize, Serialize};

use super::{AgentProfile, Role};
use crate::Millis;

/// `GET /api/agent/team`: every member, by name; any agent may read it (to assign, to mention).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Members {
    pub members: Vec<AgentProfile>,
}

/// `PUT /api/admin/agents/{id}/role`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetRole {
    pub role: Role,
}

/// `PUT /api/agent/me/password`: the current password confirms it is the agent; every other
/// session of theirs ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
}

/// `POST /api/admin/invitations`: invite someone to the team. Inviting an address again
/// replaces its pending invitation (the old link stops working).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewInvitation {
    pub email: String,
    /// How the team will see them; they may change it when they accept.
    pub name: String,
    pub role: Role,
    /// Inboxes they are given by name from the start (open inboxes need none).
    #[serde(default)]
    pub inbox_ids: Vec<String>,
    /// Teams they join from the start.
    #[serde(default)]
    pub team_ids: Vec<String>,
}

/// A pending invitation as admins see it (never with its token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub inbox_ids: Vec<String>,
    #[serde(default)]
    pub team_ids: Vec<String>,
    /// The name of the admin who sent it, while they are a member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invited_by: Option<String>,
    pub created_at: Millis,
    pub expires_at: Millis,
}

/// Answer to [`NewInvitation`] (201): the link to give the invitee, shown this once (only a
/// digest of its token is stored).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationCreated {
    pub invitation: Invitation,
    /// `{origin}/inbox#invite={token}`: the token stays in the fragment, out of server logs.
    pub url: String,
    /// Whether the link was also e-mailed to them (queued); when not, why not, for the admin
    /// who then passes the link on themselves.
    #[serde(default)]
    pub emailed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_emailed_because: Option<String>,
}

/// `GET /api/admin/invitations`: pending invitations, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationList {
    pub invitations: Vec<Invitation>,
}

/// `GET /api/invitations/current` (the invitation's token as `Authorization: Bearer`): what
/// the invitee is about to accept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPreview {
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The name of the site they will answer for.
    pub site_name: String,
    pub expires_at: Millis,
}

/// `POST /api/invitations/accept` (token as `Authorization: Bearer`): become a member and be
/// signed in. Answered with the new [`AgentProfile`] (201) and a session cookie.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptInvitation {
    pub name: String,
    pub password: String,
}
