//! The site's branding applied to the frame's root element: the accent colour as CSS custom
//! properties set through CSSOM (the frame's CSP forbids `style` attributes, but not CSSOM), and
//! the font family as a class that `widget.css` maps to a font stack. `--pl-accent` is the
//! colour; `--pl-on-accent` is black or white, whichever contrasts more with it, so text on
//! accent-coloured surfaces stays readable (the rules are in `client::accent`).

use client::accent::{parse_hex, text_on};
use leptos::prelude::document;
use protocol::api::WidgetConfig;
use protocol::settings::Font;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// Applies `config`'s accent colour and font; called again whenever the config is fetched, so
/// a change shows without a reload. An invalid colour leaves the previous (or default) one.
pub fn apply(config: &WidgetConfig) {
    let Some(root) = document()
        .document_element()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    else {
        return;
    };
    // The root carries no other class, so the font class is the whole attribute.
    root.set_class_name(font_class(config.font));
    if let Some(rgb) = parse_hex(&config.accent_color) {
        let style = root.style();
        let hex = format!("#{:02x}{:02x}{:02x}", rgb.0, rgb.1, rgb.2);
        let _ = style.set_property("--pl-accent", &hex);
        let _ = style.set_property("--pl-on-accent", text_on(rgb));
    }
}

/// The root class for a font; the stacks themselves are in `widget.css`.
fn font_class(font: Font) -> &'static str {
    match font {
        Font::System => "pl-font-system",
        Font::Sans => "pl-font-sans",
        Font::Serif => "pl-font-serif",
        Font::Rounded => "pl-font-rounded",
    }
}
