//! What admins run: inboxes and teams, where channels deliver, a site's settings, identity secret and Meta connections, reports and dead letters.

use client::http::{self, HttpError};
use protocol::api::{
    Connection, ConnectionList, Inbox, InboxChoice, InboxInput, InboxList, NewConnection, Report,
    SiteSecret, Team, TeamInput, TeamList, WidgetConfig,
};
use protocol::routes as route;
use protocol::settings::ChatSettings;

use super::encode;

/// `GET /api/admin/reports`: the period `[from, to)`, one channel or all (`""`).
pub async fn report(from: i64, to: i64, channel: &str, inbox: &str) -> Result<Report, HttpError> {
    let url = format!(
        "{}?from={from}&to={to}&channel={}&inbox={}",
        route::Reports::new().path_with(encode),
        encode(channel),
        encode(inbox)
    );
    http::get_fresh_json(&url, None).await
}

/// `GET /api/admin/dead-letters`: what the queues gave up on, newest first.
pub async fn dead_letters() -> Result<protocol::queues::DeadLetterList, HttpError> {
    http::get_fresh_json(&route::DeadLetters::new().path_with(encode), None).await
}

/// `POST /api/admin/dead-letters/{id}/retry`: back on its queue.
pub async fn retry_dead_letter(id: &str) -> Result<(), HttpError> {
    let url = route::RetryDeadLetter::new(id).path_with(encode);
    http::post_no_content(&url).await
}

/// `GET /api/agent/inboxes`: the inboxes the agent sees (admins: all), by name.
pub async fn inboxes() -> Result<InboxList, HttpError> {
    http::get_fresh_json(&route::Inboxes::new().path_with(encode), None).await
}

/// `GET /api/agent/teams`: every team, by name.
pub async fn teams() -> Result<TeamList, HttpError> {
    http::get_fresh_json(&route::Teams::new().path_with(encode), None).await
}

/// `POST /api/admin/inboxes`.
pub async fn create_inbox(input: &InboxInput) -> Result<Inbox, HttpError> {
    http::post_json(&route::CreateInbox::new().path_with(encode), input, None).await
}

/// `PUT /api/admin/inboxes/{id}`: name and access, replaced whole.
pub async fn update_inbox(id: &str, input: &InboxInput) -> Result<Inbox, HttpError> {
    http::put_json(&route::UpdateInbox::new(id).path_with(encode), input).await
}

/// `DELETE /api/admin/inboxes/{id}`, its conversations and channels moving to `move_to`.
pub async fn delete_inbox(id: &str, move_to: &str) -> Result<(), HttpError> {
    let url = format!(
        "{}?move_to={}",
        route::DeleteInbox::new(id).path_with(encode),
        encode(move_to)
    );
    http::delete(&url, None).await
}

/// `POST /api/admin/teams`.
pub async fn create_team(input: &TeamInput) -> Result<Team, HttpError> {
    http::post_json(&route::CreateTeam::new().path_with(encode), input, None).await
}

/// `PUT /api/admin/teams/{id}`: name and members, replaced whole.
pub async fn update_team(id: &str, input: &TeamInput) -> Result<Team, HttpError> {
    http::put_json(&route::UpdateTeam::new(id).path_with(encode), input).await
}

/// `DELETE /api/admin/teams/{id}`.
pub async fn delete_team(id: &str) -> Result<(), HttpError> {
    http::delete(&route::DeleteTeam::new(id).path_with(encode), None).await
}

/// Where a channel delivers: `PUT /api/admin/sites/{site}/inbox` for a site's chat, or
/// `…/connections/{id}/inbox` for a Page or number; answered with every inbox.
pub async fn connect_channel(
    site: &str,
    connection: Option<&str>,
    inbox_id: String,
) -> Result<InboxList, HttpError> {
    let url = match connection {
        None => route::SetSiteInbox::new(site).path_with(encode),
        Some(c) => route::SetConnectionInbox::new(site, c).path_with(encode),
    };
    http::put_json(&url, &InboxChoice { inbox_id }).await
}

/// `GET /api/admin/sites/{site}/settings`: the site's chat settings, whole.
pub async fn site_settings(site: &str) -> Result<ChatSettings, HttpError> {
    http::get_fresh_json(&route::Settings::new(site).path_with(encode), None).await
}

/// `PUT /api/admin/sites/{site}/settings`: replaced whole; answered with what was stored
/// (normalised), or a 400 naming the first field refused (nothing stored then).
pub async fn put_site_settings(
    site: &str,
    settings: &ChatSettings,
) -> Result<ChatSettings, HttpError> {
    http::put_json(&route::PutSettings::new(site).path_with(encode), settings).await
}

/// `GET /api/sites/{site}/widget-config`, past the browser's cache: what the widget reads. The
/// answer replaces the cached one, so a widget frame loaded next sees the settings just saved.
pub async fn widget_config(site: &str) -> Result<WidgetConfig, HttpError> {
    let url = route::WidgetConfig::new(site).path_with(encode);
    http::get_fresh_json(&url, None).await
}

/// `GET /api/admin/sites/{site}/identity`: whether the site has an identity secret, and since
/// when.
pub async fn identity_secret(site: &str) -> Result<SiteSecret, HttpError> {
    http::get_fresh_json(&route::IdentitySecret::new(site).path_with(encode), None).await
}

/// `POST /api/admin/sites/{site}/identity/secret`: a new secret, replacing the old one at once.
pub async fn new_identity_secret(site: &str) -> Result<SiteSecret, HttpError> {
    http::post_action(&route::RotateIdentitySecret::new(site).path_with(encode)).await
}

/// `GET /api/admin/sites/{site}/webhooks`: whether the site has a webhook secret, and since
/// when.
pub async fn webhook_secret(site: &str) -> Result<SiteSecret, HttpError> {
    http::get_fresh_json(&route::WebhookSecret::new(site).path_with(encode), None).await
}

/// `POST /api/admin/sites/{site}/webhooks/secret`: a new webhook secret, replacing the old one
/// at once.
pub async fn new_webhook_secret(site: &str) -> Result<SiteSecret, HttpError> {
    http::post_action(&route::RotateWebhookSecret::new(site).path_with(encode)).await
}

/// `GET /api/admin/sites/{site}/connections`: the site's Pages and numbers (never tokens).
pub async fn connections(site: &str) -> Result<ConnectionList, HttpError> {
    http::get_fresh_json(&route::Connections::new(site).path_with(encode), None).await
}

/// `POST /api/admin/sites/{site}/connections`: a Messenger Page or WhatsApp number.
pub async fn connect(site: &str, new: &NewConnection) -> Result<Connection, HttpError> {
    http::post_json(&route::Connect::new(site).path_with(encode), new, None).await
}

/// `DELETE /api/admin/sites/{site}/connections/{id}`.
pub async fn disconnect(site: &str, id: &str) -> Result<(), HttpError> {
    let url = route::Disconnect::new(site, id).path_with(encode);
    http::delete(&url, None).await
}

/// `PUT /api/admin/sites/{site}/connections/{id}/flow`: what happens before an agent answers.
pub async fn set_flow(
    site: &str,
    id: &str,
    flow: &protocol::api::ChannelFlow,
) -> Result<Connection, HttpError> {
    let url = route::SetFlow::new(site, id).path_with(encode);
    http::put_json(&url, flow).await
}

/// `PUT /api/admin/sites/{site}/connections/{id}/token`: a new token; valid again.
pub async fn replace_token(site: &str, id: &str, token: String) -> Result<Connection, HttpError> {
    let url = route::ReplaceToken::new(site, id).path_with(encode);
    http::put_json(
        &url,
        &protocol::api::NewToken {
            access_token: token,
        },
    )
    .await
}
