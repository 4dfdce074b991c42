//! Public, per-site configuration for the loader and the widget: the site's chat settings plus
//! its availability decided here, at the edge, for this moment (one pure function of settings,
//! agent presence and the clock: `domain::availability`), in the visitor's language (the
//! site's fixed one, or their browser's `Accept-Language`: `domain::i18n`). No secrets; any
//! origin may read it (the loader runs on the customer's pages). It may be cached until the next
//! opening or closing and at most [`MAX_AGE_S`], so a change of presence shows within that.

use domain::availability::AgentPresence;
use domain::i18n;
use domain::widget_config::public_config;
use protocol::api::ErrorCode;
use protocol::settings::AvailabilityMode;
use worker::{Request, Response};

use crate::config::App;
use crate::error::{ApiError, ApiResult};
use crate::{http, inbox, store};

/// Longest time a config may be cached, in seconds.
const MAX_AGE_S: i64 = 30;

pub async fn widget_config(app: &App, req: &Request, site_id: &str) -> ApiResult<Response> {
    let settings = store::chat_settings(&app.db, site_id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::UnknownSite, "No such site."))?;
    let agents = match settings.availability.mode {
        // 24/7 does not depend on who is there; save the lookups.
        AvailabilityMode::AlwaysOn => Vec::new(),
        _ => presence(app).await?,
    };
    let now_ms = store::now();
    let accept_language = req.headers().get("accept-language")?;
    let language = i18n::choose(&settings.language, accept_language.as_deref());
    let config = public_config(site_id, &settings, language, &agents, now_ms);
    let max_age = config
        .refresh_at
        .map_or(MAX_AGE_S, |at| ((at - now_ms) / 1000).clamp(0, MAX_AGE_S));
    let response = http::json(&config, 200);
    let headers = response.headers();
    headers.set("access-control-allow-origin", "*")?;
    headers.set("cache-control", &format!("public, max-age={max_age}"))?;
    // The language follows the browser's, so a cache must keep one answer per language list.
    headers.set("vary", "accept-language")?;
    Ok(response)
}

/// The routed agents' presence: available when their toggle says so and the inbox is open.
/// Every agent is routed until routing rules exist; nobody has a chat limit until assignment
/// exists (the inbox issue), so capacity never binds yet.
async fn presence(app: &App) -> ApiResult<Vec<AgentPresence>> {
    let toggled = store::agents_set_available(&app.db).await?;
    let present = inbox::present_agents(&app.inboxes, inbox::DEFAULT_INBOX).await?;
    Ok(toggled
        .iter()
        .map(|id| AgentPresence {
            available: present.contains(id),
            open_conversations: 0,
            capacity: None,
        })
        .collect())
}
