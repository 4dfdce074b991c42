//! Merging a contact into another by hand, and undoing a merge (any member who sees both; the
//! rules are `merging`'s and `store::merges`').

use domain::Rejection;
use protocol::api::{ErrorCode, MergeContacts};
use worker::{Request, Response};

use super::agent::signed_in;
use super::contacts::{page_of, unknown_contact};
use crate::config::App;
use crate::error::{ApiError, ApiResult};
use crate::store::{self, merges, Viewer};
use crate::{http, merging};

fn unknown_merge() -> ApiError {
    ApiError::new(
        ErrorCode::UnknownMerge,
        "This merge cannot be undone: it was undone already, is more than 30 days old, or the \
         contact it went into was merged into another since (undo that merge first).",
    )
}

/// `POST /api/agent/contacts/{id}/merge` with `MergeContacts` → 200 `ContactPage` of `id`.
pub async fn merge(app: &App, mut req: Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let agent = signed_in(app, &req).await?;
    let viewer = Viewer::of(&agent);
    let body: MergeContacts = http::read_json(&mut req).await?;
    let into = store::contacts::contact(&app.db, &viewer, id)
        .await?
        .ok_or_else(unknown_contact)?;
    let from = store::contacts::contact(&app.db, &viewer, &body.from)
        .await?
        .ok_or_else(|| Rejection::field("from", "is not a contact you see"))?;
    if from.summary.id == into.summary.id || from.summary.site_id != into.summary.site_id {
        return Err(Rejection::field("from", "must be another contact of the same site").into());
    }
    let properties = store::properties::properties(&app.db, &into.summary.site_id).await?;
    for field in &body.take {
        let known = ["name", "email", "phone", "owner_id"].contains(&field.as_str())
            || field
                .strip_prefix("properties.")
                .is_some_and(|key| properties.iter().any(|p| p.key == key));
        if !known {
            return Err(Rejection::field("take", &format!("names no field `{field}`")).into());
        }
    }
    merging::merge(
        app,
        id,
        &body.from,
        &body.take,
        Some(&agent.id),
        store::now(),
    )
    .await?
    .ok_or_else(unknown_contact)?;
    Ok(http::json(&page_of(app, &viewer, id).await?, 200))
}

/// `POST /api/agent/contact-merges/{id}/undo` → 200 `ContactPage` of the contact merged into.
pub async fn undo(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    let agent = signed_in(app, req).await?;
    let viewer = Viewer::of(&agent);
    let now = store::now();
    let merge = merges::undoable(&app.db, id, now)
        .await?
        .ok_or_else(unknown_merge)?;
    // Undone only by someone who sees the contact it went into.
    store::contacts::contact(&app.db, &viewer, &merge.into_id)
        .await?
        .ok_or_else(unknown_merge)?;
    let (_, current) = merges::snapshot(&app.db, &merge.into_id)
        .await?
        .ok_or_else(unknown_merge)?;
    let before = serde_json::from_str(&merge.into_before).map_err(worker::Error::from)?;
    let merged = serde_json::from_str(&merge.merged).map_err(worker::Error::from)?;
    let restored = merges::restored(&before, &merged, &current);
    merges::undo(&app.db, &merge, &restored, now).await?;
    Ok(http::json(
        &page_of(app, &viewer, &merge.into_id).await?,
        200,
    ))
}
