//! Publishing checks a whole script and names every problem by its path in the script
//! (`actions[2].cases[0].actions[1].save_to`), so the editor can point at each: actions without
//! their texts, ids that are not ids or repeat, a question that saves nowhere (or into a
//! property of another kind), a branch case that is empty or looks at nothing, a go-to to no
//! action, a webhook without a URL, a handover or meeting naming nobody; then the shape of the
//! whole: actions never reached, loops with no way out, and loops that would spin without
//! waiting for the visitor.

use std::collections::{HashMap, HashSet};

use protocol::api::{Property, PropertyKind};
use protocol::bot::{
    Action, ActionKind, Bot, Condition, HandoverTo, Input, Question, ATTEMPTS_MAX,
    SESSION_TIMEOUT_MAX_MINUTES, TYPING_DELAY_MAX_MS, WEBHOOK_TIMEOUT_MAX_MS,
};
use protocol::limits::{MESSAGE_MAX_CHARS, URL_MAX_CHARS};

use super::program::{Program, Step};

/// Most quick replies a question offers.
pub const CHOICES_MAX: usize = 10;
/// Longest quick reply, in characters.
pub const CHOICE_MAX_CHARS: usize = 80;
/// Longest action id.
pub const ID_MAX_CHARS: usize = 64;

/// One problem, where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

/// What the script may name on its site.
#[derive(Clone, Copy, Debug, Default)]
pub struct Known<'a> {
    pub properties: &'a [Property],
    /// Every member's id.
    pub members: &'a [&'a str],
    /// The members with a meeting link on their profile.
    pub meeting_links: &'a [&'a str],
    pub teams: &'a [&'a str],
}

/// Every problem of `bot` on a site that has `known`; none: it may be published.
pub fn check(bot: &Bot, known: Known<'_>) -> Vec<Problem> {
    let program = Program::new(bot);
    let mut problems = Problems(Vec::new());
    if bot.actions.is_empty() {
        problems.add("actions", "has no action: a bot needs at least one");
    }
    let o = &bot.options;
    if o.typing_delay_ms > TYPING_DELAY_MAX_MS {
        problems.add("options.typing_delay_ms", "must be at most 5,000 ms");
    }
    if !(1..=SESSION_TIMEOUT_MAX_MINUTES).contains(&o.session_timeout_minutes) {
        problems.add(
            "options.session_timeout_minutes",
            "must be 1 to 1,440 minutes",
        );
    }
    problems.text("options.error_message", &o.error_message);
    ids(&bot.actions, "actions", &mut HashMap::new(), &mut problems);
    for node in &program.nodes {
        step(&program, &node.path, &node.step, known, &mut problems);
    }
    shape(&program, &mut problems);
    problems.0
}

/// Checks every id in the order the script reads (`seen`: each id's first path).
fn ids(list: &[Action], path: &str, seen: &mut HashMap<String, String>, problems: &mut Problems) {
    for (i, action) in list.iter().enumerate() {
        let here = format!("{path}[{i}]");
        let id = &action.id;
        let valid = !id.is_empty()
            && id.chars().count() <= ID_MAX_CHARS
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            problems.add(
                &format!("{here}.id"),
                "must be 1 to 64 letters, digits, - or _",
            );
        } else if let Some(first) = seen.get(id) {
            problems.add(
                &format!("{here}.id"),
                &format!("repeats the id `{id}` of {first}"),
            );
        } else {
            seen.insert(id.clone(), here.clone());
        }
        match &action.kind {
            ActionKind::Branch { cases, otherwise } => {
                for (c, case) in cases.iter().enumerate() {
                    let at = format!("{here}.cases[{c}].actions");
                    if case.actions.is_empty() {
                        problems.add(&at, "is empty: the case would do what not branching does");
                    }
                    ids(&case.actions, &at, seen, problems);
                }
                ids(otherwise, &format!("{here}.otherwise"), seen, problems);
            }
            ActionKind::Question(q) => {
                ids(&q.fallback, &format!("{here}.fallback"), seen, problems)
            }
            _ => {}
        }
    }
}

struct Problems(Vec<Problem>);

impl Problems {
    fn add(&mut self, path: &str, message: &str) {
        self.0.push(Problem {
            path: path.to_owned(),
            message: message.to_owned(),
        });
    }

    /// A text said to the visitor: not blank, within a message's length.
    fn text(&mut self, path: &str, text: &str) {
        if text.trim().is_empty() {
            self.add(path, "is empty");
        } else if text.chars().count() > MESSAGE_MAX_CHARS {
            self.add(path, "is longer than a message may be (4,000 characters)");
        }
    }
}

fn step(program: &Program, path: &str, step: &Step, known: Known<'_>, problems: &mut Problems) {
    match step {
        Step::Message { text, file } => {
            problems.text(&format!("{path}.text"), text);
            // Refused rather than published and quietly not sent.
            if file.is_some() {
                problems.add(
                    &format!("{path}.file"),
                    "cannot be sent by a bot yet: link the file in the text instead",
                );
            }
        }
        Step::Question { question, .. } => self::question(path, question, known, problems),
        Step::Branch { cases, .. } => {
            if cases.is_empty() {
                problems.add(&format!("{path}.cases"), "has no case");
            }
            for (c, (when, _)) in cases.iter().enumerate() {
                condition(
                    program,
                    &format!("{path}.cases[{c}].when"),
                    when,
                    known,
                    problems,
                );
            }
        }
        Step::Meeting { text, member_id } => {
            problems.text(&format!("{path}.text"), text);
            if !known.meeting_links.contains(&member_id.as_str()) {
                problems.add(
                    &format!("{path}.member_id"),
                    "names no member with a meeting link on their profile",
                );
            }
        }
        Step::Webhook { url, timeout_ms } => {
            if url.trim().is_empty() {
                problems.add(&format!("{path}.url"), "is missing: a webhook needs a URL");
            } else if !webhook_url(url) {
                problems.add(
                    &format!("{path}.url"),
                    "must be an https:// URL (or http:// on localhost, for development)",
                );
            }
            if !(1..=WEBHOOK_TIMEOUT_MAX_MS).contains(timeout_ms) {
                problems.add(&format!("{path}.timeout_ms"), "must be 1 to 10,000 ms");
            }
        }
        Step::Handover(handover) => {
            let (field, ok) = match &handover.to {
                HandoverTo::Routing => ("to", true),
                HandoverTo::Team { team_id } => {
                    ("to.team_id", known.teams.contains(&team_id.as_str()))
                }
                HandoverTo::Member { agent_id } => {
                    ("to.agent_id", known.members.contains(&agent_id.as_str()))
                }
            };
            if !ok {
                problems.add(&format!("{path}.{field}"), "names nobody on the team");
            }
            problems.text(&format!("{path}.text"), &handover.text);
            problems.text(&format!("{path}.away_text"), &handover.away_text);
            problems.text(&format!("{path}.email_text"), &handover.email_text);
            problems.text(&format!("{path}.taken_text"), &handover.taken_text);
        }
        Step::GoTo { action, target } => {
            if target.is_none() {
                let why = format!("goes to `{action}`, which is no action of this bot");
                problems.add(&format!("{path}.action"), &why);
            }
        }
        Step::End { .. } => {}
    }
}

fn question(path: &str, q: &Question, known: Known<'_>, problems: &mut Problems) {
    problems.text(&format!("{path}.text"), &q.text);
    if !q.reask.is_empty() {
        problems.text(&format!("{path}.reask"), &q.reask);
    }
    if !(1..=ATTEMPTS_MAX).contains(&q.attempts) {
        problems.add(&format!("{path}.attempts"), "must be 1 to 10");
    }
    if let Input::Choices { options, .. } = &q.input {
        let mut seen = HashSet::new();
        if options.is_empty() || options.len() > CHOICES_MAX {
            problems.add(
                &format!("{path}.input.options"),
                "must offer 1 to 10 choices",
            );
        }
        for (i, option) in options.iter().enumerate() {
            let at = format!("{path}.input.options[{i}]");
            if option.trim().is_empty() || option.chars().count() > CHOICE_MAX_CHARS {
                problems.add(&at, "must be 1 to 80 characters");
            } else if !seen.insert(option.trim().to_lowercase()) {
                problems.add(&at, "is offered twice");
            }
        }
    }
    let at = format!("{path}.save_to");
    let Some(key) = &q.save_to else {
        problems.add(&at, "is missing: the answer would be saved nowhere");
        return;
    };
    let fits = match (key.as_str(), &q.input) {
        ("email", input) => *input == Input::Email,
        ("phone", input) => *input == Input::Phone,
        ("name", input) => *input == Input::Text,
        (key, input) => match known.properties.iter().find(|p| p.key == key) {
            None => {
                problems.add(&at, &format!("names `{key}`, which is no contact property"));
                return;
            }
            Some(property) => match (property.kind, input) {
                (PropertyKind::Text, _) => true,
                (PropertyKind::Number, Input::Number) | (PropertyKind::Date, Input::Date) => true,
                (PropertyKind::Choice, Input::Choices { options, multiple }) => {
                    !multiple && options.iter().all(|o| property.options.contains(o))
                }
                _ => false,
            },
        },
    };
    if !fits {
        problems.add(
            &at,
            &format!("cannot hold this question's answers: `{key}` is of another kind"),
        );
    }
}

fn condition(
    program: &Program,
    path: &str,
    when: &Condition,
    known: Known<'_>,
    problems: &mut Problems,
) {
    match when {
        Condition::Answer { action, .. } => {
            let asks = program
                .node(action)
                .is_some_and(|(_, n)| matches!(n.step, Step::Question { .. }));
            if !asks {
                problems.add(
                    &format!("{path}.action"),
                    &format!("names `{action}`, which is no question"),
                );
            }
        }
        Condition::Property { key, .. } => {
            let exists = matches!(key.as_str(), "name" | "email" | "phone")
                || known.properties.iter().any(|p| &p.key == key);
            if !exists {
                problems.add(
                    &format!("{path}.key"),
                    &format!("names `{key}`, which is no contact property"),
                );
            }
        }
        Condition::TeamAvailable | Condition::Page { .. } | Condition::Language { .. } => {}
    }
}

/// An `https://` URL, or `http://` to this machine (a site's own system under development).
fn webhook_url(url: &str) -> bool {
    let url = url.trim();
    let host = url
        .strip_prefix("https://")
        .or_else(|| {
            url.strip_prefix("http://").filter(|rest| {
                ["localhost", "127.0.0.1", "[::1]"].iter().any(|h| {
                    rest.strip_prefix(h)
                        .is_some_and(|r| r.is_empty() || r.starts_with([':', '/']))
                })
            })
        })
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default());
    url.chars().count() <= URL_MAX_CHARS
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
        && host.is_some_and(|h| !h.is_empty())
}

/// The whole: what is never reached, and the loops with no way out or no wait.
fn shape(program: &Program, problems: &mut Problems) {
    let n = program.nodes.len();
    let mut reached = vec![false; n];
    let mut todo: Vec<usize> = program.start.into_iter().collect();
    while let Some(i) = todo.pop() {
        if !std::mem::replace(&mut reached[i], true) {
            todo.extend(program.successors(i));
        }
    }
    // Nodes from which an exit can be reached: backwards from the exits.
    let mut before = vec![Vec::new(); n];
    for i in 0..n {
        for j in program.successors(i) {
            before[j].push(i);
        }
    }
    let mut out = vec![false; n];
    let mut todo: Vec<usize> = (0..n).filter(|&i| program.exits(i)).collect();
    while let Some(i) = todo.pop() {
        if !std::mem::replace(&mut out[i], true) {
            todo.extend(before[i].iter().copied());
        }
    }
    for (i, node) in program.nodes.iter().enumerate() {
        if !reached[i] {
            problems.add(&node.path, "is never reached");
        } else if !out[i] {
            problems.add(
                &node.path,
                "loops without an exit: nothing after it ends or hands over",
            );
        }
    }
    for i in spinning(program, &reached) {
        problems.add(
            &program.nodes[i].path,
            "loops without waiting for the visitor: add a question on the way round",
        );
    }
}

/// One node of each loop that runs without a question or webhook on it (it would spin).
fn spinning(program: &Program, reached: &[bool]) -> Vec<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let n = program.nodes.len();
    let mut mark = vec![Mark::New; n];
    let mut found = Vec::new();
    for root in (0..n).filter(|&i| reached[i] && !program.waits(i)) {
        if mark[root] != Mark::New {
            continue;
        }
        // Depth first over nodes that do not wait, iteratively: (node, its successors left).
        let mut stack = vec![(root, program.successors(root))];
        mark[root] = Mark::Open;
        while let Some((i, rest)) = stack.last_mut() {
            let i = *i;
            match rest.pop() {
                Some(j) if program.waits(j) => {}
                Some(j) => match mark[j] {
                    Mark::New => {
                        mark[j] = Mark::Open;
                        let after = program.successors(j);
                        stack.push((j, after));
                    }
                    Mark::Open => found.push(j),
                    Mark::Done => {}
                },
                None => {
                    mark[i] = Mark::Done;
                    stack.pop();
                }
            }
        }
    }
    found.sort_unstable();
    found.dedup();
    found
}
