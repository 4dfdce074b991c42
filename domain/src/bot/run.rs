//! Running a script for one event ([`Run`]): from an action until something outside the script
//! is needed, and what the visitor's words and a webhook's answer do to a waiting session. The
//! types and the rules of [`super::step`] are in `engine`.

use protocol::bot::{Condition, Handover, HandoverTo, Input};

use super::answers;
use super::engine::{Context, Outcome, Output, Session, Status, Stepped, STEPS_MAX};
use super::program::{Program, Step};

/// One event's run: the program, the moment, and the outputs so far.
pub(super) struct Run<'p, 'c> {
    pub(super) program: &'p Program,
    pub(super) ctx: &'c Context<'c>,
    pub(super) outputs: Vec<Output>,
}

impl Run<'_, '_> {
    pub(super) fn done(self, session: Session) -> Stepped {
        Stepped {
            session: Some(session),
            outputs: self.outputs,
        }
    }

    pub(super) fn done_none(self) -> Stepped {
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

    pub(super) fn finish(&mut self, session: &mut Session, outcome: Outcome) {
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
    pub(super) fn from(&mut self, session: &mut Session, mut at: Option<usize>) {
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

    pub(super) fn answer(&mut self, session: &mut Session, text: &str) {
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

    pub(super) fn webhook(
        &mut self,
        session: &mut Session,
        answer: Result<serde_json::Value, String>,
    ) {
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
