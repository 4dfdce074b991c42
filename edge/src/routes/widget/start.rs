//! Starting a conversation (`POST /api/widget/conversations`): validated whole (the first
//! message, the site, the visitor's consent, their token) before anything is written, then the
//! visitor (when new), the conversation's row and the record of its creation in one batch. A
//! retry with the same first message (its answer was lost) finds the same conversation
//! (`store::idempotency`).

use domain::consent::{asked, consent_for};
use domain::credentials::{bearer_token, token_digest};
use domain::message::{clamp_page_url, validate_send};
use domain::targeting::Device;
use domain::{flows, i18n, Rejection};
use protocol::api::{
    ConversationCreated, CreateConversation, ErrorCode, MessageAccepted, SendMessage,
};
use protocol::flows::FlowKind;
use worker::{Request, Response};

use super::{forbidden, identity_required};
use crate::config::App;
use crate::contracts::conversation::{BotRef, Call, ConversationStub, Init};
use crate::error::{ApiError, ApiResult};
use crate::floods::{self, Flood};
use crate::frame::{path_and_query, FrameUrl};
use crate::participant::Participant;
use crate::routes::chatflows;
use crate::store::{self, NewConversation};
use crate::{http, secrets};

/// The most of a `User-Agent` kept with a conversation.
const USER_AGENT_MAX_CHARS: usize = 300;

/// The first tag of an `Accept-Language` list (`fr-CA,fr;q=0.9` → `fr-CA`).
fn first_language(list: &str) -> Option<&str> {
    let tag = list.split(',').next()?.split(';').next()?.trim();
    (!tag.is_empty() && tag != "*").then_some(tag)
}

/// `POST /api/widget/conversations`: a new conversation with its first message. Everything is
/// validated before anything is written.
pub async fn create(app: &App, mut req: Request) -> ApiResult<Response> {
    http::refuse_cross_origin(&req)?;
    let address = floods::address(&req);
    floods::count(app.env(), Flood::Starts, &address).await?;
    floods::count(app.env(), Flood::Address, &address).await?;
    let body: CreateConversation = http::read_json(&mut req).await?;
    let first = validate_send(&body.first_message)?;
    let settings = store::chat_settings(&app.db, &body.site_id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::UnknownSite, "No such site."))?;
    // The page that embeds the frame may ask for explicit consent (`enableConsentBanner`): the
    // frame's config then showed an "I agree" step, and the agreement is what is recorded.
    let frame = FrameUrl::of(&req, &http::own_origin(&req)?);
    let asks = frame.as_ref().is_some_and(FrameUrl::asks_consent);
    let consent = if asks {
        consent_for(&asked(&settings.consent), body.consent_version)?
    } else {
        consent_for(&settings.consent, body.consent_version)?
    };
    let presented = match req.headers().get("authorization")? {
        Some(h) => Some(bearer_token(Some(&h))?.to_owned()),
        None => None,
    };
    let now = store::now();
    let requester = requester(&req)?;
    if let Some(prior) =
        store::idempotency::creation(&app.db, &body.site_id, &first.client_id).await?
    {
        return again(app, &req, prior, presented, &requester, &first).await;
    }
    let mut batch = Vec::new();
    let (visitor_id, visitor_token) = match presented {
        Some(token) => {
            let visitor = store::visitor_by_token(&app.db, &body.site_id, &token_digest(&token))
                .await?
                .ok_or_else(forbidden)?;
            if settings.identity.required && visitor.identity.is_none() {
                return Err(identity_required());
            }
            (visitor.id, token)
        }
        None if settings.identity.required => return Err(identity_required()),
        None => {
            let id = secrets::new_id("v")?;
            let token = secrets::new_token()?;
            batch.extend(store::insert_visitor(
                &app.db,
                &id,
                &body.site_id,
                &token_digest(&token),
                None,
                now,
            )?);
            (id, token)
        }
    };
    let conversation_id = secrets::new_id("c")?;
    let page_url = clamp_page_url(body.page_url.as_deref());
    // The widget leaves the page before and the language to the edge: the frame's `ref`
    // parameter (the host page's `document.referrer`) and the browser's first language.
    let referrer = body
        .referrer
        .or_else(|| frame.as_ref().and_then(FrameUrl::referrer))
        .filter(|r| !r.is_empty());
    let referrer = clamp_page_url(referrer.as_deref());
    let browser = req.headers().get("accept-language")?;
    let locale = body
        .locale
        .as_deref()
        .or_else(|| browser.as_deref().and_then(first_language))
        .filter(|l| l.len() <= 35 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    // Kept short: enough to tell a browser and system apart.
    let user_agent = req
        .headers()
        .get("user-agent")?
        .map(|ua| ua.chars().take(USER_AGENT_MAX_CHARS).collect::<String>());
    // The chatflow running on the page it starts on decides its inbox.
    let flow = match page_url.as_deref().and_then(path_and_query) {
        Some(page) => {
            let language = i18n::choose(&settings.language, browser.as_deref());
            let headers = req.headers();
            let visitor = flows::Visitor {
                known: false,
                contact: &Default::default(),
                language,
                referrer: referrer.as_deref(),
                device: Device::of(
                    headers.get("sec-ch-ua-mobile")?.as_deref(),
                    headers.get("user-agent")?.as_deref(),
                ),
            };
            let origin = http::own_origin(&req)?;
            chatflows::chosen(app, &origin, &body.site_id, &page, &visitor).await?
        }
        None => None,
    };
    batch.push(store::insert_conversation(
        &app.db,
        &NewConversation {
            id: &conversation_id,
            site_id: &body.site_id,
            visitor_id: &visitor_id,
            page_url: page_url.as_deref(),
            referrer: referrer.as_deref(),
            locale,
            consent,
            at: now,
            user_agent: user_agent.as_deref(),
            inbox_id: flow.as_ref().map(|(_, v)| v.flow.inbox_id.as_str()),
        },
    )?);
    // A bot flow's conversation starts with its bot, on the version published now.
    let bot = flow
        .as_ref()
        .filter(|(_, v)| v.flow.kind == FlowKind::Bot)
        .map(|(flow_id, v)| BotRef {
            flow_id: flow_id.clone(),
            version: v.version,
        });
    if let Some(bot) = &bot {
        batch.push(store::bots::set_of_conversation(
            &app.db,
            &conversation_id,
            &bot.flow_id,
            bot.version,
        )?);
    }
    batch.push(store::idempotency::insert_creation(
        &app.db,
        &store::idempotency::Creation {
            site_id: body.site_id.clone(),
            client_id: first.client_id.clone(),
            visitor_id: visitor_id.clone(),
            conversation_id: conversation_id.clone(),
            requester,
            created_at: now,
        },
    )?);
    app.db.batch(batch).await?;
    let creation = store::idempotency::Creation {
        site_id: body.site_id,
        client_id: first.client_id.clone(),
        visitor_id,
        conversation_id,
        requester: String::new(),
        created_at: now,
    };
    open(app, &req, &creation, visitor_token, &first, bot).await
}

/// How long after a conversation was created a retry of its creation finds it.
const CREATION_RETRY_MS: protocol::Millis = 10 * 60 * 1000;

/// Who is asking, as far as a retry needs to tell: a digest of the client's address and
/// browser (Cloudflare sets `cf-connecting-ip`; a client cannot).
fn requester(req: &Request) -> ApiResult<String> {
    let address = req.headers().get("cf-connecting-ip")?.unwrap_or_default();
    let browser = req.headers().get("user-agent")?.unwrap_or_default();
    Ok(token_digest(&format!("{address}\n{browser}")))
}

/// A creation asked for again with the same first message (its answer was lost): the same
/// conversation, from the same client within [`CREATION_RETRY_MS`]; for a new visitor, with
/// a new token of the same visitor (the first one never reached anybody). Anything else
/// reusing that client id is refused.
async fn again(
    app: &App,
    req: &Request,
    prior: store::idempotency::Creation,
    presented: Option<String>,
    requester: &str,
    first: &SendMessage,
) -> ApiResult<Response> {
    let now = store::now();
    if prior.requester != requester || now - prior.created_at > CREATION_RETRY_MS {
        return Err(Rejection::field(
            "first_message.client_id",
            "was already used to start a conversation",
        )
        .into());
    }
    let token = match presented {
        Some(token) => {
            let visitor = store::visitor_by_token(&app.db, &prior.site_id, &token_digest(&token))
                .await?
                .ok_or_else(forbidden)?;
            if visitor.id != prior.visitor_id {
                return Err(forbidden());
            }
            token
        }
        None => {
            let token = secrets::new_token()?;
            store::insert_visitor_token(&app.db, &prior.visitor_id, &token_digest(&token), now)?
                .run()
                .await?;
            token
        }
    };
    // The bot it started with, if any, is taken on again (idempotently) with the first message.
    let bot = store::bots::of_conversation(&app.db, &prior.conversation_id)
        .await?
        .map(|(flow_id, version)| BotRef { flow_id, version });
    open(app, req, &prior, token, first, bot).await
}

/// Makes sure the conversation's object knows it and holds the first message (both
/// idempotent, so a retry mends a creation that failed half-way), then answers 201.
async fn open(
    app: &App,
    req: &Request,
    creation: &store::idempotency::Creation,
    visitor_token: String,
    first: &SendMessage,
    bot: Option<BotRef>,
) -> ApiResult<Response> {
    let conversation = ConversationStub::of(&app.conversations, &creation.conversation_id)?;
    let init = Init {
        conversation_id: creation.conversation_id.clone(),
        site_id: creation.site_id.clone(),
        meta: None,
        bot,
    };
    conversation.tell(&Call::Init(init)).await?;
    let send = Call::Send {
        who: Participant::Visitor {
            visitor_id: creation.visitor_id.clone(),
        },
        origin: Some(http::own_origin(req)?),
        send: first.clone(),
    };
    let mut stored = conversation.call(&send).await?;
    if !(200..300).contains(&stored.status_code()) {
        return Ok(stored);
    }
    let accepted: MessageAccepted = stored.json().await?;
    let created = ConversationCreated {
        conversation_id: creation.conversation_id.clone(),
        visitor_token,
        message: accepted.message,
    };
    Ok(http::json(&created, 201))
}
