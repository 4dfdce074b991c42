//! The failed sign-ins the throttle counts (`login_failures`, rules in `domain::throttle`):
//! each attempt counted under its keys before any password is derived, and forgiven by a right
//! one.

use domain::throttle::{Failures, Limit};
use protocol::Millis;
use serde::Deserialize;
use worker::{D1Database, Result};

use crate::store::{num, stmt, text};

/// Counts one attempt under each key (a new window where the last one is over), in one
/// atomic batch before any password is derived; what each key counts now, this attempt
/// included.
pub async fn count_attempt(
    db: &D1Database,
    keys: &[(&str, Limit)],
    now: Millis,
) -> Result<Vec<(String, Failures)>> {
    #[derive(Deserialize)]
    struct Row {
        key: String,
        count: u32,
        since: Millis,
    }
    let statements = keys
        .iter()
        .map(|(key, limit)| {
            stmt(
                db,
                "INSERT INTO login_failures (key, count, since) VALUES (?1, 1, ?2) \
                 ON CONFLICT (key) DO UPDATE SET \
                 count = CASE WHEN since <= ?2 - ?3 THEN 1 ELSE count + 1 END, \
                 since = CASE WHEN since <= ?2 - ?3 THEN ?2 ELSE since END \
                 RETURNING key, count, since",
                &[text(key), num(now), num(limit.window_ms)],
            )
        })
        .collect::<Result<Vec<_>>>()?;
    let mut counted = Vec::new();
    for result in db.batch(statements).await? {
        counted.extend(result.results::<Row>()?.into_iter().map(|r| {
            (
                r.key,
                Failures {
                    count: r.count,
                    since: r.since,
                },
            )
        }));
    }
    Ok(counted)
}

/// A right password: its attempt is taken back from `keys`, and key `cleared` (the account
/// from this address) starts again from nothing.
pub async fn forgive(db: &D1Database, keys: &[&str], cleared: &str) -> Result<()> {
    let mut statements = vec![stmt(
        db,
        "DELETE FROM login_failures WHERE key = ?1",
        &[text(cleared)],
    )?];
    for key in keys.iter().filter(|k| **k != cleared) {
        statements.push(stmt(
            db,
            "UPDATE login_failures SET count = MAX(count - 1, 0) WHERE key = ?1",
            &[text(key)],
        )?);
    }
    db.batch(statements).await?;
    Ok(())
}
