//! The edge cache in front of what a site's public config is computed from: the site's chat
//! settings (a D1 read) and the routed agents' presence (a D1 read plus a call to the inbox
//! Durable Object). Every page view of every visitor fetches the config, and an open widget
//! fetches it again at least every minute, so without this each of those would reach the one
//! database and the hub object; with it, they are answered in the data centre.
//!
//! What is cached are the inputs, not the answer: availability is decided per request by the
//! pure function in `domain::availability`, so the clock (an opening or closing) never waits on
//! the cache, and one entry serves every language.
//!
//! Invalidation is on change, in the data centre where the change happens: a settings save
//! deletes the site's entry, and an agent's availability toggle, an inbox opening and an inbox
//! closing delete the presence entry. Other data centres see a change when their entry expires:
//! after [`SETTINGS_TTL_S`] and [`PRESENCE_TTL_S`] at most. (The same bound covers the rare
//! read-through race, where a request that read D1 just before a change stores the old value
//! just after its deletion.) With `wrangler dev` there is one cache, so every change shows at
//! once.
//!
//! Keys are URLs on the Worker's own origin, as Cloudflare asks, under a path no route serves.
//! On `*.workers.dev` the Cache API stores nothing; every request then reads through, correctly.

use serde::de::DeserializeOwned;
use serde::Serialize;
use worker::{Cache, Headers, Response, Result};

/// Longest a site's settings stay cached in a data centre other than the one that saved them.
pub const SETTINGS_TTL_S: u32 = 300;
/// Longest the presence snapshot stays cached in a data centre that did not see the change.
pub const PRESENCE_TTL_S: u32 = 30;

const PREFIX: &str = "/.porchlight-cache";

/// Whether a value came from the cache (reported in the `x-porchlight-cache` header).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Hit,
    Miss,
}

impl Source {
    pub fn header_value(self) -> &'static str {
        match self {
            Self::Hit => "hit",
            Self::Miss => "miss",
        }
    }
}

/// One cached value: where it lives and for how long.
pub struct Entry {
    key: String,
    ttl_s: u32,
}

impl Entry {
    /// The chat settings of `site_id`, on the Worker at `origin` (`https://host`).
    pub fn settings(origin: &str, site_id: &str) -> Self {
        Self {
            key: format!("{origin}{PREFIX}/sites/{site_id}/settings"),
            ttl_s: SETTINGS_TTL_S,
        }
    }

    /// The chatflows of `site_id` that run (their published versions), dropped whenever one is
    /// published, rolled back or deleted.
    pub fn flows(origin: &str, site_id: &str) -> Self {
        Self {
            key: format!("{origin}{PREFIX}/sites/{site_id}/flows"),
            ttl_s: SETTINGS_TTL_S,
        }
    }

    /// Every member as routing and availability see them (`domain::routing::Candidate`).
    pub fn presence(origin: &str) -> Self {
        Self {
            key: format!("{origin}{PREFIX}/presence"),
            ttl_s: PRESENCE_TTL_S,
        }
    }

    /// The cached value, or `load()`'s, which is then cached (`None` is not: an unknown site
    /// may be created later). A cache that fails to answer or to store is read through: the
    /// cache speeds the answer up and never decides it.
    pub async fn get_or_load<T, F>(&self, load: F) -> Result<(Option<T>, Source)>
    where
        T: Serialize + DeserializeOwned,
        F: std::future::Future<Output = Result<Option<T>>>,
    {
        let cache = Cache::default();
        if let Ok(Some(mut cached)) = cache.get(self.key.as_str(), false).await {
            if let Ok(value) = cached.json::<T>().await {
                return Ok((Some(value), Source::Hit));
            }
        }
        let value = load.await?;
        if let Some(value) = &value {
            if let Ok(response) = self.response(value) {
                if let Err(e) = cache.put(self.key.as_str(), response).await {
                    worker::console_warn!("edge cache: could not store {}: {e}", self.key);
                }
            }
        }
        Ok((value, Source::Miss))
    }

    /// Drops the value in this data centre, so the next request reads it afresh. Failing to
    /// is logged, not raised: the change itself is stored, and the entry expires anyway.
    pub async fn forget(&self) {
        if let Err(e) = Cache::default().delete(self.key.as_str(), false).await {
            worker::console_warn!("edge cache: could not delete {}: {e}", self.key);
        }
    }

    fn response<T: Serialize>(&self, value: &T) -> Result<Response> {
        let headers = Headers::new();
        headers.set("content-type", "application/json")?;
        headers.set("cache-control", &format!("max-age={}", self.ttl_s))?;
        Ok(Response::ok(serde_json::to_string(value)?)?.with_headers(headers))
    }
}
