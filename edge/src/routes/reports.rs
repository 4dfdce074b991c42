//! `GET /api/admin/reports`: conversations started, first response and time to close (median
//! and 90th percentile), started per day in the site's time zone, and who answered, for a
//! period and optionally one channel and one inbox (`?inbox=`). Admins only.

use domain::reports::{durations, per_day, validate_period};
use domain::Rejection;
use protocol::api::Report;
use worker::{Request, Response};

use super::agent::signed_in_admin;
use crate::config::App;
use crate::error::ApiResult;
use crate::store::reports::Scope;
use crate::{http, store};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

fn millis(req: &Request, name: &str) -> ApiResult<Option<i64>> {
    match http::query_param(req, name) {
        None => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .map(Some)
            .ok_or_else(|| Rejection::field(name, "must be milliseconds since 1970").into()),
    }
}

pub async fn report(app: &App, req: &Request) -> ApiResult<Response> {
    signed_in_admin(app, req).await?;
    let now = store::now();
    let to = millis(req, "to")?.unwrap_or(now);
    let from = millis(req, "from")?.unwrap_or(to - 7 * DAY_MS);
    validate_period(from, to)?;
    let channel = http::query_param(req, "channel").unwrap_or_default();
    if !matches!(channel.as_str(), "" | "chat" | "messenger" | "whatsapp") {
        return Err(Rejection::field("channel", "must be chat, messenger or whatsapp").into());
    }
    let inbox = http::query_param(req, "inbox").unwrap_or_default();
    let scope = Scope {
        channel: &channel,
        inbox: &inbox,
    };
    let site = store::first_site_settings(&app.db).await?;
    let tz = domain::reports::zone(site.as_ref());
    let started = store::reports::started(&app.db, from, to, &scope).await?;
    let closed = store::reports::closed(&app.db, from, to, &scope).await?;
    let created: Vec<i64> = started.iter().map(|t| t.created_at).collect();
    let report = Report {
        from,
        to,
        time_zone: tz.name(),
        started: u32::try_from(started.len()).unwrap_or(u32::MAX),
        per_day: per_day(from, to, &tz, &created),
        first_response: durations(
            started
                .iter()
                .filter_map(|t| t.first_response_at.map(|r| r - t.created_at))
                .collect(),
        ),
        time_to_close: durations(
            closed
                .iter()
                .filter_map(|t| t.closed_at.map(|c| c - t.created_at))
                .collect(),
        ),
        agents: store::reports::agents(&app.db, from, to, &scope).await?,
    };
    Ok(http::json(&report, 200))
}
