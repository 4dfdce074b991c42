//! The conversation's bot (issue 24): the chatflow version it runs, kept whole so a session
//! finishes on the version it started with, its session (`domain::bot::Session`), and what the
//! bot has yet to do (`domain::bot::Output`s), each at its time: a message after the typing
//! pause, then what follows it. The alarm carries the queue out in order (`super::super::bot`).

use domain::bot::{Output, Session};
use protocol::bot::Bot;
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
    output: String,
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
        for (due, output) in outputs {
            self.sql.exec(
                "INSERT INTO bot_queue (due, output) VALUES (?, ?)",
                vec![
                    SqlStorageValue::Integer(*due),
                    serde_json::to_string(output)?.into(),
                ],
            )?;
        }
        Ok(())
    }

    /// The first thing the bot has yet to do.
    pub fn bot_head(&self) -> Result<Option<Queued>> {
        let rows: Vec<QueuedRow> = self
            .sql
            .exec(
                "SELECT id, due, output FROM bot_queue ORDER BY id LIMIT 1",
                None,
            )?
            .to_array()?;
        rows.into_iter()
            .next()
            .map(|r| {
                Ok(Queued {
                    id: r.id,
                    due: r.due,
                    output: serde_json::from_str(&r.output)?,
                })
            })
            .transpose()
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
}
