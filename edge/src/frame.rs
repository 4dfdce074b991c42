//! What the host page told the widget frame, read by the edge. The loader opens the frame at
//! `/widget/frame?…` with the SDK's settings (`protocol::embed::frame_param`); the frame's own
//! requests then carry that URL as their `Referer` (the frame page's referrer policy sends it in
//! full to its own origin), so the edge applies the settings itself and the frame's wasm pays
//! nothing for them. A request without it gets the defaults.

use protocol::embed::frame_param;
use protocol::routes;
use worker::{Request, Url};

use crate::http;

/// A page's path and query, as targeting reads a page (`/pricing?plan=pro`), from its URL.
pub fn path_and_query(url: &str) -> Option<String> {
    let page = Url::parse(url).ok()?;
    Some(match page.query() {
        Some(query) => format!("{}?{query}", page.path()),
        None => page.path().to_owned(),
    })
}

/// The widget frame's URL, as a request from the frame names it.
pub struct FrameUrl(Url);

impl FrameUrl {
    /// The frame's URL, when `req` comes from it: its `Referer` on our own origin at the frame
    /// page's path.
    pub fn of(req: &Request, own_origin: &str) -> Option<Self> {
        let referer = req.headers().get("referer").ok()??;
        let url = Url::parse(&referer).ok()?;
        (url.origin().ascii_serialization() == own_origin && url.path() == routes::Frame::TEMPLATE)
            .then_some(Self(url))
    }

    /// Query parameter `name`'s value, if given.
    pub fn param(&self, name: &str) -> Option<String> {
        http::url_param(&self.0, name)
    }

    /// The SDK's `locale`.
    pub fn locale(&self) -> Option<String> {
        self.param(frame_param::LOCALE)
    }

    /// The host page's path and query, as targeting reads a page (`/pricing?plan=pro`).
    pub fn page(&self) -> Option<String> {
        path_and_query(&self.param(frame_param::PAGE)?)
    }

    /// The page before the host page (`document.referrer`).
    pub fn referrer(&self) -> Option<String> {
        self.param(frame_param::REFERRER)
    }

    /// The SDK's `enableConsentBanner`: the consent step is explicit.
    pub fn asks_consent(&self) -> bool {
        self.param(frame_param::CONSENT).as_deref() == Some(frame_param::ASK)
    }

    /// The SDK's `disableAttachment`: as if the site took no files.
    pub fn attachments_off(&self) -> bool {
        self.param(frame_param::ATTACH).as_deref() == Some(frame_param::OFF)
    }
}
