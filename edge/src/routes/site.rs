//! Public, per-site configuration for the loader and the widget. No secrets; any origin may read
//! it (the loader runs on the customer's pages), and browsers may cache it briefly.

use protocol::api::ErrorCode;
use worker::Response;

use crate::config::App;
use crate::error::{ApiError, ApiResult};
use crate::{http, store};

pub async fn widget_config(app: &App, site_id: &str) -> ApiResult<Response> {
    let config = store::widget_config(&app.db, site_id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::UnknownSite, "No such site."))?;
    let response = http::json(&config, 200);
    let headers = response.headers();
    headers.set("access-control-allow-origin", "*")?;
    headers.set("cache-control", "public, max-age=60")?;
    Ok(response)
}
