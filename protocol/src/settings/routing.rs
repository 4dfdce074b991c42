//! Who new conversations are assigned to, and whose names head the chat: both are a
//! [`PeopleRule`] (nobody, named members and teams, or a contact's owner), as stored and as a
//! form edits it. Choosing by the rule is `domain::routing`'s.

use serde::{Deserialize, Serialize};

use super::yes;

/// Who new conversations are assigned to. JSON:
/// `{"rule": {"kind": "members", "agent_ids": ["a_…"]}, "only_available": true}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingSettings {
    #[serde(default)]
    pub rule: RoutingRule,
    /// Assign only to members who are available now (their toggle on, the inbox open); on by
    /// default. Off, an away member may get a conversation to answer when back.
    #[serde(default = "yes")]
    pub only_available: bool,
}

impl Default for RoutingSettings {
    fn default() -> Self {
        Self {
            rule: RoutingRule::Off,
            only_available: true,
        }
    }
}

/// Members chosen for a job, as a channel's routing and a chat heading choose them: nobody,
/// named members and teams, or a contact's owner with named members and teams for everyone
/// else. [`RoutingRule`] and [`HeadingRule`] say what each makes of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PeopleRule {
    #[default]
    Off,
    /// These members and the members of these teams (of the conversation's inbox, for
    /// routing).
    Members {
        #[serde(default)]
        agent_ids: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        team_ids: Vec<String>,
    },
    /// A known contact's owner; everyone else (a new visitor, a contact without an owner) as
    /// `Members` with these, or as `Off` when none are named. Website chat only: Messenger and
    /// WhatsApp contacts have no owner.
    ContactOwner {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        agent_ids: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        team_ids: Vec<String>,
    },
}

/// The assignment rule of a channel. Never beyond a member's chat limit; balanced among the
/// eligible (fewest open assigned conversations, then longest since their last one).
/// - `Off`: new conversations stay unassigned; the team picks them up. Availability counts
///   everyone.
/// - `Members`: assigned among them; availability counts only them.
/// - `ContactOwner`: to the visitor's contact owner when they have one who sees the
///   conversation's inbox and is under their chat limit, even while away (they are e-mailed
///   then); anyone else as `Members`, or unassigned when none are named.
pub type RoutingRule = PeopleRule;

/// Who the chat heading shows.
/// - `Off`: the heading text alone.
/// - `Members`: their names and pictures; three of them, chosen at random for each visitor,
///   when there are more.
/// - `ContactOwner`: a known contact sees their owner; everyone else as `Members`, or the
///   heading text when none are named.
///
/// Whatever the rule, a conversation an agent has taken is headed by that agent.
pub type HeadingRule = PeopleRule;

/// How a rule assigns, as a form chooses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoutingMode {
    Off,
    Members,
    ContactOwner,
}

impl PeopleRule {
    /// The members and teams the rule names (the fallback's, for the contact owner rule);
    /// `None` when routing is off.
    pub fn named(&self) -> Option<(&[String], &[String])> {
        match self {
            Self::Off => None,
            Self::Members {
                agent_ids,
                team_ids,
            }
            | Self::ContactOwner {
                agent_ids,
                team_ids,
            } => Some((agent_ids, team_ids)),
        }
    }

    /// The rule as a form edits it: its mode, and the members and teams it names (none when
    /// off).
    pub fn choices(&self) -> (RoutingMode, Vec<String>, Vec<String>) {
        let mode = match self {
            Self::Off => RoutingMode::Off,
            Self::Members { .. } => RoutingMode::Members,
            Self::ContactOwner { .. } => RoutingMode::ContactOwner,
        };
        let (agents, teams) = self.named().unwrap_or_default();
        (mode, agents.to_vec(), teams.to_vec())
    }

    /// The rule a form's choices make.
    pub fn from_choices(mode: RoutingMode, agent_ids: Vec<String>, team_ids: Vec<String>) -> Self {
        match mode {
            RoutingMode::Off => Self::Off,
            RoutingMode::Members => Self::Members {
                agent_ids,
                team_ids,
            },
            RoutingMode::ContactOwner => Self::ContactOwner {
                agent_ids,
                team_ids,
            },
        }
    }
}

/// Most members, and most teams, a routing rule may name.
pub const MAX_ROUTED_MEMBERS: usize = 100;
