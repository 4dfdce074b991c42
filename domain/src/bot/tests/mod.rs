//! The engine and publishing's checks, natively: every action, every input and its checks,
//! branches, bad answers and the fallback, handing over with and without the team, webhooks,
//! timeouts by the clock passed in, restarts and versions (`engine`); and the problems
//! publishing names (`check`). Here: a script from JSON, and a world to run it in.

mod check;
mod engine;

use std::collections::BTreeMap;

use protocol::bot::Bot;
use serde_json::json;

use super::*;

pub(super) fn bot(actions: serde_json::Value) -> Bot {
    serde_json::from_value(json!({ "actions": actions, "options": { "typing_delay_ms": 500 } }))
        .expect("a script")
}

pub(super) struct World {
    pub contact: BTreeMap<String, String>,
    pub links: BTreeMap<String, String>,
    pub available: bool,
}

impl World {
    pub fn new() -> Self {
        Self {
            contact: BTreeMap::new(),
            links: BTreeMap::from([("ag_1".into(), "https://cal.example/ada".into())]),
            available: true,
        }
    }

    pub fn ctx(&self, now: i64) -> Context<'_> {
        Context {
            now,
            team_available: self.available,
            team_back: "tomorrow at 09:00",
            page: "https://shop.example/pricing?plan=pro",
            contact: &self.contact,
            meeting_links: &self.links,
            language: protocol::i18n::Language::En,
        }
    }
}

/// Runs `events` from no session at time 0 (each a second apart); the last session and every
/// output.
pub(super) fn run(bot: &Bot, world: &World, events: &[Event]) -> (Option<Session>, Vec<Output>) {
    let program = Program::new(bot);
    let mut session = None;
    let mut outputs = Vec::new();
    for (i, event) in events.iter().enumerate() {
        let stepped = step(
            &program,
            1,
            session,
            event.clone(),
            &world.ctx(i as i64 * 1000),
        );
        session = stepped.session;
        outputs.extend(stepped.outputs);
    }
    (session, outputs)
}

pub(super) fn said(outputs: &[Output]) -> Vec<&str> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Say { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

pub(super) fn answer(text: &str) -> Event {
    Event::Answer(text.into())
}

pub(super) fn outcome(session: &Option<Session>) -> Option<Outcome> {
    match session.as_ref().map(|s| &s.status) {
        Some(Status::Over { outcome }) => Some(*outcome),
        _ => None,
    }
}
