//! A Durable Object's one alarm, shared by everything an object must do later: each asks to be
//! woken by a time, and the alarm handler, once done, sleeps until the earliest time still due.

use protocol::Millis;
use worker::{Result, Storage};

use crate::store;

/// Makes sure the alarm runs by `at` (it may run earlier, for other work).
pub async fn wake_by(storage: &Storage, at: Millis) -> Result<()> {
    if storage
        .get_alarm()
        .await?
        .is_none_or(|current| current > at)
    {
        set(storage, at).await?;
    }
    Ok(())
}

/// From an alarm handler: sleeps until the earliest of `due`, if any (the handler's own alarm
/// has fired, so this replaces nothing).
pub async fn sleep_until(
    storage: &Storage,
    due: impl IntoIterator<Item = Option<Millis>>,
) -> Result<()> {
    match due.into_iter().flatten().min() {
        Some(at) => set(storage, at).await,
        None => Ok(()),
    }
}

async fn set(storage: &Storage, at: Millis) -> Result<()> {
    storage.set_alarm((at - store::now()).max(0)).await
}
