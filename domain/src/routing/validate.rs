//! Checking a rule choosing people (routing's, a chat heading's) as an admin sends it: members
//! and teams named once each, within bounds, and someone named where the rule needs it.

use std::collections::BTreeSet;

use protocol::settings::{PeopleRule, RoutingSettings, MAX_ROUTED_MEMBERS};

use crate::Rejection;

/// Checks a routing rule as an admin sends it ([`validate_people`] under `routing.rule`).
pub fn validate(settings: &mut RoutingSettings) -> Result<(), Rejection> {
    validate_people(&settings.rule, "routing.rule")
}

/// Checks a rule choosing people (routing's, a heading's) as an admin sends it, naming its
/// fields under `field`: members and teams named once each, at most [`MAX_ROUTED_MEMBERS`] of
/// each, and at least one of either for the members rule (the contact owner rule may name
/// none: for anyone without an owner, nobody). Whether they exist is the edge's to check.
pub fn validate_people(rule: &PeopleRule, field: &str) -> Result<(), Rejection> {
    let Some((agent_ids, team_ids)) = rule.named() else {
        return Ok(());
    };
    if matches!(rule, PeopleRule::Members { .. }) && agent_ids.is_empty() && team_ids.is_empty() {
        return Err(Rejection::field(
            &format!("{field}.agent_ids"),
            "must name at least one member or team (with team_ids)",
        ));
    }
    for (list, ids) in [("agent_ids", agent_ids), ("team_ids", team_ids)] {
        if ids.len() > MAX_ROUTED_MEMBERS {
            return Err(Rejection::field(
                &format!("{field}.{list}"),
                &format!("may name at most {MAX_ROUTED_MEMBERS}"),
            ));
        }
        let mut seen = BTreeSet::new();
        if let Some(i) = ids.iter().position(|id| !seen.insert(id.as_str())) {
            return Err(Rejection::field(
                &format!("{field}.{list}[{i}]"),
                "is already named",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::tests::members;

    #[test]
    fn a_rule_names_its_members_once_each() {
        let mut ok = members(&["a", "b"], true);
        assert!(validate(&mut ok).is_ok());
        let empty = validate(&mut members(&[], true)).unwrap_err();
        assert!(
            empty.message.contains("`routing.rule.agent_ids`"),
            "{empty:?}"
        );
        let twice = validate(&mut members(&["a", "b", "a"], true)).unwrap_err();
        assert!(
            twice.message.contains("`routing.rule.agent_ids[2]`"),
            "{twice:?}"
        );
        assert!(validate(&mut RoutingSettings::default()).is_ok());
    }

    #[test]
    fn settings_without_routing_read_as_off_and_only_available() {
        let read: RoutingSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(read, RoutingSettings::default());
        assert!(read.only_available);
        let rule: RoutingSettings =
            serde_json::from_str(r#"{"rule":{"kind":"members","agent_ids":["a"]}}"#).unwrap();
        assert_eq!(rule, members(&["a"], true));
    }
}
