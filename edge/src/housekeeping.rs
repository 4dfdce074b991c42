//! Work the Worker does on its cron trigger (`[triggers]` in wrangler.toml), not for a request.
//!
//! - Deleting uploads that no message claimed within
//!   [`protocol::limits::UPLOAD_CLAIM_WINDOW_MS`] (a visitor who picked a file and left, a failed
//!   send never retried), so R2 holds only files that are part of a conversation.
//! - Deleting expired sessions and invitations, and counts of failed sign-ins whose window is
//!   over (they decide nothing any more; see `domain::throttle`).
//! - Taking up replies and e-mails stuck unsent with no attempt on the way (a lost job, or one
//!   that ran out of the queue's retries): queued again, or failed for good, visibly, once out
//!   of attempts (`crate::replies::sweep`, `crate::mail::sweep`); and forgetting noted queue
//!   failures that never died (`store::dead_letters`).
//! - Finishing erasures whose last run stopped short (`crate::erasure::sweep`), when due; and
//!   erasing closed conversations past their site's retention (`crate::erasure::retention`).
//!
//! Each upload is first marked expired in D1, so no message can claim it from then on; then its
//! bytes are deleted from R2; then its row. A run that fails between the steps leaves rows marked
//! expired, and the next run finishes them.
//!
//! An admin can also run it at once (`POST /api/admin/housekeeping`), which is how the tests
//! reach it: `wrangler dev` 4.86 (the last on Node 20) cannot fire a cron trigger on a Worker
//! with static assets (its local trigger route answers `exception`; workers-sdk#9882, fixed in
//! later versions that need Node 22).

use domain::throttle::{PER_ACCOUNT, PER_ACCOUNT_AND_ADDRESS, PER_ADDRESS};
use protocol::api::HousekeepingDone;
use protocol::limits::UPLOAD_CLAIM_WINDOW_MS;
use protocol::Millis;
use worker::{Env, Result};

use crate::config::App;
use crate::error::ApiResult;
use crate::store;

/// Uploads expired per round; one R2 call deletes up to 1,000 keys.
const BATCH: u32 = 500;
/// Rounds per run, to stay well within a run's subrequests; the rest waits for the next run.
const ROUNDS: u32 = 4;

/// Runs everything due at `scheduled_ms` (the trigger's time, not the clock: a late run still
/// judges ages from when it was due).
pub async fn run(env: Env, scheduled_ms: Millis) {
    let done = match App::new(env) {
        Ok(app) => run_all(&app, scheduled_ms).await,
        Err(e) => Err(e.into()),
    };
    if let Err(e) = done {
        worker::console_error!("housekeeping failed: {}", e.message);
    }
}

/// Everything housekeeping does, and what it did.
pub async fn run_all(app: &App, now: Millis) -> ApiResult<HousekeepingDone> {
    let window = PER_ACCOUNT
        .window_ms
        .max(PER_ACCOUNT_AND_ADDRESS.window_ms)
        .max(PER_ADDRESS.window_ms);
    store::team::purge(&app.db, now, window).await?;
    store::dead_letters::purge(&app.db, now).await?;
    store::idempotency::purge(&app.db, now).await?;
    let (replies_requeued, replies_failed) = crate::replies::sweep(app, now).await?;
    let (emails_requeued, emails_failed) = crate::mail::sweep(app, now).await?;
    crate::erasure::sweep(app, now).await?;
    let conversations_erased = crate::erasure::retention(app, now).await?;
    Ok(HousekeepingDone {
        uploads_deleted: sweep_uploads(app, now).await?,
        requeued: replies_requeued + emails_requeued,
        failed: replies_failed + emails_failed,
        conversations_erased,
    })
}

/// Deletes uploads made more than the claim window before `now` that no message claimed;
/// returns how many.
async fn sweep_uploads(app: &App, now: Millis) -> Result<usize> {
    let files = app.files()?;
    let before = now - UPLOAD_CLAIM_WINDOW_MS;
    let mut swept = 0;
    for _ in 0..ROUNDS {
        let expired = store::expire_unclaimed(&app.db, before, BATCH).await?;
        if expired.is_empty() {
            break;
        }
        let keys: Vec<String> = expired
            .iter()
            .map(|(site, id)| store::attachment_key(site, id))
            .collect();
        files.delete_multiple(keys).await?;
        let ids: Vec<String> = expired.into_iter().map(|(_, id)| id).collect();
        store::delete_expired(&app.db, &ids).await?;
        swept += ids.len();
        if ids.len() < BATCH as usize {
            break;
        }
    }
    if swept > 0 {
        worker::console_log!("housekeeping: deleted {swept} unclaimed uploads");
    }
    Ok(swept)
}
