//! The conversation's bot (issue 24): the chatflow version it runs, kept whole so a session
//! finishes on the version it started with, its session (`domain::bot::Session`), and what the
//! bot has yet to do (`domain::bot::Output`s), each at its time: a message after the typing
//! pause, then what follows it. The alarm carries the queue out in order (`super::super::bot`).
//!
//! A queued output is kept in plain columns (`kind`, then `text`, `detail`, `action` and
//! `number` as each kind uses them), not as JSON: reading it back through serde cost the
//! Worker 13 KB of wasm, measured.

use domain::bot::{Outcome, Output, Session};
use protocol::bot::{Bot, HandoverTo};
use protocol::Millis;
use serde::Deserialize;
use worker::{Result, SqlStorageValue};

use super::Log;

/// The bot this conversation runs.
#[derive(Clone, Debug)]
pub struct BotRun {
    pub flow_id: String,
    pub version: u32,
    /// The name the visitor sees on its messages.
    pub name: String,
    pub language: protocol::i18n::Language,
    pub script: Bot,
    /// None until the visitor's first message starts it.
    pub session: Option<Session>,
}

#[derive(Deserialize)]
struct BotRow {
    flow_id: String,
    version: i64,
    name: String,
    language: String,
    script: String,
    session: Option<String>,
}

#[derive(Deserialize)]
struct QueuedRow {
    id: i64,
    due: i64,
    kind: String,
    text: Option<String>,
    detail: Option<String>,
    action: Option<String>,
    number: Option<i64>,
}

/// An output's columns: kind, text, detail, action, number.
type Columns<'a> = (
    &'static str,
    Option<&'a str>,
    Option<String>,
    Option<&'a str>,
    Option<i64>,
);

/// How an output is kept (see the module docs).
fn columns(output: &Output) -> Result<Columns<'_>> {
    Ok(match output {
        Output::Say {
            text,
            file,
            choices,
            ..
        } => {
            let choices = (!choices.is_empty())
                .then(|| serde_json::to_string(choices))
                .transpose()?;
            ("say", Some(text), choices, file.as_deref(), None)
        }
        Output::Save { key, value } => ("save", Some(key), Some(value.clone()), None, None),
        Output::Call {
            action,
            url,
            timeout_ms,
            body,
        } => (
            "call",
            Some(url),
            Some(body.to_string()),
            Some(action),
            Some(i64::from(*timeout_ms)),
        ),
        Output::Handover { to } => {
            let (to, whom) = match to {
                HandoverTo::Routing => ("routing", None),
                HandoverTo::Team { team_id } => ("team", Some(team_id.clone())),
                HandoverTo::Member { agent_id } => ("member", Some(agent_id.clone())),
            };
            ("handover", Some(to), whom, None, None)
        }
        Output::Close { transcript } => ("close", None, None, None, Some(i64::from(*transcript))),
        Output::Reached { action } => ("reached", None, None, Some(action), None),
        Output::Finished { outcome } => ("finished", Some(outcome.as_str()), None, None, None),
    })
}

impl QueuedRow {
    /// The output kept in this row; none for a row this version cannot read.
    fn output(self) -> Option<Output> {
        let text = self.text.unwrap_or_default();
        Some(match self.kind.as_str() {
            "say" => Output::Say {
                text,
                file: self.action,
                choices: match self.detail {
                    Some(json) => serde_json::from_str(&json).ok()?,
                    None => Vec::new(),
                },
                delay_ms: 0,
            },
            "save" => Output::Save {
                key: text,
                value: self.detail?,
            },
            "call" => Output::Call {
                action: self.action?,
                url: text,
                timeout_ms: u32::try_from(self.number?).ok()?,
                body: serde_json::from_str(&self.detail?).ok()?,
            },
            "handover" => Output::Handover {
                to: match (text.as_str(), self.detail) {
                    ("team", Some(team_id)) => HandoverTo::Team { team_id },
                    ("member", Some(agent_id)) => HandoverTo::Member { agent_id },
                    _ => HandoverTo::Routing,
                },
            },
            "close" => Output::Close {
                transcript: self.number == Some(1),
            },
            "reached" => Output::Reached {
                action: self.action?,
            },
            "finished" => Output::Finished {
                outcome: Outcome::of_str(&text)?,
            },
            _ => return None,
        })
    }
}

#[derive(Deserialize)]
struct DueRow {
    due: Option<i64>,
}

/// One thing the bot has yet to do, at `due`.
#[derive(Clone, Debug)]
pub struct Queued {
    pub id: i64,
    pub due: Millis,
    pub output: Output,
}

impl Log {
    /// Records the bot this conversation runs (once: a conversation keeps its first).
    pub fn set_bot(&self, run: &BotRun) -> Result<()> {
        self.sql.exec(
            "INSERT OR IGNORE INTO bot (id, flow_id, version, name, language, script) \
             VALUES (1, ?, ?, ?, ?, ?)",
            vec![
                run.flow_id.as_str().into(),
                SqlStorageValue::Integer(i64::from(run.version)),
                run.name.as_str().into(),
                serde_json::to_string(&run.language)?.into(),
                serde_json::to_string(&run.script)?.into(),
            ],
        )?;
        Ok(())
    }

    /// Runs another version of the bot from now on (a session starting again runs the version
    /// published now); the session stays.
    pub fn replace_bot(&self, run: &BotRun) -> Result<()> {
        self.sql.exec(
            "UPDATE bot SET version = ?, name = ?, language = ?, script = ? WHERE id = 1",
            vec![
                SqlStorageValue::Integer(i64::from(run.version)),
                run.name.as_str().into(),
                serde_json::to_string(&run.language)?.into(),
                serde_json::to_string(&run.script)?.into(),
            ],
        )?;
        Ok(())
    }

    /// The bot this conversation runs, if any.
    pub fn bot(&self) -> Result<Option<BotRun>> {
        let rows: Vec<BotRow> = self
            .sql
            .exec(
                "SELECT flow_id, version, name, language, script, session FROM bot",
                None,
            )?
            .to_array()?;
        let Some(row) = rows.into_iter().next() else {
            return Ok(None);
        };
        Ok(Some(BotRun {
            flow_id: row.flow_id,
            version: u32::try_from(row.version).unwrap_or(0),
            name: row.name,
            language: serde_json::from_str(&row.language)?,
            script: serde_json::from_str(&row.script)?,
            session: row.session.map(|s| serde_json::from_str(&s)).transpose()?,
        }))
    }

    /// Whether this conversation runs a bot (it routes at the bot's handover, not its first
    /// message).
    pub fn has_bot(&self) -> Result<bool> {
        let rows: Vec<DueRow> = self
            .sql
            .exec("SELECT 1 AS due FROM bot", None)?
            .to_array()?;
        Ok(!rows.is_empty())
    }

    pub fn set_bot_session(&self, session: &Session) -> Result<()> {
        self.sql.exec(
            "UPDATE bot SET session = ? WHERE id = 1",
            vec![serde_json::to_string(session)?.into()],
        )?;
        Ok(())
    }

    /// Queues what the bot does next, each at its time.
    pub fn queue_bot(&self, outputs: &[(Millis, Output)]) -> Result<()> {
        let text = |t: Option<&str>| t.map_or(SqlStorageValue::Null, SqlStorageValue::from);
        for (due, output) in outputs {
            let (kind, words, detail, action, number) = columns(output)?;
            self.sql.exec(
                "INSERT INTO bot_queue (due, kind, text, detail, action, number) \
                 VALUES (?, ?, ?, ?, ?, ?)",
                vec![
                    SqlStorageValue::Integer(*due),
                    kind.into(),
                    text(words),
                    text(detail.as_deref()),
                    text(action),
                    number.map_or(SqlStorageValue::Null, SqlStorageValue::Integer),
                ],
            )?;
        }
        Ok(())
    }

    /// The first thing the bot has yet to do (a row this version cannot read is dropped).
    pub fn bot_head(&self) -> Result<Option<Queued>> {
        loop {
            let rows: Vec<QueuedRow> = self
                .sql
                .exec(
                    "SELECT id, due, kind, text, detail, action, number FROM bot_queue \
                     ORDER BY id LIMIT 1",
                    None,
                )?
                .to_array()?;
            let Some(row) = rows.into_iter().next() else {
                return Ok(None);
            };
            let (id, due) = (row.id, row.due);
            match row.output() {
                Some(output) => return Ok(Some(Queued { id, due, output })),
                None => self.bot_done(id)?,
            }
        }
    }

    /// When the last thing queued is due (the next message's pause starts after it).
    pub fn bot_queue_end(&self) -> Result<Option<Millis>> {
        let rows: Vec<DueRow> = self
            .sql
            .exec("SELECT MAX(due) AS due FROM bot_queue", None)?
            .to_array()?;
        Ok(rows.into_iter().next().and_then(|r| r.due))
    }

    /// Forgets a queued output once carried out.
    pub fn bot_done(&self, id: i64) -> Result<()> {
        self.sql.exec(
            "DELETE FROM bot_queue WHERE id = ?",
            vec![SqlStorageValue::Integer(id)],
        )?;
        Ok(())
    }

    /// Forgets everything queued: a member has the conversation now.
    pub fn silence_bot(&self) -> Result<()> {
        self.sql.exec("DELETE FROM bot_queue", None)?;
        Ok(())
    }

    /// Forgets what the bot was still to do in the conversation, keeping what its session
    /// reports: the conversation is closed, and takes no more messages.
    pub fn silence_bot_in_closed(&self) -> Result<()> {
        self.sql.exec(
            "DELETE FROM bot_queue WHERE kind NOT IN ('reached', 'finished')",
            None,
        )?;
        Ok(())
    }
}
