//! The bot engine: one pure function, [`step`], from a session, an event and the moment's
//! [`Context`] to the next session and what should happen ([`Output`]s), which the caller (the
//! conversation's Durable Object) carries out: bot messages into the log (after the typing
//! delay), answers into contact properties, webhook calls, the handover to the team, the close.
//! It reads no clock and does no IO, so every rule here is tested natively.
//!
//! A session runs the script until something outside it is needed: the visitor's answer to a
//! question, a webhook's answer, or nothing more (the script is complete, or the team has the
//! conversation). It is over, for good, once complete or handed over; an unfinished one that
//! idles past the bot's timeout is abandoned, and the next visit starts the script again.

use std::collections::BTreeMap;

use protocol::bot::{Condition, Handover, HandoverTo, Input};
use protocol::i18n::Language;
use protocol::Millis;
use serde::{Deserialize, Serialize};

use super::answers;
use super::program::{Program, Step};

/// Most actions one event may run through before the engine stops it as a fault (publishing
/// refuses loops that do not wait, so only a bug or a webhook's go-to can get here).
pub const STEPS_MAX: usize = 100;

/// A conversation's run through a bot's script, as its Durable Object stores it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The published version it runs: it finishes on it, whatever is published meanwhile.
    pub version: u32,
    pub status: Status,
    /// The answers given, by question id.
    #[serde(default)]
    pub answers: BTreeMap<String, String>,
    /// What it saved to the contact, by key: later branches read these before the contact's.
    #[serde(default)]
    pub saved: BTreeMap<String, String>,
    /// The visitor's last word (or the start): the timeout runs from here.
    pub active_at: Millis,
}

/// Where a session stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Status {
    /// Waiting for the answer to question `action`, after `misses` bad ones.
    Asking { action: String, misses: u8 },
    /// Waiting for the webhook of `action`.
    Calling { action: String },
    /// Nobody could answer: waiting for the visitor's e-mail (`email`), then their message.
    TakingMessage {
        action: String,
        email: bool,
        misses: u8,
    },
    /// Over: the script ran to its end, the team has the conversation, or it idled out.
    Over { outcome: Outcome },
}

/// How a session ended, for the reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The script ran to its end.
    Completed,
    /// A handover action, with someone there to take it.
    HandedOver,
    /// A handover action while nobody could answer: the visitor's message was taken.
    MessageTaken,
    /// Too many answers that did not fit a question without a fallback.
    NoAnswerMatched,
    /// A step could not be carried out (a webhook failed).
    Error,
    /// A member wrote or took the conversation.
    TakenOver,
    /// The visitor went quiet past the timeout.
    Abandoned,
}

/// What happened.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// The visitor opened a chat with this bot (or came back to it).
    Start,
    /// The visitor wrote.
    Answer(String),
    /// The webhook answered with this JSON, or failed (the reason, for the log).
    Webhook(Result<serde_json::Value, String>),
    /// The session's timeout passed (the object's alarm).
    Timeout,
    /// A member wrote in the conversation or took it over.
    TakenOver,
}

/// What the engine knows of the moment.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    pub now: Millis,
    pub language: Language,
    /// Whether someone can answer now (the site's availability).
    pub team_available: bool,
    /// When the team is back, as the visitor reads it ("tomorrow at 09:00"), else "soon".
    pub team_back: &'a str,
    /// The full URL of the page the chat is on.
    pub page: &'a str,
    /// The contact's `name`, `email`, `phone` and properties, as stored.
    pub contact: &'a BTreeMap<String, String>,
    /// Members' meeting links, by member id.
    pub meeting_links: &'a BTreeMap<String, String>,
}

/// What the caller carries out, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// A bot message (after the typing delay): text, a file from the site's uploads, and the
    /// quick replies offered (a question's choices).
    Say {
        text: String,
        file: Option<String>,
        choices: Vec<String>,
        delay_ms: u32,
    },
    /// Saves an answer to the contact (`name`, `email`, `phone` or a property's key).
    Save { key: String, value: String },
    /// Calls the webhook of `action`; its answer comes back as [`Event::Webhook`].
    Call {
        action: String,
        url: String,
        timeout_ms: u32,
        body: serde_json::Value,
    },
    /// The conversation goes to the team (`routing`, a team or a member).
    Handover { to: HandoverTo },
    /// Closes the conversation (with the transcript to the visitor, if asked).
    Close { transcript: bool },
    /// The session reached this action (the reports' funnel).
    Reached { action: String },
    /// The session is over, so (the reports' outcomes).
    Finished { outcome: Outcome },
}

/// The session after an event, and what to do.
#[derive(Clone, Debug, PartialEq)]
pub struct Stepped {
    pub session: Option<Session>,
    pub outputs: Vec<Output>,
}

/// Runs `event` through `program` (published as `version`) for `session` (none yet: the event
/// starts one).
pub fn step(
    program: &Program,
    version: u32,
    session: Option<Session>,
    event: Event,
    ctx: &Context<'_>,
) -> Stepped {
    let timeout = i64::from(program.options.session_timeout_minutes) * 60_000;
    let fresh = || Session {
        version,
        status: Status::Over {
            outcome: Outcome::Completed,
        },
        answers: BTreeMap::new(),
        saved: BTreeMap::new(),
        active_at: ctx.now,
    };
    let mut run = Run {
        program,
        ctx,
        outputs: Vec::new(),
    };
    let session = match (session, &event) {
        // Nothing to start from but a start (or the visitor's first words).
        (None, Event::Start | Event::Answer(_)) => {
            let mut session = fresh();
            run.from(&mut session, program.start);
            return run.done(session);
        }
        (None, _) => return run.done_none(),
        (Some(s), _) => s,
    };
    let mut session = session;
    let idle =
        !matches!(session.status, Status::Over { .. }) && ctx.now - session.active_at >= timeout;
    match event {
        Event::Timeout if idle => {
            run.finish(&mut session, Outcome::Abandoned);
        }
        // Back after the timeout: the abandoned session is over, and a new one starts.
        Event::Start | Event::Answer(_) if idle => {
            run.finish(&mut session, Outcome::Abandoned);
            let mut again = fresh();
            run.from(&mut again, program.start);
            return run.done(again);
        }
        Event::Answer(text) => {
            session.active_at = ctx.now;
            run.answer(&mut session, &text);
        }
        Event::Webhook(answer) => run.webhook(&mut session, answer),
        Event::TakenOver => {
            if !matches!(session.status, Status::Over { .. }) {
                run.finish(&mut session, Outcome::TakenOver);
            }
        }
        Event::Start | Event::Timeout => {}
    }
    run.done(session)
}

struct Run<'p, 'c> {
    program: &'p Program,
    ctx: &'c Context<'c>,
    outputs: Vec<Output>,
}

impl Run<'_, '_> {
    fn done(self, session: Session) -> Stepped {
        Stepped {
            session: Some(session),
            outputs: self.outputs,
        }
    }

    fn done_none(self) -> Stepped {
        Stepped {
            session: None,
            outputs: self.outputs,
        }
    }

    fn say(&mut self, text: &str, file: Option<String>, choices: Vec<String>) {
        self.outputs.push(Output::Say {
            text: text.to_owned(),
            file,
            choices,
            delay_ms: self.program.options.typing_delay_ms,
        });
    }

    fn finish(&mut self, session: &mut Session, outcome: Outcome) {
        session.status = Status::Over { outcome };
        self.outputs.push(Output::Finished { outcome });
    }

    /// A property as the session last saved it, else as the contact has it.
    fn property<'s>(&'s self, session: &'s Session, key: &str) -> Option<&'s str> {
        session
            .saved
            .get(key)
            .or_else(|| self.ctx.contact.get(key))
            .map(String::as_str)
    }

    fn holds(&self, session: &Session, when: &Condition) -> bool {
        match when {
            Condition::Answer { action, test } => {
                answers::holds(test, session.answers.get(action).map(String::as_str))
            }
            Condition::Property { key, test } => answers::holds(test, self.property(session, key)),
            Condition::TeamAvailable => self.ctx.team_available,
            Condition::Page { test } => answers::holds(test, Some(self.ctx.page)),
            Condition::Language { language } => *language == self.ctx.language,
        }
    }

    /// Runs from node `at` until something outside the script is needed.
    fn from(&mut self, session: &mut Session, mut at: Option<usize>) {
        for _ in 0..STEPS_MAX {
            let Some(i) = at else {
                self.finish(session, Outcome::Completed);
                return;
            };
            let node = &self.program.nodes[i];
            self.outputs.push(Output::Reached {
                action: node.id.clone(),
            });
            at = match &node.step {
                Step::Message { text, file } => {
                    self.say(text, file.clone(), Vec::new());
                    node.next
                }
                Step::Question { question, .. } => {
                    let choices = match &question.input {
                        Input::Choices { options, .. } => options.clone(),
                        _ => Vec::new(),
                    };
                    self.say(&question.text, None, choices);
                    session.status = Status::Asking {
                        action: node.id.clone(),
                        misses: 0,
                    };
                    return;
                }
                Step::Branch { cases, otherwise } => cases
                    .iter()
                    .find(|(when, _)| self.holds(session, when))
                    .map_or(*otherwise, |(_, start)| *start),
                Step::Meeting { text, member_id } => {
                    match self.ctx.meeting_links.get(member_id) {
                        Some(link) => self.say(&format!("{text}\n{link}"), None, Vec::new()),
                        // The member took the link off their profile since publishing.
                        None => return self.fail(session),
                    }
                    node.next
                }
                Step::Webhook { url, timeout_ms } => {
                    self.outputs.push(Output::Call {
                        action: node.id.clone(),
                        url: url.clone(),
                        timeout_ms: *timeout_ms,
                        body: serde_json::json!({
                            "action": node.id,
                            "answers": session.answers,
                            "saved": session.saved,
                            "page": self.ctx.page,
                        }),
                    });
                    session.status = Status::Calling {
                        action: node.id.clone(),
                    };
                    return;
                }
                Step::Handover(handover) => {
                    return self.hand_over(session, &node.id.clone(), handover);
                }
                Step::GoTo { target, .. } => *target,
                Step::End { close, transcript } => {
                    if *close {
                        self.outputs.push(Output::Close {
                            transcript: *transcript,
                        });
                    }
                    self.finish(session, Outcome::Completed);
                    return;
                }
            };
        }
        self.fail(session);
    }

    /// Something could not be done: the error message, then the team.
    fn fail(&mut self, session: &mut Session) {
        let text = self.program.options.error_message.clone();
        self.say(&text, None, Vec::new());
        self.outputs.push(Output::Handover {
            to: HandoverTo::Routing,
        });
        self.finish(session, Outcome::Error);
    }

    fn hand_over(&mut self, session: &mut Session, action: &str, handover: &Handover) {
        if self.ctx.team_available {
            self.say(&handover.text, None, Vec::new());
            self.outputs.push(Output::Handover {
                to: handover.to.clone(),
            });
            return self.finish(session, Outcome::HandedOver);
        }
        let back = handover.away_text.replacen("{}", self.ctx.team_back, 1);
        self.say(&back, None, Vec::new());
        let email = self.property(session, "email").is_none();
        if email {
            self.say(&handover.email_text, None, Vec::new());
        }
        session.status = Status::TakingMessage {
            action: action.to_owned(),
            email,
            misses: 0,
        };
    }

    fn answer(&mut self, session: &mut Session, text: &str) {
        match session.status.clone() {
            Status::Asking { action, misses } => self.asked(session, &action, misses, text),
            Status::TakingMessage {
                action,
                email,
                misses,
            } => self.message_taken(session, &action, email, misses, text),
            // Waiting on a webhook, or over: the visitor's words are for the team.
            Status::Calling { .. } | Status::Over { .. } => {}
        }
    }

    fn asked(&mut self, session: &mut Session, action: &str, misses: u8, text: &str) {
        let Some((_, node)) = self.program.node(action) else {
            return self.fail(session);
        };
        let Step::Question { question, fallback } = &node.step else {
            return self.fail(session);
        };
        match answers::read(&question.input, text) {
            Some(value) => {
                session.answers.insert(action.to_owned(), value.clone());
                if let Some(key) = &question.save_to {
                    session.saved.insert(key.clone(), value.clone());
                    self.outputs.push(Output::Save {
                        key: key.clone(),
                        value,
                    });
                }
                self.from(session, node.next);
            }
            None if misses + 1 >= question.attempts => match fallback {
                Some(start) => self.from(session, Some(*start)),
                None => {
                    self.outputs.push(Output::Handover {
                        to: HandoverTo::Routing,
                    });
                    self.finish(session, Outcome::NoAnswerMatched);
                }
            },
            None => {
                let reask = if question.reask.is_empty() {
                    default_reask(&question.input)
                } else {
                    &question.reask
                };
                let choices = match &question.input {
                    Input::Choices { options, .. } => options.clone(),
                    _ => Vec::new(),
                };
                self.say(reask, None, choices);
                session.status = Status::Asking {
                    action: action.to_owned(),
                    misses: misses + 1,
                };
            }
        }
    }

    fn message_taken(
        &mut self,
        session: &mut Session,
        action: &str,
        email: bool,
        misses: u8,
        text: &str,
    ) {
        let Some((_, node)) = self.program.node(action) else {
            return self.fail(session);
        };
        let Step::Handover(handover) = &node.step else {
            return self.fail(session);
        };
        if email {
            match answers::read(&Input::Email, text) {
                Some(address) => {
                    session.saved.insert("email".into(), address.clone());
                    self.outputs.push(Output::Save {
                        key: "email".into(),
                        value: address,
                    });
                    // The message may have come first; asking again would only annoy.
                    self.take(session, handover);
                }
                // Not an address: their message, then; the e-mail is asked once more.
                None if misses == 0 => {
                    self.say(default_reask(&Input::Email), None, Vec::new());
                    session.status = Status::TakingMessage {
                        action: action.to_owned(),
                        email: true,
                        misses: 1,
                    };
                }
                None => self.take(session, handover),
            }
        } else {
            self.take(session, handover);
        }
    }

    fn take(&mut self, session: &mut Session, handover: &Handover) {
        self.say(&handover.taken_text, None, Vec::new());
        self.outputs.push(Output::Handover {
            to: handover.to.clone(),
        });
        self.finish(session, Outcome::MessageTaken);
    }

    fn webhook(&mut self, session: &mut Session, answer: Result<serde_json::Value, String>) {
        let Status::Calling { action } = session.status.clone() else {
            return;
        };
        let Some((_, node)) = self.program.node(&action) else {
            return self.fail(session);
        };
        let next = node.next;
        let Ok(answer) = answer else {
            return self.fail(session);
        };
        if let Some(set) = answer.get("properties").and_then(|p| p.as_object()) {
            for (key, value) in set {
                let value = match value {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Number(n) => n.to_string(),
                    serde_json::Value::Bool(b) => b.to_string(),
                    _ => continue,
                };
                session.saved.insert(key.clone(), value.clone());
                self.outputs.push(Output::Save {
                    key: key.clone(),
                    value,
                });
            }
        }
        match answer.get("next").and_then(|n| n.as_str()) {
            Some(id) => match self.program.find(id) {
                Some(at) => self.from(session, Some(at)),
                None => self.fail(session),
            },
            None => self.from(session, next),
        }
    }
}

/// The re-ask when the question has none of its own (the editor fills in the flow's language).
fn default_reask(input: &Input) -> &'static str {
    match input {
        Input::Text => "Sorry, I didn't get that. Could you say it in one line?",
        Input::Choices { .. } => "Please choose one of the options.",
        Input::Email => "That doesn't look like an e-mail address. Could you check it?",
        Input::Phone => "Please give the number with its country code, like +44 20 7946 0000.",
        Input::Number => "Please answer with a number.",
        Input::Date => "Please give the date as 2026-12-24 or 24.12.2026.",
    }
}
