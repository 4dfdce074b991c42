//! The site's branding applied to the frame's root element: the accent colour as CSS custom
//! properties set through CSSOM (the frame's CSP forbids `style` attributes, but not CSSOM), and
//! the font family as a class that `widget.css` maps to a font stack. `--pl-accent` is the
//! colour; `--pl-on-accent` is black or white, whichever contrasts more with it, so text on
//! accent-coloured surfaces stays readable (decided at the edge: `domain::branding`). The root's
//! `lang` is the chat's language.

use leptos::prelude::document;
use protocol::api::WidgetConfig;
use protocol::settings::Font;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// Applies `config`'s accent colour, font and language; called again whenever the config is fetched, so
/// a change shows without a reload.
pub fn apply(config: &WidgetConfig) {
    let Some(root) = document()
        .document_element()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    else {
        return;
    };
    // The root carries no other class, so the font class is the whole attribute.
    root.set_class_name(font_class(config.font));
    // Screen readers pronounce the chat in its language.
    let _ = root.set_attribute("lang", config.language.tag());
    // The edge validated both colours; CSSOM ignores a value that is not a colour anyway.
    let style = root.style();
    let _ = style.set_property("--pl-accent", &config.accent_color);
    let _ = style.set_property("--pl-on-accent", &config.accent_text_color);
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
