//! Chatflow bots (issue 24): a bot's script (`protocol::bot`) checked before it is published
//! ([`check`]), laid out as the engine runs it ([`Program`]), and run one event at a time by a
//! pure state machine ([`step`]) that the conversation's Durable Object drives: it stores the
//! [`Session`], carries out the [`Output`]s, and brings the [`Event`]s (the visitor's words,
//! webhook answers, the alarm's timeout, a member taking over).
//!
//! - [`program`]: the script as nodes that know where they go next.
//! - [`check`]: publishing's checks, each problem named by its path in the script.
//! - [`answers`]: reading an answer as its question's input asks, and the branches' tests.
//! - [`engine`]: the session, the events, the outputs and [`step`]; `run` carries one event
//!   through the script.
//! - [`report`]: what a flow's sessions did, per version, from the events they recorded.

pub mod answers;
pub mod check;
pub mod engine;
pub mod program;
pub mod report;
mod run;

pub use check::{check, Known, Problem};
pub use engine::{step, Context, Event, Outcome, Output, Session, Status, Stepped};
pub use program::Program;
pub use report::{flow_report, EventCount};

#[cfg(test)]
mod tests;
