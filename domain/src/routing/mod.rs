//! Routing: who a new conversation is assigned to, by the channel's rule
//! (`protocol::settings::RoutingSettings`), decided by one pure function of the rule and the
//! members' state. The edge runs it in the inbox's Durable Object, one decision at a time, so two
//! conversations arriving together never both take a member's last free place.
//!
//! - **Off**: nobody; the team picks conversations up from the Unassigned view.
//! - **Members**: among the named members and the members of the named teams, of the
//!   conversation's inbox (the edge gives only them as candidates). Only those available now (toggle on and inbox open)
//!   unless `only_available` is off; never one at their chat limit; the one with the fewest open
//!   assigned conversations, then the one longest since their last routed conversation (a round
//!   robin among equals), then by id so the choice never depends on order. Nobody eligible:
//!   the conversation stays unassigned.
//! - **Contact owner**: to the visitor's contact owner if they are a member of the
//!   conversation's inbox under their chat limit, available or not (the edge e-mails an away
//!   owner); otherwise as **Members** with the rule's fallback members and teams, or nobody
//!   when it names none.
//!
//! The rule also says whose presence makes the channel available (`routed`).
//!
//! Checking a rule as an admin sends it (members and teams named once each, within bounds) is
//! the `validate` submodule's, re-exported here: [`validate`], [`validate_people`].

use protocol::settings::{RoutingRule, RoutingSettings};
use protocol::Millis;
use serde::{Deserialize, Serialize};

use crate::availability::AgentPresence;

mod validate;

pub use validate::{validate, validate_people};

/// A member as routing and availability see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub id: String,
    /// Their toggle says available and they have the inbox open.
    pub available: bool,
    /// Open conversations assigned to them now.
    pub open_assigned: u32,
    /// The most open conversations assigned to them at once; `None`: no limit.
    pub chat_limit: Option<u32>,
    /// When routing last gave them a conversation.
    pub last_routed_at: Option<Millis>,
    /// The teams they are in.
    #[serde(default)]
    pub team_ids: Vec<String>,
    /// The inboxes they are members of (the edge keeps only an inbox's members as its
    /// candidates; availability's cached presence keeps everyone, with this to filter by).
    #[serde(default)]
    pub inbox_ids: Vec<String>,
}

impl Candidate {
    /// What availability needs of them.
    pub fn presence(&self) -> AgentPresence {
        AgentPresence {
            available: self.available,
            open_conversations: self.open_assigned,
            capacity: self.chat_limit,
        }
    }

    fn has_room(&self) -> bool {
        self.chat_limit
            .is_none_or(|limit| self.open_assigned < limit)
    }
}

/// The members the rule covers: everyone when routing is off or names nobody (the whole team
/// answers). For the contact owner rule, its fallback's members: the owner is one visitor's,
/// and availability is the site's.
pub fn routed<'a>(
    rule: &'a RoutingRule,
    candidates: &'a [Candidate],
) -> impl Iterator<Item = &'a Candidate> + 'a {
    let named = rule
        .named()
        .filter(|(agents, teams)| !agents.is_empty() || !teams.is_empty());
    candidates.iter().filter(move |c| match named {
        None => true,
        Some((agent_ids, team_ids)) => {
            agent_ids.contains(&c.id) || c.team_ids.iter().any(|t| team_ids.contains(t))
        }
    })
}

/// The member a new conversation goes to, if anyone. `owner` is the contact owner of the
/// conversation's visitor, if they have one (read only by the contact owner rule); the
/// candidates are the members of the conversation's inbox.
pub fn choose<'a>(
    settings: &'a RoutingSettings,
    candidates: &'a [Candidate],
    owner: Option<&str>,
) -> Option<&'a Candidate> {
    let (agent_ids, team_ids) = settings.rule.named()?;
    if let RoutingRule::ContactOwner { .. } = settings.rule {
        // The owner even while away (the edge e-mails them then), but never past their limit.
        if let Some(owner) = owner
            .and_then(|id| candidates.iter().find(|c| c.id == id))
            .filter(|c| c.has_room())
        {
            return Some(owner);
        }
        if agent_ids.is_empty() && team_ids.is_empty() {
            return None;
        }
    }
    routed(&settings.rule, candidates)
        .filter(|c| c.available || !settings.only_available)
        .filter(|c| c.has_room())
        .min_by(|a, b| {
            (
                a.open_assigned,
                a.last_routed_at.unwrap_or(Millis::MIN),
                &a.id,
            )
                .cmp(&(
                    b.open_assigned,
                    b.last_routed_at.unwrap_or(Millis::MIN),
                    &b.id,
                ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(
        id: &str,
        available: bool,
        open: u32,
        limit: Option<u32>,
        last: Option<Millis>,
    ) -> Candidate {
        Candidate {
            id: id.into(),
            available,
            open_assigned: open,
            chat_limit: limit,
            last_routed_at: last,
            team_ids: Vec::new(),
            inbox_ids: Vec::new(),
        }
    }

    pub(super) fn members(ids: &[&str], only_available: bool) -> RoutingSettings {
        RoutingSettings {
            rule: RoutingRule::Members {
                agent_ids: ids.iter().map(|s| (*s).into()).collect(),
                team_ids: Vec::new(),
            },
            only_available,
        }
    }

    #[test]
    fn a_team_routes_to_its_members_beside_named_members() {
        let in_team = |id: &str, open: u32| Candidate {
            team_ids: vec!["nights".into()],
            ..member(id, true, open, None, None)
        };
        let team = [
            in_team("t1", 3),
            in_team("t2", 1),
            member("named", true, 2, None, None),
            member("other", true, 0, None, None),
        ];
        let rule = RoutingSettings {
            rule: RoutingRule::Members {
                agent_ids: vec!["named".into()],
                team_ids: vec!["nights".into()],
            },
            only_available: true,
        };
        let ids: Vec<&str> = routed(&rule.rule, &team).map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["t1", "t2", "named"]);
        assert_eq!(chosen(&rule, &team).as_deref(), Some("t2"));
        let teams_only = RoutingSettings {
            rule: RoutingRule::Members {
                agent_ids: Vec::new(),
                team_ids: vec!["nights".into()],
            },
            only_available: true,
        };
        assert!(validate(&mut teams_only.clone()).is_ok());
        assert_eq!(chosen(&teams_only, &team).as_deref(), Some("t2"));
        let twice = RoutingSettings {
            rule: RoutingRule::Members {
                agent_ids: Vec::new(),
                team_ids: vec!["n".into(), "n".into()],
            },
            only_available: true,
        };
        let refused = validate(&mut twice.clone()).unwrap_err();
        assert!(
            refused.message.contains("`routing.rule.team_ids[1]`"),
            "{refused:?}"
        );
    }

    fn chosen(settings: &RoutingSettings, candidates: &[Candidate]) -> Option<String> {
        choose(settings, candidates, None).map(|c| c.id.clone())
    }

    #[test]
    fn off_assigns_nobody_and_counts_everyone() {
        let team = [
            member("a", true, 0, None, None),
            member("b", false, 0, None, None),
        ];
        assert_eq!(chosen(&RoutingSettings::default(), &team), None);
        assert_eq!(routed(&RoutingRule::Off, &team).count(), 2);
    }

    #[test]
    fn only_named_members_are_routed_to_and_counted() {
        let team = [
            member("a", true, 0, None, None),
            member("b", true, 5, None, None),
        ];
        let rule = members(&["b"], true);
        assert_eq!(chosen(&rule, &team).as_deref(), Some("b"));
        let ids: Vec<&str> = routed(&rule.rule, &team).map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["b"]);
    }

    #[test]
    fn the_fewest_open_conversations_win() {
        let team = [
            member("a", true, 3, None, None),
            member("b", true, 1, None, None),
            member("c", true, 2, None, None),
        ];
        assert_eq!(
            chosen(&members(&["a", "b", "c"], true), &team).as_deref(),
            Some("b")
        );
    }

    #[test]
    fn among_equals_the_longest_waiting_wins_then_the_id() {
        let team = [
            member("a", true, 1, None, Some(300)),
            member("b", true, 1, None, Some(100)),
            member("c", true, 1, None, Some(200)),
        ];
        let rule = members(&["a", "b", "c"], true);
        assert_eq!(chosen(&rule, &team).as_deref(), Some("b"));
        // Never routed beats routed long ago; a full tie goes by id.
        let team = [
            member("z", true, 0, None, None),
            member("y", true, 0, None, Some(1)),
        ];
        assert_eq!(
            chosen(&members(&["z", "y"], true), &team).as_deref(),
            Some("z")
        );
        let team = [
            member("z", true, 0, None, None),
            member("y", true, 0, None, None),
        ];
        assert_eq!(
            chosen(&members(&["z", "y"], true), &team).as_deref(),
            Some("y")
        );
    }

    #[test]
    fn never_beyond_a_chat_limit() {
        let team = [
            member("a", true, 2, Some(2), None),
            member("b", true, 9, Some(10), None),
        ];
        assert_eq!(
            chosen(&members(&["a", "b"], true), &team).as_deref(),
            Some("b")
        );
        let full = [member("a", true, 2, Some(2), None)];
        assert_eq!(chosen(&members(&["a"], true), &full), None);
        assert_eq!(chosen(&members(&["a"], false), &full), None);
    }

    #[test]
    fn away_members_only_when_only_available_is_off() {
        let team = [
            member("away", false, 0, None, None),
            member("here", true, 4, None, None),
        ];
        assert_eq!(
            chosen(&members(&["away", "here"], true), &team).as_deref(),
            Some("here")
        );
        assert_eq!(
            chosen(&members(&["away", "here"], false), &team).as_deref(),
            Some("away")
        );
        let nobody_here = [member("away", false, 0, None, None)];
        assert_eq!(chosen(&members(&["away"], true), &nobody_here), None);
    }

    fn owner_rule(fallback: &[&str]) -> RoutingSettings {
        RoutingSettings {
            rule: RoutingRule::ContactOwner {
                agent_ids: fallback.iter().map(|s| (*s).into()).collect(),
                team_ids: Vec::new(),
            },
            only_available: true,
        }
    }

    #[test]
    fn the_contact_owner_gets_their_contact_even_while_away() {
        let team = [
            member("owner", false, 3, None, None),
            member("here", true, 0, None, None),
        ];
        let rule = owner_rule(&["here"]);
        assert_eq!(
            choose(&rule, &team, Some("owner")).map(|c| c.id.as_str()),
            Some("owner"),
            "away, and busier, but theirs"
        );
        // No owner (a new visitor): the fallback, by the usual rules.
        assert_eq!(
            choose(&rule, &team, None).map(|c| c.id.as_str()),
            Some("here")
        );
        // The owner is not a member of this inbox: the fallback.
        assert_eq!(
            choose(&rule, &team, Some("elsewhere")).map(|c| c.id.as_str()),
            Some("here")
        );
    }

    #[test]
    fn a_full_owner_falls_back_and_no_fallback_leaves_it_unassigned() {
        let team = [
            member("owner", true, 2, Some(2), None),
            member("here", true, 0, None, None),
        ];
        assert_eq!(
            choose(&owner_rule(&["here"]), &team, Some("owner")).map(|c| c.id.as_str()),
            Some("here")
        );
        assert_eq!(choose(&owner_rule(&[]), &team, Some("owner")), None);
        assert_eq!(choose(&owner_rule(&[]), &team, None), None);
        let free = [member("owner", false, 0, None, None)];
        assert_eq!(
            choose(&owner_rule(&[]), &free, Some("owner")).map(|c| c.id.as_str()),
            Some("owner")
        );
    }

    #[test]
    fn the_contact_owner_rule_counts_its_fallback_or_everyone() {
        let team = [
            member("a", true, 0, None, None),
            member("b", true, 0, None, None),
        ];
        assert_eq!(routed(&owner_rule(&[]).rule, &team).count(), 2);
        let only_b = owner_rule(&["b"]);
        let ids: Vec<&str> = routed(&only_b.rule, &team).map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["b"]);
        assert!(
            validate(&mut owner_rule(&[])).is_ok(),
            "no fallback is allowed"
        );
        let twice = validate(&mut owner_rule(&["a", "a"])).unwrap_err();
        assert!(
            twice.message.contains("`routing.rule.agent_ids[1]`"),
            "{twice:?}"
        );
        let read: RoutingSettings =
            serde_json::from_str(r#"{"rule":{"kind":"contact_owner"}}"#).unwrap();
        assert_eq!(read, owner_rule(&[]));
    }
}
