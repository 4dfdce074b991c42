//! The visitor's chat: a Leptos app in an iframe served by the Worker at
//! `/widget/frame?site=SITE&host=HOST_ORIGIN&page=PAGE_URL`, on the API's own origin. It talks
//! to the host page's loader by checked `postMessage`, to the API by `fetch`, and to its
//! conversation by a WebSocket through the shared `client` crate.
//!
//! # Layout
//! - [`view`]: the components (header, message log, notice, composer); [`notices`] the lines
//!   between log and composer (typing, closed, consent).
//! - [`availability`]: the site's availability drawn: reply time, away marker, notice.
//! - [`chat`]: the chat's state and actions, shared as context; its conversation on the server
//!   and the site's config, kept fresh.
//! - [`frame`]: the frame's parameters (site, host origin, page) and our own URLs.
//! - [`host`]: `postMessage` with the host page, origin-checked both ways.
//! - [`visitor`]: the visitor's token and conversation in `localStorage`, written only after a
//!   first message; the chime choice, written only once turned on.
//! - [`branding`]: the site's accent colour and font applied to the frame.
//! - [`parts`]: what loads when first needed, each its own wasm module: [`privacy`] ("Your
//!   data") and [`ask_email`] (the visitor's e-mail) among them.

/// The allocator (see Cargo.toml): the app is single-threaded wasm, which is what talc's wasm
/// allocator requires.
#[cfg(target_family = "wasm")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

pub mod ask_email;
pub mod availability;
pub mod branding;
pub mod chat;
pub mod frame;
pub mod host;
pub mod notices;
pub mod parts;
pub mod privacy;
pub mod replies;
pub mod view;
pub mod visitor;

/// Mounts the app when the wasm module is instantiated (by `/widget/boot.js`).
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    match frame::FrameParams::read() {
        Some(params) => view::start(params),
        // Opened without a site: nothing to chat with, and no app worth loading.
        None => {
            if let Some(body) = leptos::prelude::document().body() {
                body.set_text_content(Some("This chat is not set up correctly."));
            }
        }
    }
}
