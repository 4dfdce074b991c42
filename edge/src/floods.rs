//! Flood limits on the visitor side: what a visitor (by their token) and a client address (by
//! `cf-connecting-ip`, which Cloudflare sets itself) may do in a short time, counted by the
//! Workers Rate Limiting bindings (`[[ratelimits]]` in wrangler.toml, where the limits are
//! configured; `wrangler dev` enforces them locally too). A refused request stores nothing and
//! gets `429 rate_limited` with `retry_after`; the widget shows the sentence and keeps what the
//! visitor typed.
//!
//! | limit | key | counts |
//! |---|---|---|
//! | [`Flood::Starts`] | address | new conversations, uploads before a conversation exists |
//! | [`Flood::Messages`] | visitor | messages sent over HTTP |
//! | [`Flood::Connections`] | visitor | sockets opened, uploads |
//! | [`Flood::Address`] | address | every one of the above, whoever the visitor |
//! | [`SocketFrames`] | visitor, in one conversation | messages, typing and reads on sockets |
//!
//! The last is a Durable Object counter, kept by the conversation's object in memory (a
//! visitor's frames all reach it): a binding call on every frame would double what a message
//! costs. Its limit is the `FLOOD_SOCKET_FRAMES` var (per 10 seconds). An object that sleeps
//! forgets its counts, which only ever lets a visitor off lightly.

use std::collections::HashMap;

use protocol::api::ErrorCode;
use protocol::Millis;
use worker::{console_warn, Env, Request};

use crate::error::{ApiError, ApiResult};

/// What is being counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flood {
    Starts,
    Messages,
    Connections,
    Address,
}

impl Flood {
    /// The binding's name (wrangler.toml).
    fn binding(self) -> &'static str {
        match self {
            Self::Starts => "VISITOR_STARTS",
            Self::Messages => "VISITOR_MESSAGES",
            Self::Connections => "VISITOR_CONNECTIONS",
            Self::Address => "ADDRESS_TRAFFIC",
        }
    }

    /// The binding's period in seconds (wrangler.toml: 10 or 60): at most how long a refusal
    /// lasts.
    fn period_s(self) -> i64 {
        match self {
            Self::Messages | Self::Address => 10,
            Self::Starts | Self::Connections => 60,
        }
    }

    fn refusal(self) -> ApiError {
        let seconds = self.period_s();
        let what = match self {
            Self::Starts => "Too many new conversations from here",
            Self::Messages => "You are sending messages too quickly",
            Self::Connections => "Too many connections from this chat",
            Self::Address => "Too much traffic from here",
        };
        ApiError::new(
            ErrorCode::RateLimited,
            format!("{what}; please wait {seconds} seconds and try again."),
        )
        .retry_after(seconds)
    }
}

/// Counts one request under `key` (a visitor id or an address); `rate_limited` once the
/// limit is passed. A deployment without the binding is not limited (and says so in its log).
pub async fn count(env: &Env, flood: Flood, key: &str) -> ApiResult<()> {
    let limiter = match env.rate_limiter(flood.binding()) {
        Ok(limiter) => limiter,
        Err(_) => {
            console_warn!("no {} binding: {flood:?} is not limited", flood.binding());
            return Ok(());
        }
    };
    if limiter.limit(key.to_owned()).await?.success {
        Ok(())
    } else {
        Err(flood.refusal())
    }
}

/// Counts a visitor's request under their own limit and their address's.
pub async fn count_visitor(
    env: &Env,
    flood: Flood,
    visitor_id: &str,
    address: &str,
) -> ApiResult<()> {
    count(env, flood, visitor_id).await?;
    count(env, Flood::Address, address).await
}

/// The visitor-side frames on one conversation's sockets, counted per visitor in fixed windows
/// of ten seconds (see the module's table).
pub struct SocketFrames {
    limit: u32,
    window: Millis,
    counts: HashMap<String, u32>,
}

/// The var naming [`SocketFrames`]' limit, and its value when unset.
const SOCKET_FRAMES_VAR: &str = "FLOOD_SOCKET_FRAMES";
const SOCKET_FRAMES_DEFAULT: u32 = 60;
const WINDOW_MS: Millis = 10_000;

impl SocketFrames {
    pub fn new(env: &Env) -> Self {
        let limit = env
            .var(SOCKET_FRAMES_VAR)
            .ok()
            .and_then(|v| v.to_string().parse().ok())
            .unwrap_or(SOCKET_FRAMES_DEFAULT);
        Self {
            limit,
            window: 0,
            counts: HashMap::new(),
        }
    }

    /// Counts one frame of `visitor_id` at `now`; `rate_limited` past the limit.
    pub fn count(&mut self, visitor_id: &str, now: Millis) -> ApiResult<()> {
        let window = now - now.rem_euclid(WINDOW_MS);
        if window != self.window {
            self.window = window;
            self.counts.clear();
        }
        let count = self.counts.entry(visitor_id.to_owned()).or_default();
        *count += 1;
        if *count > self.limit {
            let seconds = ((window + WINDOW_MS - now + 999) / 1000).max(1);
            return Err(ApiError::new(
                ErrorCode::RateLimited,
                format!(
                    "You are sending messages too quickly; please wait {seconds} seconds and \
                     try again."
                ),
            )
            .retry_after(seconds));
        }
        Ok(())
    }
}

/// The client's address (empty when unknown, as behind no Cloudflare at all).
pub fn address(req: &Request) -> String {
    req.headers()
        .get("cf-connecting-ip")
        .ok()
        .flatten()
        .unwrap_or_default()
}
