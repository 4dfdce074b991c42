//! What the frame page was opened with, read once at mount: the site, the host page's origin
//! (the only origin we talk to by `postMessage`) and the host page's URL. Also the URLs of our
//! own origin's API and sockets, since the frame is served by the Worker itself.

use leptos::prelude::window;
use protocol::embed::frame_param;
use wasm_bindgen::JsValue;
use web_sys::{Url, UrlSearchParams};

/// The frame's query parameters, checked.
#[derive(Clone, Debug)]
pub struct FrameParams {
    pub site: String,
    /// The host page's origin, or `None` when it cannot be known (then nothing is posted).
    pub host_origin: Option<String>,
    /// The host page's URL, recorded with a new conversation.
    pub page: Option<String>,
}

impl FrameParams {
    /// Reads `?site=…&host=…&page=…`; `None` without a site. The SDK's other settings there
    /// cost the wasm nothing: `locale` and `attach` are applied by the edge to the config this
    /// frame asks for (it reads them from the request's referrer, this page), `inline` by the
    /// edge to this page, `forget` by boot.js.
    pub fn read() -> Option<Self> {
        let search = window().location().search().ok()?;
        let query = UrlSearchParams::new_with_str(&search).ok()?;
        let site = query.get(frame_param::SITE).filter(|s| !s.is_empty())?;
        let claimed = query.get(frame_param::HOST).and_then(|h| origin_of(&h));
        Some(Self {
            site,
            host_origin: ancestor_origin().or(claimed),
            page: query.get(frame_param::PAGE).filter(|p| !p.is_empty()),
        })
    }
}

/// The embedding page's origin as the browser reports it (`location.ancestorOrigins`, not in
/// every browser). Unlike the `host` parameter, the embedding page cannot forge it.
fn ancestor_origin() -> Option<String> {
    let location: JsValue = window().location().into();
    let list = js_sys::Reflect::get(&location, &"ancestorOrigins".into()).ok()?;
    let first = js_sys::Reflect::get(&list, &0.into()).ok()?;
    first.as_string().and_then(|o| origin_of(&o))
}

/// The origin of a URL, if it has a real one (`null` origins cannot be targeted).
fn origin_of(url: &str) -> Option<String> {
    let origin = Url::new(url).ok()?.origin();
    (origin.starts_with("https://") || origin.starts_with("http://")).then_some(origin)
}

/// `ws://` or `wss://` plus this page's host: the conversation sockets live on our own origin.
pub fn socket_origin() -> String {
    let location = window().location();
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss:",
        _ => "ws:",
    };
    format!("{scheme}//{}", location.host().unwrap_or_default())
}
