//! The site's accent colour, applied as CSS custom properties on the root element through
//! CSSOM (the frame's CSP forbids `style` attributes, but not CSSOM). `--pl-accent` is the
//! colour; `--pl-on-accent` is black or white, whichever contrasts more with it, so text on
//! accent-coloured surfaces stays readable (the rules are in `client::accent`).

use client::accent::{parse_hex, text_on};
use leptos::prelude::document;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// Sets the accent properties; an invalid colour leaves the stylesheet's default.
pub fn apply(color: &str) {
    let Some(rgb) = parse_hex(color) else {
        return;
    };
    let Some(root) = document()
        .document_element()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    else {
        return;
    };
    let style = root.style();
    let hex = format!("#{:02x}{:02x}{:02x}", rgb.0, rgb.1, rgb.2);
    let _ = style.set_property("--pl-accent", &hex);
    let _ = style.set_property("--pl-on-accent", text_on(rgb));
}
