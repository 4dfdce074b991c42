//! A script laid out as the engine runs it: every action, nested or not, one [`Node`] with
//! where it goes next, so that running it is following indices. A branch's case (and a
//! question's fallback) that runs out goes on after the branch (the question); the script's
//! last action goes nowhere: the script is complete. Each node keeps the path of its action in
//! the script (`actions[2].cases[0].actions[1]`), for the errors publishing names.

use std::collections::HashMap;

use protocol::bot::{Action, ActionKind, Bot, BotOptions, Condition, Handover, Question};

/// A script laid out; see the module docs.
#[derive(Clone, Debug)]
pub struct Program {
    pub nodes: Vec<Node>,
    /// The first action, if the script has any.
    pub start: Option<usize>,
    pub options: BotOptions,
    ids: HashMap<String, usize>,
}

/// One action, with where it goes next.
#[derive(Clone, Debug)]
pub struct Node {
    pub id: String,
    /// Where the action is in the script, as publishing names it.
    pub path: String,
    pub step: Step,
    /// The action after this one; none: the script is complete.
    pub next: Option<usize>,
}

/// What a node does; nested lists are replaced by where they start.
#[derive(Clone, Debug)]
pub enum Step {
    Message {
        text: String,
        file: Option<String>,
    },
    /// `fallback`: where the visitor goes after too many bad answers (none: to the team).
    Question {
        question: Box<Question>,
        fallback: Option<usize>,
    },
    /// Each case's condition and where it starts (its next node when empty).
    Branch {
        cases: Vec<(Condition, Option<usize>)>,
        otherwise: Option<usize>,
    },
    Meeting {
        text: String,
        member_id: String,
    },
    Webhook {
        url: String,
        timeout_ms: u32,
    },
    Handover(Handover),
    /// `target`: the node named, once resolved (none while it names no action).
    GoTo {
        action: String,
        target: Option<usize>,
    },
    End {
        close: bool,
        transcript: bool,
    },
}

impl Program {
    /// Lays `bot` out. Ids that repeat keep their first node; go-tos to unknown ids go nowhere
    /// (both are publishing errors: `super::check`).
    pub fn new(bot: &Bot) -> Self {
        let mut program = Self {
            nodes: Vec::new(),
            start: None,
            options: bot.options.clone(),
            ids: HashMap::new(),
        };
        program.start = program.lay(&bot.actions, "actions", None);
        for (i, node) in program.nodes.iter().enumerate() {
            program.ids.entry(node.id.clone()).or_insert(i);
        }
        let ids = program.ids.clone();
        for node in &mut program.nodes {
            if let Step::GoTo { action, target } = &mut node.step {
                *target = ids.get(action.as_str()).copied();
            }
        }
        program
    }

    /// The node of action `id`.
    pub fn find(&self, id: &str) -> Option<usize> {
        self.ids.get(id).copied()
    }

    /// The node of action `id`, with its index.
    pub fn node(&self, id: &str) -> Option<(usize, &Node)> {
        self.find(id).map(|i| (i, &self.nodes[i]))
    }

    /// Lays out `list` (at `path`), each action going on to the next and the last to `after`;
    /// where the list starts (`after` when it is empty).
    fn lay(&mut self, list: &[Action], path: &str, after: Option<usize>) -> Option<usize> {
        let mut next = after;
        for (i, action) in list.iter().enumerate().rev() {
            next = Some(self.place(action, &format!("{path}[{i}]"), next));
        }
        next
    }

    fn place(&mut self, action: &Action, path: &str, next: Option<usize>) -> usize {
        let step = match &action.kind {
            ActionKind::Message { text, file } => Step::Message {
                text: text.clone(),
                file: file.clone(),
            },
            ActionKind::Question(question) => {
                let fallback = if question.fallback.is_empty() {
                    None
                } else {
                    self.lay(&question.fallback, &format!("{path}.fallback"), next)
                };
                let mut question = question.clone();
                question.fallback = Vec::new();
                Step::Question { question, fallback }
            }
            ActionKind::Branch { cases, otherwise } => {
                let cases = cases
                    .iter()
                    .enumerate()
                    .map(|(c, case)| {
                        let path = format!("{path}.cases[{c}].actions");
                        (case.when.clone(), self.lay(&case.actions, &path, next))
                    })
                    .collect();
                let otherwise = self.lay(otherwise, &format!("{path}.otherwise"), next);
                Step::Branch { cases, otherwise }
            }
            ActionKind::Meeting { text, member_id } => Step::Meeting {
                text: text.clone(),
                member_id: member_id.clone(),
            },
            ActionKind::Webhook { url, timeout_ms } => Step::Webhook {
                url: url.clone(),
                timeout_ms: *timeout_ms,
            },
            ActionKind::Handover(handover) => Step::Handover(handover.clone()),
            ActionKind::GoTo { action } => Step::GoTo {
                action: action.clone(),
                target: None,
            },
            ActionKind::End { close, transcript } => Step::End {
                close: *close,
                transcript: *transcript,
            },
        };
        self.nodes.push(Node {
            id: action.id.clone(),
            path: path.to_owned(),
            step,
            next,
        });
        self.nodes.len() - 1
    }

    /// Where node `i` may go on to, by any way the engine can take.
    pub fn successors(&self, i: usize) -> Vec<usize> {
        let node = &self.nodes[i];
        let mut after: Vec<Option<usize>> = match &node.step {
            Step::Branch { cases, otherwise } => cases
                .iter()
                .map(|(_, start)| *start)
                .chain([*otherwise])
                .collect(),
            Step::Question { fallback, .. } => vec![node.next, *fallback],
            Step::GoTo { target, .. } => vec![*target],
            // A webhook's answer may name any action to go on at.
            Step::Webhook { .. } => (0..self.nodes.len()).map(Some).chain([node.next]).collect(),
            Step::Handover(_) | Step::End { .. } => Vec::new(),
            Step::Message { .. } | Step::Meeting { .. } => vec![node.next],
        };
        after.sort_unstable();
        after.dedup();
        after.into_iter().flatten().collect()
    }

    /// Whether the script can end at node `i`: it hands over or ends there, or goes on to
    /// nothing (it is complete), or sends the visitor to the team after bad answers.
    pub fn exits(&self, i: usize) -> bool {
        let node = &self.nodes[i];
        match &node.step {
            Step::Handover(_) | Step::End { .. } => true,
            Step::Question { fallback, .. } => node.next.is_none() || fallback.is_none(),
            Step::Branch { cases, otherwise } => {
                otherwise.is_none() || cases.iter().any(|(_, start)| start.is_none())
            }
            Step::GoTo { target, .. } => target.is_none(),
            // A failing webhook hands over.
            Step::Webhook { .. } => true,
            Step::Message { .. } | Step::Meeting { .. } => node.next.is_none(),
        }
    }

    /// Whether node `i` waits for something outside the script (the visitor, a webhook), so a
    /// loop through it does not spin.
    pub fn waits(&self, i: usize) -> bool {
        matches!(
            self.nodes[i].step,
            Step::Question { .. } | Step::Webhook { .. }
        )
    }
}
