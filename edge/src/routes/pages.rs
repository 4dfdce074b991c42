//! The HTML pages the Worker serves itself, each with its own Content-Security-Policy: the widget
//! frame and the inbox. Their scripts, styles and wasm are static assets on the same origin.
//!
//! The frame may run wasm (`'wasm-unsafe-eval'` in its own CSP) so that host pages never need it;
//! nothing inline is allowed anywhere.

use domain::origins;
use protocol::embed::frame_param;
use worker::{Headers, Request, Response};

use crate::config::App;
use crate::edge_cache::Entry;
use crate::error::ApiResult;
use crate::{http, store};

const FRAME_HTML: &str = include_str!("../../../www/pages/frame.html");
const INBOX_HTML: &str = include_str!("../../../www/pages/inbox.html");

/// The frame is embedded by customer sites: which ones is the site's `allowed_domains`
/// (`frame-ancestors`, appended per request). `blob:` pictures are the conversation's files,
/// fetched with the visitor's token.
const FRAME_CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; connect-src 'self'; img-src 'self' data: blob:; font-src 'self'; \
    base-uri 'none'; form-action 'none'; frame-ancestors ";

/// `frame-src 'self'`: the Settings page previews the widget in its own frame.
const INBOX_CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; connect-src 'self'; img-src 'self' data:; font-src 'self'; \
    frame-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

fn page(html: &str, csp: &str) -> Response {
    let headers = Headers::new();
    // Constant, well-formed header values: setting them cannot fail.
    let _ = headers.set("content-type", "text/html; charset=utf-8");
    let _ = headers.set("content-security-policy", csp);
    let _ = headers.set("x-content-type-options", "nosniff");
    let _ = headers.set("referrer-policy", "strict-origin-when-cross-origin");
    let _ = headers.set("cache-control", "no-cache");
    Response::builder()
        .with_headers(headers)
        .fixed(html.as_bytes().to_vec())
}

/// The frame page for `?site=`, embeddable only by the site's allowed domains (any site when it
/// has none, or for an unknown site, whose frame only says so). `?inline=on` (the SDK's
/// `inlineEmbedSelector`) marks its root so widget.css hides the close button (nothing to close
/// in the page's flow), at no cost to the wasm.
pub async fn frame(app: &App, req: &Request) -> ApiResult<Response> {
    let url = req.url()?;
    let param = |name: &str| http::url_param(&url, name);
    let allowed = match param(frame_param::SITE) {
        Some(site_id) => Entry::settings(&http::own_origin(req)?, &site_id)
            .get_or_load(store::chat_settings(&app.db, &site_id))
            .await?
            .0
            .map(|s| s.allowed_domains)
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let csp = format!("{FRAME_CSP}{}", origins::frame_ancestors(&allowed));
    if param(frame_param::INLINE).as_deref() == Some(frame_param::ON) {
        let html = FRAME_HTML.replacen("<html lang=\"en\">", "<html lang=\"en\" data-inline>", 1);
        return Ok(page(&html, &csp));
    }
    Ok(page(FRAME_HTML, &csp))
}

pub fn inbox() -> Response {
    let response = page(INBOX_HTML, INBOX_CSP);
    let _ = response.headers().set("x-frame-options", "DENY");
    response
}

/// The porch-light mark, for browser tabs (`/favicon.ico` and `/favicon.svg`).
const ICON_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1f2937"/><path d="M10 13a6 6 0 0 1 12 0v5H10z" fill="#fbbf24"/><rect x="9" y="18" width="14" height="3" rx="1" fill="#f9fafb"/><path d="M16 4v3M6 9l2 2M26 9l-2 2" stroke="#fbbf24" stroke-width="2" stroke-linecap="round"/></svg>"##;

pub fn icon() -> Response {
    let headers = Headers::new();
    let _ = headers.set("content-type", "image/svg+xml");
    let _ = headers.set("cache-control", "public, max-age=86400");
    Response::builder()
        .with_headers(headers)
        .fixed(ICON_SVG.as_bytes().to_vec())
}

/// `/`: where a person who opens the Worker's address lands.
pub fn home(req: &Request) -> Response {
    let origin = crate::http::own_origin(req).unwrap_or_default();
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Porchlight</title>\
         </head><body><h1>Porchlight</h1><p>This is a Porchlight edge. Agents sign in at \
         <a href=\"/inbox\">/inbox</a>. Sites embed the chat with \
         <code>&lt;script async src=\"{origin}/embed.js\" data-site=\"SITE\"&gt;&lt;/script&gt;</code>.\
         </p></body></html>"
    );
    page(
        &html,
        "default-src 'none'; base-uri 'none'; form-action 'none'",
    )
}
