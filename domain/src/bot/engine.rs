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

use protocol::bot::HandoverTo;
use protocol::i18n::Language;
use protocol::Millis;
use serde::{Deserialize, Serialize};

use super::program::Program;
use super::run::Run;

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

/// How a session ended, for the reports (named as [`Outcome::as_str`] says).
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

impl Outcome {
    pub const ALL: [Self; 7] = [
        Self::Completed,
        Self::HandedOver,
        Self::MessageTaken,
        Self::NoAnswerMatched,
        Self::Error,
        Self::TakenOver,
        Self::Abandoned,
    ];

    /// Its name in JSON and in the reports' rows.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Completed => "completed",
            Self::HandedOver => "handed_over",
            Self::MessageTaken => "message_taken",
            Self::NoAnswerMatched => "no_answer_matched",
            Self::Error => "error",
            Self::TakenOver => "taken_over",
            Self::Abandoned => "abandoned",
        }
    }

    pub fn of_str(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == name)
    }
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

fn abandoned() -> Status {
    Status::Over {
        outcome: Outcome::Abandoned,
    }
}

/// Runs `event` through `program` (published as `version`) for `session` (none yet: the event
/// starts one). The caller passes the version published now: a session that starts again
/// after it was abandoned runs that one.
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
        // Back after the alarm found it abandoned: a new one starts.
        Event::Start | Event::Answer(_) if session.status == abandoned() => {
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
