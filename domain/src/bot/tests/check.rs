//! Publishing's checks: each problem named by its path.

use protocol::api::{Property, PropertyKind};
use serde_json::json;

use super::*;

fn problems(script: &Bot, known: Known<'_>) -> Vec<(String, String)> {
    check(script, known)
        .into_iter()
        .map(|p| (p.path, p.message))
        .collect()
}

#[test]
fn publishing_names_each_problem_by_its_path() {
    let properties = [Property {
        key: "plan".into(),
        label: "Plan".into(),
        kind: PropertyKind::Choice,
        options: vec!["Free".into(), "Pro".into()],
    }];
    let known = Known {
        properties: &properties,
        members: &["ag_1"],
        meeting_links: &[],
        teams: &["t_1"],
    };
    let script = bot(json!([
        { "id": "hi", "kind": "message", "text": " " },
        { "id": "hi", "kind": "question", "text": "Plan?", "input": { "kind": "choices", "options": ["Free", "Gold"] }, "save_to": "plan" },
        { "id": "n", "kind": "question", "text": "Notes?", "input": { "kind": "text" } },
        { "id": "b", "kind": "branch", "cases": [
            { "when": { "kind": "answer", "action": "nope", "test": { "op": "known" } }, "actions": [] }] },
        { "id": "w", "kind": "webhook", "url": "" },
        { "id": "m", "kind": "meeting", "text": "Book:", "member_id": "ag_1" },
        { "id": "h", "kind": "handover", "to": { "kind": "team", "team_id": "t_gone" } },
        { "id": "f", "kind": "message", "text": "Our menu:", "file": "up_1" },
    ]));
    let found = problems(&script, known);
    let expect = [
        ("actions[0].text", "is empty"),
        ("actions[1].id", "repeats the id"),
        ("actions[1].save_to", "cannot hold"),
        ("actions[2].save_to", "saved nowhere"),
        ("actions[3].cases[0].when.action", "no question"),
        ("actions[3].cases[0].actions", "is empty"),
        ("actions[4].url", "needs a URL"),
        ("actions[5].member_id", "meeting link"),
        ("actions[6].to.team_id", "names nobody"),
        ("actions[7].file", "cannot be sent by a bot yet"),
    ];
    for (path, words) in expect {
        assert!(
            found.iter().any(|(p, m)| p == path && m.contains(words)),
            "{path}: {words} not in {found:#?}"
        );
    }
}

#[test]
fn loops_need_an_exit_and_a_wait() {
    let spin = bot(json!([
        { "id": "a", "kind": "message", "text": "Again" },
        { "id": "b", "kind": "go_to", "action": "a" },
    ]));
    let found = problems(&spin, Known::default());
    assert!(
        found.iter().any(|(_, m)| m.contains("without an exit")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|(_, m)| m.contains("without waiting")),
        "{found:?}"
    );

    let trapped = bot(json!([
        { "id": "q", "kind": "question", "text": "Name?", "input": { "kind": "text" }, "save_to": "name",
          "fallback": [{ "id": "back", "kind": "go_to", "action": "q" }] },
        { "id": "loop", "kind": "go_to", "action": "q" },
    ]));
    let found = problems(&trapped, Known::default());
    assert!(
        found
            .iter()
            .any(|(p, m)| p == "actions[0]" && m.contains("without an exit")),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|(_, m)| m.contains("without waiting")),
        "{found:?}"
    );

    let webhooks = [
        ("http://127.0.0.1:8788/hook", true),
        ("http://localhost/hook", true),
        ("https://shop.example/hook", true),
        ("http://shop.example/hook", false),
        ("ftp://shop.example", false),
        ("https://", false),
    ];
    for (url, ok) in webhooks {
        let script = bot(json!([{ "id": "w", "kind": "webhook", "url": url }]));
        assert_eq!(problems(&script, Known::default()).is_empty(), ok, "{url}");
    }
    let dead_end = bot(json!([
        { "id": "bye", "kind": "end" },
        { "id": "lost", "kind": "message", "text": "Never said." },
    ]));
    assert_eq!(
        problems(&dead_end, Known::default()),
        [("actions[1]".to_owned(), "is never reached".to_owned())]
    );
    assert_eq!(
        problems(&bot(json!([])), Known::default()),
        [(
            "actions".to_owned(),
            "has no action: a bot needs at least one".to_owned()
        )]
    );
}
