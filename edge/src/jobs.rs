//! The outbound job runner: what sending a recorded job out (an e-mail, a reply on Messenger
//! or WhatsApp) takes whatever the job is. A [`Kind`] says how to take, attempt, release and
//! fail one of its jobs; the runner does the rest the same way for every kind:
//!
//! 1. [`consume`] reads each queue message (one it cannot read is buried, `queues::read`) and
//!    takes its job for one attempt ([`Kind::take`]): counting the attempt, and leasing the job
//!    where the kind leases, so two deliveries of one message never both send. A job another
//!    attempt holds is looked at again once that lease ends; one with nothing left to do is
//!    acknowledged.
//! 2. The attempt's [`Outcome`] is settled ([`settle`]): done; given up for good with its
//!    reason; or, while attempts remain ([`Kind::MAX_ATTEMPTS`]), released with its reason
//!    and retried after `domain::backoff::retry_delay` of the attempts so far. The last retry
//!    gives up instead, saying how many attempts it took.
//! 3. An error before the attempt could settle (D1, a Durable Object) is noted for the dead
//!    letters and the message retried after a wait growing with its age
//!    (`queues::retry_later`); a lease the attempt took still holds, so the retry waits for it.
//! 4. [`sweep`] (the cron trigger) takes up jobs nobody is working on any more: queued again,
//!    or failed once they ran out of attempts.
//!
//! The tables and queue bodies are the kinds' own; so is idempotency past the lease (an
//! e-mail's `Idempotency-Key`, a reply's parts sent counted one by one).

use protocol::Millis;
use serde::de::DeserializeOwned;
use serde::Serialize;
use worker::{MessageBatch, MessageExt, Queue, Result};

use crate::config::App;
use crate::error::ApiResult;
use crate::{queues, store};

/// One kind of outbound job, with its own table and queue.
pub trait Kind {
    /// Names a job in the reasons noted for the dead letters (`e-mail`, `reply`).
    const NAME: &'static str;
    /// Attempts at one job before it is failed.
    const MAX_ATTEMPTS: i64;
    /// What the queue carries: which recorded job to attempt.
    type Message: Serialize + DeserializeOwned;
    /// A job taken for one attempt.
    type Taken;
    /// A job the sweep found nobody working on.
    type Overdue: Overdue;

    /// The kind's queue.
    fn queue(app: &App) -> Result<Queue>;
    /// The message for job `id`.
    fn message(id: String) -> Self::Message;
    /// The job a message is for.
    fn id(message: &Self::Message) -> &str;

    /// Takes job `id` for one attempt, counting it (see [`Take`]).
    async fn take(app: &App, id: &str) -> ApiResult<Take<Self::Taken>>;
    /// Attempts so far, the one taken included.
    fn attempts(job: &Self::Taken) -> i64;
    /// One attempt. A success is recorded by the attempt itself.
    async fn attempt(app: &App, id: &str, job: &Self::Taken) -> ApiResult<Outcome>;
    /// The attempt did not get through; the next may: its reason is kept, its lease ended.
    async fn release(app: &App, id: &str, job: &Self::Taken, reason: &str) -> ApiResult<()>;
    /// The job is failed for good with `reason`.
    async fn give_up(app: &App, id: &str, job: &Self::Taken, reason: &str) -> ApiResult<()>;

    /// Up to `limit` jobs untouched since `before` with no attempt on its way, oldest first.
    async fn overdue(app: &App, before: Millis, limit: u32) -> ApiResult<Vec<Self::Overdue>>;
    /// Marks an overdue job as looked at now, so the next sweep waits for its new message.
    async fn touch(app: &App, id: &str) -> ApiResult<()>;
    /// Fails an overdue job that ran out of attempts.
    async fn fail_overdue(app: &App, job: &Self::Overdue, reason: &str) -> ApiResult<()>;
}

/// What the sweep needs of an overdue job.
pub trait Overdue {
    fn id(&self) -> &str;
    /// Attempts so far.
    fn attempts(&self) -> i64;
}

/// What taking a job for an attempt found.
pub enum Take<T> {
    /// Taken for this attempt (and counted).
    Taken(T),
    /// Another attempt holds it until then: look again after that, never drop it (that
    /// attempt may die before it finishes).
    Held { until: Millis },
    /// Nothing left to do: done, failed, or no such job.
    Done,
}

/// What one attempt came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing more to do: sent (and recorded), or nothing to send.
    Done,
    /// Worth trying again later; the reason stays visible meanwhile.
    Retry(String),
    /// Trying again would not help; the reason is for people.
    GiveUp(String),
}

/// What the runner does with a job after its attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Settled {
    Done,
    GiveUp(String),
    /// Released, and retried after this many seconds.
    Retry {
        reason: String,
        after: u32,
    },
}

/// Settles an attempt's outcome, the job's `attempts`-th of at most `max`.
pub fn settle(outcome: Outcome, attempts: i64, max: i64) -> Settled {
    match outcome {
        Outcome::Done => Settled::Done,
        Outcome::GiveUp(reason) => Settled::GiveUp(reason),
        Outcome::Retry(reason) if attempts >= max => {
            Settled::GiveUp(format!("{reason} (gave up after {max} attempts)"))
        }
        Outcome::Retry(reason) => Settled::Retry {
            reason,
            after: domain::backoff::retry_delay(attempts),
        },
    }
}

/// Seconds to wait for a lease held until `until` to end, seen at `now`: at least one.
pub fn lease_wait(until: Millis, now: Millis) -> u32 {
    let seconds = (until - now).max(0) / 1000 + 1;
    u32::try_from(seconds).unwrap_or(u32::MAX)
}

/// What becomes of a queue message.
enum Next {
    Ack,
    RetryIn(u32),
}

/// The consumer of kind `K`'s queue.
pub async fn consume<K: Kind>(batch: MessageBatch<String>, app: &App) -> Result<()> {
    let queue = batch.queue();
    for message in batch.messages()? {
        let Some(job) = queues::read::<K::Message>(app, &queue, &message).await else {
            continue;
        };
        let id = K::id(&job);
        match run::<K>(app, id).await {
            Ok(Next::Ack) => message.ack(),
            Ok(Next::RetryIn(seconds)) => queues::retry_in(&message, seconds),
            Err(e) => {
                let reason = format!("{} {id}: {}", K::NAME, e.message);
                queues::retry_later(app, &queue, &message, message.body(), &reason).await;
            }
        }
    }
    Ok(())
}

/// One attempt at job `id`, taken, attempted and settled.
async fn run<K: Kind>(app: &App, id: &str) -> ApiResult<Next> {
    let job = match K::take(app, id).await? {
        Take::Taken(job) => job,
        // After its lease, this one looks again and finishes the job if that attempt did not.
        Take::Held { until } => return Ok(Next::RetryIn(lease_wait(until, store::now()))),
        Take::Done => return Ok(Next::Ack),
    };
    let outcome = K::attempt(app, id, &job).await?;
    match settle(outcome, K::attempts(&job), K::MAX_ATTEMPTS) {
        Settled::Done => Ok(Next::Ack),
        Settled::GiveUp(reason) => {
            K::give_up(app, id, &job, &reason).await?;
            Ok(Next::Ack)
        }
        Settled::Retry { reason, after } => {
            K::release(app, id, &job, &reason).await?;
            Ok(Next::RetryIn(after))
        }
    }
}

/// Puts job `id` on its kind's queue.
pub async fn enqueue<K: Kind>(app: &App, id: String) -> ApiResult<()> {
    let message = serde_json::to_string(&K::message(id))?;
    K::queue(app)?.send(message).await?;
    Ok(())
}

/// Overdue jobs taken up per sweep; the rest wait for the next.
const SWEEP_BATCH: u32 = 100;

/// Takes up kind `K`'s jobs stuck with no attempt on the way (their message lost, or out of
/// the queue's retries): queued again, or failed for good, visibly, once they ran out of
/// attempts. How many of each.
pub async fn sweep<K: Kind>(app: &App, now: Millis) -> ApiResult<(usize, usize)> {
    let (mut requeued, mut failed) = (0, 0);
    let before = now - domain::backoff::OVERDUE_MS;
    for job in K::overdue(app, before, SWEEP_BATCH).await? {
        if job.attempts() >= K::MAX_ATTEMPTS {
            let reason = format!("It could not be sent after {} attempts.", K::MAX_ATTEMPTS);
            K::fail_overdue(app, &job, &reason).await?;
            failed += 1;
        } else {
            K::touch(app, job.id()).await?;
            enqueue::<K>(app, job.id().to_owned()).await?;
            requeued += 1;
        }
    }
    Ok((requeued, failed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attempt_is_done_given_up_or_retried_with_growing_waits() {
        assert_eq!(settle(Outcome::Done, 8, 8), Settled::Done);
        assert_eq!(
            settle(Outcome::GiveUp("no".into()), 1, 8),
            Settled::GiveUp("no".into())
        );
        assert_eq!(
            settle(Outcome::Retry("busy".into()), 1, 8),
            Settled::Retry {
                reason: "busy".into(),
                after: 2
            }
        );
        assert_eq!(
            settle(Outcome::Retry("busy".into()), 3, 8),
            Settled::Retry {
                reason: "busy".into(),
                after: 8
            }
        );
    }

    #[test]
    fn the_last_attempt_gives_up_saying_how_many_it_took() {
        assert_eq!(
            settle(Outcome::Retry("Meta answered 503.".into()), 8, 8),
            Settled::GiveUp("Meta answered 503. (gave up after 8 attempts)".into())
        );
        assert_eq!(
            settle(Outcome::Retry("x".into()), 9, 8),
            Settled::GiveUp("x (gave up after 8 attempts)".into())
        );
    }

    #[test]
    fn a_held_job_is_looked_at_again_just_after_its_lease() {
        assert_eq!(lease_wait(10_000, 10_000), 1);
        assert_eq!(lease_wait(70_000, 10_000), 61);
        assert_eq!(lease_wait(9_000, 10_000), 1);
        assert_eq!(lease_wait(10_500, 10_000), 1);
    }
}
