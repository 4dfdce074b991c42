//! The object's tables: created on every start (idempotently), then changed by the
//! [`MIGRATIONS`] this object has not run yet, counted in `meta.schema`.

use worker::SqlStorage;

use super::Log;

/// Changes to the tables after their first version, in order; `meta.schema` counts those
/// applied. Append only: an object created long ago runs every step it has not seen.
const MIGRATIONS: &[&str] = &[
    // 1: a file sent with the message (`protocol::Attachment` as JSON).
    "ALTER TABLE messages ADD COLUMN attachment TEXT",
    // 2: internal notes, the team's only (`mentions`: `protocol::frame::AgentRef`s as JSON).
    "CREATE TABLE notes (
         id INTEGER PRIMARY KEY,
         client_id TEXT NOT NULL,
         author_id TEXT NOT NULL,
         author_name TEXT NOT NULL,
         body TEXT NOT NULL,
         mentions TEXT NOT NULL,
         after_seq INTEGER NOT NULL,
         at INTEGER NOT NULL,
         UNIQUE (author_id, client_id)
     )",
    // 3: agents' replies on a Meta channel waiting to be handed to the REPLIES queue (the
    // object's alarm hands them off; `requests`: the Send API bodies as a JSON array).
    "CREATE TABLE outbox (seq INTEGER PRIMARY KEY, requests TEXT NOT NULL)",
    // 4: the chatflow bot the conversation runs, its version's script kept whole, and its
    // session (`domain::bot::Session` as JSON); what the bot has yet to do, in order, each at
    // its time (a `domain::bot::Output` in columns; see `super::bot`).
    "CREATE TABLE bot (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         flow_id TEXT NOT NULL,
         version INTEGER NOT NULL,
         name TEXT NOT NULL,
         language TEXT NOT NULL,
         script TEXT NOT NULL,
         session TEXT
     );
     CREATE TABLE bot_queue (
         id INTEGER PRIMARY KEY AUTOINCREMENT,
         due INTEGER NOT NULL,
         kind TEXT NOT NULL,
         text TEXT,
         detail TEXT,
         action TEXT,
         number INTEGER
     )",
    // 5: the answers a bot's question offers (`Message::choices` as a JSON array).
    "ALTER TABLE messages ADD COLUMN choices TEXT",
];

impl Log {
    pub fn open(sql: SqlStorage) -> Self {
        // Creating tables is idempotent; a failure here surfaces on the first query instead.
        let _ = sql.exec(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS messages (
                 seq INTEGER PRIMARY KEY,
                 client_id TEXT NOT NULL,
                 author_kind TEXT NOT NULL,
                 author_id TEXT NOT NULL,
                 author_name TEXT NOT NULL,
                 body TEXT NOT NULL,
                 sent_at INTEGER NOT NULL,
                 UNIQUE (author_kind, author_id, client_id)
             );
             CREATE TABLE IF NOT EXISTS reads (
                 reader_kind TEXT NOT NULL,
                 reader_id TEXT NOT NULL,
                 reader_name TEXT NOT NULL,
                 seq INTEGER NOT NULL,
                 PRIMARY KEY (reader_kind, reader_id)
             );",
            None,
        );
        let log = Self { sql };
        log.migrate();
        log
    }

    /// Applies the [`MIGRATIONS`] this object has not run yet. A failure leaves the version where
    /// it was, so the next start tries again (and the first query that needs it fails loudly).
    fn migrate(&self) {
        let applied = self
            .meta("schema")
            .ok()
            .flatten()
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0);
        for (n, step) in MIGRATIONS.iter().enumerate().skip(applied) {
            let done = self.sql.exec(step, None).and_then(|_| {
                self.sql.exec(
                    "INSERT INTO meta (key, value) VALUES ('schema', ?) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    vec![(n + 1).to_string().into()],
                )
            });
            if let Err(e) = done {
                worker::console_error!("conversation storage migration {} failed: {e}", n + 1);
                return;
            }
        }
    }
}
