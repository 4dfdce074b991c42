//! What every queue consumer shares: how long a retry waits, and where a message that ran out
//! of the queue's retries ends.
//!
//! - A retry always waits (`domain::backoff`): with the attempts a job counts itself (e-mails,
//!   replies, run by [`crate::jobs`]), or with the message's age where nothing counts them
//!   ([`retry_later`]: inbound events, and errors before a job could count), so a consumer that
//!   keeps failing backs off rather than spinning through its retries in a second.
//! - Each failure's reason is noted ([`note_failure`]); a message the queue gives up on goes to
//!   its dead-letter queue, whose consumer ([`consume_dead`]) records it with that reason
//!   (`store::dead_letters`); one its consumer cannot read is recorded at once ([`bury`]).
//!   Admins see the dead letters in the inbox and send them back to their queue from there.
//!   Nothing ends in a queue nobody reads.

use protocol::Millis;
use serde::de::DeserializeOwned;
use worker::{console_error, Message, MessageBatch, MessageExt, QueueRetryOptionsBuilder, Result};

use crate::config::App;
use crate::store::{self, dead_letters};

/// The suffix of a dead-letter queue's name (wrangler.toml).
pub const DEAD_SUFFIX: &str = "-dead";

/// Retries `message` after `seconds`.
pub fn retry_in(message: &impl MessageExt, seconds: u32) {
    message.retry_with_options(
        &QueueRetryOptionsBuilder::new()
            .with_delay_seconds(seconds)
            .build(),
    );
}

/// A failed attempt at `body` from queue `queue`: its reason is noted for the dead letters, and
/// it is retried after a wait that grows with its age.
pub async fn retry_later(
    app: &App,
    queue: &str,
    message: &impl MessageExt,
    body: &str,
    reason: &str,
) {
    console_error!("{queue}: will retry after a failure: {reason}");
    note_failure(app, queue, body, reason).await;
    let age = store::now() - message.timestamp().as_millis() as Millis;
    retry_in(message, domain::backoff::delay_for_age(age));
}

/// Notes why an attempt at `body` failed; best effort (D1 may be what failed).
pub async fn note_failure(app: &App, queue: &str, body: &str, reason: &str) {
    if let Err(e) = dead_letters::note_failure(&app.db, queue, body, reason, store::now()).await {
        console_error!("{queue}: the failure could not be noted: {e}");
    }
}

/// The job a queued message carries; `None` (and the message buried, see [`bury`]) when it
/// cannot be read.
pub async fn read<T: DeserializeOwned>(
    app: &App,
    queue: &str,
    message: &Message<String>,
) -> Option<T> {
    match serde_json::from_str(message.body()) {
        Ok(job) => Some(job),
        Err(e) => {
            bury(app, queue, message, message.body(), &e.to_string()).await;
            None
        }
    }
}

/// A message its consumer cannot read (only this Worker writes to the queues, so a bug, or a
/// body from another version): a retry would fail alike, so it goes to the dead letters at
/// once, with why, for a person to see. Acknowledged once recorded; retried if it cannot be.
pub async fn bury(app: &App, queue: &str, message: &impl MessageExt, body: &str, why: &str) {
    console_error!("{queue}: a message that cannot be read: {why}");
    let reason = format!("It cannot be read ({why}).");
    match dead_letters::record(&app.db, queue, body, Some(&reason), store::now()).await {
        Ok(()) => message.ack(),
        Err(e) => {
            console_error!("{queue}: it could not be recorded, will retry: {e}");
            retry_in(message, 30);
        }
    }
}

/// The consumer of every dead-letter queue: each message is recorded with the last reason
/// noted for it, for admins to see and send back. A recording that fails is retried.
pub async fn consume_dead(batch: MessageBatch<String>, app: &App) -> Result<()> {
    let queue = batch.queue();
    let from = queue.strip_suffix(DEAD_SUFFIX).unwrap_or(&queue);
    for message in batch.messages()? {
        match dead_letters::record(&app.db, from, message.body(), None, store::now()).await {
            Ok(()) => message.ack(),
            Err(e) => {
                console_error!("{queue}: a dead letter could not be recorded: {e}");
                retry_in(&message, 30);
            }
        }
    }
    Ok(())
}
