//! Admins' view of what the queues gave up on (`crate::queues`): the dead letters with their
//! reasons, and sending one back to its queue.

use protocol::api::ErrorCode;
use protocol::queues::DeadLetterList;
use worker::{Request, Response};

use super::agent::signed_in_admin;
use crate::config::App;
use crate::error::{ApiError, ApiResult};
use crate::store::dead_letters;
use crate::{http, store};

/// Dead letters listed at once; the count says how many there are in all.
const LISTED: u32 = 100;

/// `GET /api/admin/dead-letters` → `DeadLetterList`.
pub async fn list(app: &App, req: &Request) -> ApiResult<Response> {
    signed_in_admin(app, req).await?;
    let list = DeadLetterList {
        count: dead_letters::count(&app.db).await?,
        dead_letters: dead_letters::dead(&app.db, LISTED).await?,
    };
    Ok(http::json(&list, 200))
}

/// `POST /api/admin/dead-letters/{id}/retry` → 204: the message goes back on its queue (its
/// consumer takes it up as new, with all its retries) and off the list.
pub async fn retry(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    signed_in_admin(app, req).await?;
    let now = store::now();
    let Some((queue, body)) = dead_letters::take_for_retry(&app.db, id, now).await? else {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            "No dead letter with that id is waiting.",
        ));
    };
    let producer = match queue.as_str() {
        crate::config::INBOUND_QUEUE => app.inbound()?,
        crate::config::OUTBOUND_QUEUE => app.outbound()?,
        crate::config::REPLIES_QUEUE => app.replies()?,
        _ => {
            dead_letters::untake(&app.db, id, now).await?;
            return Err(ApiError::new(
                ErrorCode::Internal,
                format!("The queue {queue} is not one this Worker sends to."),
            ));
        }
    };
    if let Err(e) = producer.send(body).await {
        dead_letters::untake(&app.db, id, now).await?;
        return Err(e.into());
    }
    Ok(http::no_content())
}
