//! Erasing a person (issue 23): an admin erases a contact, and everything stored of them goes,
//! wherever it is; what stays for the accounts names nobody (`store::erasures`).
//!
//! 1. The plan is fixed and recorded (the contact, its visitors, conversations, Meta senders,
//!    files), and the visitors' tokens are deleted: every browser loses access at once.
//! 2. Each conversation's Durable Object erases itself (sockets closed, alarm cancelled,
//!    storage deleted), then every open inbox drops its rows.
//! 3. The files are deleted from R2.
//! 4. The rows are deleted from D1, in one batch (conversations with their search text, files,
//!    e-mails, mentions and replies; visitors; Meta ids, held events and consent; queue failures
//!    that carry them; merges; the contact and its values).
//! 5. The record is completed and its plan emptied.
//!
//! Every step can run again. A run that fails records why and when to try again (growing
//! delays); the cron takes it up (`housekeeping`) until it completes, and admins see each
//! erasure's state (`GET /api/admin/erasures`).

use domain::backoff::retry_delay;
use protocol::api::Erasure;
use protocol::Millis;
use worker::Result;

use crate::config::App;
use crate::contracts::conversation::{Call, ConversationStub};
use crate::contracts::hub::HubStub;
use crate::error::ApiResult;
use crate::secrets;
use crate::store;
use crate::store::erasures::{self, Plan};

/// Erasures taken up per cron run.
const SWEEP_BATCH: u32 = 10;

/// Starts erasing contact `contact_id` of `site_id` for admin `by`, and runs it once; the
/// record as it stands after that run.
pub async fn start(app: &App, contact_id: &str, site_id: &str, by: &str) -> ApiResult<Erasure> {
    let now = store::now();
    let plan = erasures::plan(&app.db, contact_id).await?;
    let id = secrets::new_id("er")?;
    erasures::insert(&app.db, &id, site_id, Some(by), &plan, now).await?;
    erasures::revoke_tokens(&app.db, &plan).await?;
    run(app, &id, &plan, 0).await;
    Ok(erasures::erasure(&app.db, &id)
        .await?
        .ok_or_else(|| worker::Error::RustError("an erasure vanished".into()))?)
}

/// Runs steps 2–5 of erasure `id`; a failure is recorded for the cron to try again.
async fn run(app: &App, id: &str, plan: &Plan, attempts: i64) {
    match steps(app, plan).await {
        Ok(()) => {
            if let Err(e) = erasures::complete(&app.db, id, store::now()).await {
                worker::console_error!("erasure {id}: completing it failed: {e}");
            }
        }
        Err(e) => {
            let message = e.message;
            worker::console_error!("erasure {id}: {message}; it will be tried again");
            let next = store::now() + Millis::from(retry_delay(attempts + 1)) * 1000;
            if let Err(e) = erasures::failed(&app.db, id, &message, next).await {
                worker::console_error!("erasure {id}: recording the failure failed: {e}");
            }
        }
    }
}

async fn steps(app: &App, plan: &Plan) -> ApiResult<()> {
    // Again on every run: a visitor's token made after the first run (none should be) goes too.
    erasures::revoke_tokens(&app.db, plan).await?;
    for conversation in &plan.conversations {
        ConversationStub::of(&app.conversations, conversation)?
            .tell(&Call::Erase)
            .await?;
    }
    if !plan.conversations.is_empty() {
        HubStub::of(&app.hub)?.erased(&plan.conversations).await?;
    }
    let files = app.files()?;
    for keys in plan.files.chunks(1_000) {
        files.delete_multiple(keys.to_vec()).await?;
    }
    Ok(erasures::delete_rows(&app.db, plan).await?)
}

/// Conversations erased per cron run for retention; the rest wait for the next run.
const RETENTION_BATCH: u32 = 100;

/// Erases the closed conversations past their site's retention at `now` (the cron): one
/// erasure per site, recorded as `retention`, run as a contact's is (and retried the same
/// way). How many conversations it took up.
pub async fn retention(app: &App, now: Millis) -> ApiResult<usize> {
    let due = erasures::past_retention(&app.db, now, RETENTION_BATCH).await?;
    let mut by_site: std::collections::BTreeMap<String, Plan> = Default::default();
    for conversation in &due {
        let plan = by_site.entry(conversation.site_id.clone()).or_default();
        plan.conversations.push(conversation.id.clone());
        let files: Vec<String> = serde_json::from_str(&conversation.files)?;
        plan.files.extend(files);
    }
    for (site_id, plan) in &by_site {
        let id = secrets::new_id("er")?;
        erasures::insert(&app.db, &id, site_id, None, plan, now).await?;
        run(app, &id, plan, 0).await;
    }
    if !due.is_empty() {
        worker::console_log!("retention: {} closed conversations taken up", due.len());
    }
    Ok(due.len())
}

/// Takes up the erasures due at `now` (the cron); how many completed.
pub async fn sweep(app: &App, now: Millis) -> Result<usize> {
    let mut completed = 0;
    for pending in erasures::due(&app.db, now, SWEEP_BATCH).await? {
        let plan: Plan = serde_json::from_str(&pending.plan)?;
        run(app, &pending.id, &plan, pending.attempts).await;
        if erasures::erasure(&app.db, &pending.id)
            .await?
            .is_some_and(|e| e.completed_at.is_some())
        {
            completed += 1;
        }
    }
    Ok(completed)
}
