//! Public, per-site configuration for the loader and the widget: the site's chat settings plus
//! its availability decided here, at the edge, for this moment (one pure function of settings,
//! agent presence and the clock: `domain::availability`), in the visitor's language (the
//! site's fixed one, or their browser's `Accept-Language`: `domain::i18n`). No secrets; read
//! cross-origin by the loader on the customer's pages.
//!
//! The settings and the presence it is computed from come through the edge cache
//! ([`crate::edge_cache`]), deleted there whenever they change; `x-porchlight-cache` says
//! whether both came from it. With `?page=` (the loader's request), the site's targeting rules
//! decide whether the widget shows on that page (`off_page`; `domain::targeting`). A page whose
//! `Origin` is not among the site's allowed domains gets `403 origin_not_allowed`
//! (`domain::origins`). Browsers may keep an answer until the next opening or closing and
//! at most [`MAX_AGE_S`].

use domain::availability::AgentPresence;
use domain::consent::asked;
use domain::flows;
use domain::i18n;
use domain::origins;
use domain::routing::{routed, Candidate};
use domain::targeting::{self, Device};
use domain::widget_config::public_config;
use protocol::api::ErrorCode;
use protocol::settings::AvailabilityMode;
use serde::{Deserialize, Serialize};
use worker::{Request, Response};

use crate::config::App;
use crate::contracts::hub::HubStub;
use crate::edge_cache::{Entry, Source};
use crate::error::{ApiError, ApiResult};
use crate::frame::FrameUrl;
use crate::{http, store};

/// Longest time a config may be cached, in seconds.
const MAX_AGE_S: i64 = 30;

pub async fn widget_config(app: &App, req: &Request, site_id: &str) -> ApiResult<Response> {
    let origin = http::own_origin(req)?;
    let (settings, settings_source) = Entry::settings(&origin, site_id)
        .get_or_load(store::chat_settings(&app.db, site_id))
        .await?;
    let settings =
        settings.ok_or_else(|| ApiError::new(ErrorCode::UnknownSite, "No such site."))?;
    // A page of another site than the allowed ones: refused, readable (CORS), so the loader
    // says why in its one line and takes itself off the page.
    if let Some(page_origin) = req.headers().get("origin")? {
        if page_origin != origin && !origins::allows(&settings.allowed_domains, &page_origin) {
            let refused = ApiError::new(
                ErrorCode::OriginNotAllowed,
                format!("{page_origin} is not among this site's allowed domains."),
            )
            .into_response();
            refused.headers().set("access-control-allow-origin", "*")?;
            return Ok(refused);
        }
    }
    let (candidates, presence_source) = match settings.availability.mode {
        // 24/7 does not depend on who is there; save the lookups.
        AvailabilityMode::AlwaysOn => (Vec::new(), Source::Hit),
        _ => {
            let (presence, source) = Entry::presence(&origin)
                .get_or_load(async { presence(app).await.map(Some) })
                .await?;
            (
                presence.map(|p| p.of_site(site_id)).unwrap_or_default(),
                source,
            )
        }
    };
    // Only the members the routing rule names make the channel available.
    let agents: Vec<AgentPresence> = routed(&settings.routing.rule, &candidates)
        .map(Candidate::presence)
        .collect();
    let source = if settings_source == Source::Hit && presence_source == Source::Hit {
        Source::Hit
    } else {
        Source::Miss
    };
    let now_ms = store::now();
    // The SDK's `locale` goes before the browser's languages: `?lang=`, or the widget frame's
    // own `?locale=` (its requests carry the frame's URL as their referrer).
    let frame = FrameUrl::of(req, &origin);
    let locale =
        http::query_param(req, "lang").or_else(|| frame.as_ref().and_then(FrameUrl::locale));
    let browser = req.headers().get("accept-language")?;
    let accept_language = match (locale, browser) {
        (Some(lang), Some(browser)) => Some(format!("{lang},{browser}")),
        (lang, browser) => lang.or(browser),
    };
    let language = i18n::choose(&settings.language, accept_language.as_deref());
    // `enableConsentBanner` on the page that embeds this frame: the consent step is explicit.
    let mut settings = settings;
    if frame.as_ref().is_some_and(FrameUrl::asks_consent) {
        settings.consent = asked(&settings.consent);
    }
    let headers = req.headers();
    let device = Device::of(
        headers.get("sec-ch-ua-mobile")?.as_deref(),
        headers.get("user-agent")?.as_deref(),
    );
    // The loader names the page it runs on (`?page=`); the frame, the host page it was opened
    // on. The chatflow running there speaks its own language, and says its own welcome.
    let named = http::query_param(req, "page");
    let page = named
        .clone()
        .or_else(|| frame.as_ref().and_then(FrameUrl::page));
    let flow = match &page {
        Some(page) => {
            let referrer = frame.as_ref().and_then(FrameUrl::referrer);
            let visitor = flows::Visitor {
                known: false,
                contact: &Default::default(),
                language,
                referrer: referrer.as_deref(),
                device,
            };
            super::chatflows::chosen(app, &origin, site_id, page, &visitor).await?
        }
        None => None,
    };
    let language = flow.as_ref().map_or(language, |(_, v)| v.flow.language);
    let mut config = public_config(site_id, &settings, language, &agents, now_ms);
    if let Some((_, version)) = &flow {
        super::chatflows::display(&version.flow, &mut config);
    }
    // The heading's people (a known contact's owner comes with their conversation instead).
    if let Some((agent_ids, team_ids)) = settings.heading_people.named() {
        config.people = store::inboxes::heading_people(&app.db, agent_ids, team_ids).await?;
    }
    // `disableAttachment` on the page that embeds this frame: as if the site took no files.
    if frame.as_ref().is_some_and(FrameUrl::attachments_off) {
        config.attachments = None;
    }
    // Only the loader's page is targeted: the widget frame's requests are never kept off.
    if let Some(page) = &named {
        config.off_page = !targeting::shows_on(&settings.targeting, page, device);
    }
    let max_age = config
        .refresh_at
        .map_or(MAX_AGE_S, |at| ((at - now_ms) / 1000).clamp(0, MAX_AGE_S));
    let response = http::json(&config, 200);
    let headers = response.headers();
    headers.set("access-control-allow-origin", "*")?;
    headers.set("cache-control", &format!("public, max-age={max_age}"))?;
    // The language follows the browser's, and targeting its kind of device, so a cache must
    // keep one answer per language list and device.
    // With allowed domains, the answer also depends on the page's origin.
    headers.set(
        "vary",
        if settings.allowed_domains.is_empty() {
            "accept-language, sec-ch-ua-mobile, user-agent"
        } else {
            "accept-language, sec-ch-ua-mobile, user-agent, origin"
        },
    )?;
    headers.set("x-porchlight-cache", source.header_value())?;
    Ok(response)
}

/// Every member's presence, chat limit, open assigned conversations and inboxes, with the
/// inbox each site's chat delivers to: cached as one entry for every site, and deleted whenever
/// any of it changes.
#[derive(Serialize, Deserialize)]
struct Presence {
    candidates: Vec<Candidate>,
    /// (site id, inbox id) of every site.
    site_inboxes: Vec<(String, String)>,
}

impl Presence {
    /// The members of the site's inbox (the routing rule then picks whose count).
    fn of_site(self, site_id: &str) -> Vec<Candidate> {
        let Some((_, inbox)) = self.site_inboxes.iter().find(|(site, _)| site == site_id) else {
            return Vec::new();
        };
        self.candidates
            .into_iter()
            .filter(|c| c.inbox_ids.contains(inbox))
            .collect()
    }
}

async fn presence(app: &App) -> worker::Result<Presence> {
    let asked = async { HubStub::of(&app.hub)?.presence().await };
    let present = asked
        .await
        .map_err(|e| worker::Error::RustError(e.message))?;
    Ok(Presence {
        candidates: store::routing_candidates(&app.db, None, &present).await?,
        site_inboxes: store::inboxes::site_inboxes(&app.db).await?,
    })
}

/// Whether someone can answer site `site_id`'s chat now, and when the team is back (see
/// `domain::availability::team_now`): what a chatflow bot's branches and handover need. Read
/// afresh, without the edge cache: a bot asks once per step, and must not act on a stale team.
pub async fn team_now(app: &App, site_id: &str) -> ApiResult<(bool, String)> {
    let Some(settings) = store::chat_settings(&app.db, site_id).await? else {
        return Ok((false, "soon".to_owned()));
    };
    let candidates = match settings.availability.mode {
        AvailabilityMode::AlwaysOn => Vec::new(),
        _ => presence(app).await?.of_site(site_id),
    };
    let agents: Vec<AgentPresence> = routed(&settings.routing.rule, &candidates)
        .map(Candidate::presence)
        .collect();
    Ok(domain::availability::team_now(
        &settings,
        &agents,
        store::now(),
    ))
}
