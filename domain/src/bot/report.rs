//! What a flow's bot sessions did, per version (`GET /api/admin/chatflows/{id}/report`): how
//! many started, how those that ended ended, and the funnel, action by action in the script's
//! order, from the events the conversations recorded (counted by the database).

use protocol::api::{ActionCount, FlowReport, OutcomeCount, VersionReport};
use protocol::bot::{Action, ActionKind};
use protocol::flows::FlowVersion;
use serde::Deserialize;

/// The events of one version, kind, action and outcome, counted.
#[derive(Clone, Debug, Deserialize)]
pub struct EventCount {
    pub version: u32,
    /// `started`, `reached` or `finished`.
    pub kind: String,
    pub action: Option<String>,
    pub outcome: Option<String>,
    pub n: u64,
}

/// The report of a flow published as `versions` (newest first), from its `counts`.
pub fn flow_report(versions: &[FlowVersion], counts: &[EventCount]) -> FlowReport {
    let versions = versions
        .iter()
        .map(|published| {
            let of = |kind: &'static str| {
                counts
                    .iter()
                    .filter(move |c| c.version == published.version && c.kind == kind)
            };
            let started = of("started").map(|c| c.n).sum();
            let mut ended: Vec<OutcomeCount> = crate::bot::Outcome::ALL
                .iter()
                .filter_map(|outcome| {
                    let sessions: u64 = of("finished")
                        .filter(|c| c.outcome.as_deref() == Some(outcome.as_str()))
                        .map(|c| c.n)
                        .sum();
                    (sessions > 0).then(|| OutcomeCount {
                        outcome: outcome.as_str().to_owned(),
                        sessions,
                    })
                })
                .collect();
            ended.sort_by_key(|o| std::cmp::Reverse(o.sessions));
            let mut order = Vec::new();
            if let Some(bot) = &published.flow.bot {
                in_order(&bot.actions, &mut order);
            }
            let funnel = order
                .into_iter()
                .map(|action| ActionCount {
                    reached: of("reached")
                        .filter(|c| c.action.as_deref() == Some(action))
                        .map(|c| c.n)
                        .sum(),
                    action: action.to_owned(),
                })
                .collect();
            VersionReport {
                version: published.version,
                started,
                ended,
                funnel,
            }
        })
        .collect();
    FlowReport { versions }
}

/// The ids of `actions` and of the actions nested in them, as the script lists them.
fn in_order<'a>(actions: &'a [Action], order: &mut Vec<&'a str>) {
    for action in actions {
        order.push(&action.id);
        match &action.kind {
            ActionKind::Question(question) => in_order(&question.fallback, order),
            ActionKind::Branch { cases, otherwise } => {
                for case in cases {
                    in_order(&case.actions, order);
                }
                in_order(otherwise, order);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn version(n: u32, actions: serde_json::Value) -> FlowVersion {
        serde_json::from_value(json!({
            "version": n, "published_at": 0, "published_by": "ag",
            "flow": { "name": "f", "kind": "bot", "inbox_id": "i", "language": "en",
                      "bot": { "actions": actions } },
        }))
        .unwrap()
    }

    fn count(
        version: u32,
        kind: &str,
        action: Option<&str>,
        outcome: Option<&str>,
        n: u64,
    ) -> EventCount {
        EventCount {
            version,
            kind: kind.into(),
            action: action.map(Into::into),
            outcome: outcome.map(Into::into),
            n,
        }
    }

    #[test]
    fn a_report_counts_sessions_outcomes_and_the_funnel_per_version() {
        let v2 = version(
            2,
            json!([
                { "id": "ask", "kind": "question", "text": "?", "input": { "kind": "text" },
                  "save_to": "name", "fallback": [{ "id": "help", "kind": "handover", "to": { "kind": "routing" } }] },
                { "id": "b", "kind": "branch", "cases": [
                    { "when": { "kind": "team_available" }, "actions": [{ "id": "t", "kind": "end" }] }],
                  "otherwise": [{ "id": "o", "kind": "end" }] },
            ]),
        );
        let v1 = version(1, json!([{ "id": "hi", "kind": "message", "text": "Hi" }]));
        let counts = [
            count(2, "started", None, None, 3),
            count(2, "reached", Some("ask"), None, 3),
            count(2, "reached", Some("b"), None, 2),
            count(2, "reached", Some("t"), None, 2),
            count(2, "finished", None, Some("completed"), 2),
            count(2, "finished", None, Some("abandoned"), 1),
            count(1, "started", None, None, 1),
            count(1, "reached", Some("hi"), None, 1),
        ];
        let report = flow_report(&[v2, v1], &counts);
        let latest = &report.versions[0];
        assert_eq!((latest.version, latest.started), (2, 3));
        assert_eq!(
            latest.ended,
            [
                OutcomeCount {
                    outcome: "completed".into(),
                    sessions: 2
                },
                OutcomeCount {
                    outcome: "abandoned".into(),
                    sessions: 1
                },
            ]
        );
        let funnel: Vec<(&str, u64)> = latest
            .funnel
            .iter()
            .map(|a| (a.action.as_str(), a.reached))
            .collect();
        assert_eq!(
            funnel,
            [("ask", 3), ("help", 0), ("b", 2), ("t", 2), ("o", 0)]
        );
        assert_eq!(report.versions[1].started, 1);
        assert!(report.versions[1].ended.is_empty(), "one still running");
    }
}
