//! The site's availability in the chat: the reply-time promise under the heading, the "Away"
//! marker in the header, and the notice above the composer (the away message, when the team is
//! back, the waiting message). What to show is decided by `client::availability` from the
//! edge's answer; this draws it, and formats the next opening with the browser's `Intl` in the
//! visitor's own time zone and language. Everything is text; the elements stay in place and are
//! hidden when empty, which costs the wasm less than views that come and go.

use client::availability::{opening_needs_date, Notice, Shown};
use leptos::prelude::*;
use protocol::Millis;
use wasm_bindgen::{JsCast, JsValue};

use crate::chat::Chat;

/// "Typically replies in …", under the heading (`#pl-reply-time`).
#[component]
pub fn ReplyTime() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let text = move || {
        chat.availability
            .with(|s| s.as_ref().and_then(|s| s.reply_time))
    };
    view! {
        <p id="pl-reply-time" class="pl-reply-time" hidden=move || text().is_none()>{text}</p>
    }
}

/// "Away" in the header, for the away-mode widget.
#[component]
pub fn AwayMarker() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let away = move || {
        chat.availability
            .with(|s| s.as_ref().is_some_and(|s| s.away_marker))
    };
    view! { <span class="pl-away-marker" hidden=move || !away()>"Away"</span> }
}

/// The notice above the composer (`#pl-availability`, its state in `data-state`). A status
/// region: a change while the chat is open is announced.
#[component]
pub fn AvailabilityNotice() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let state = move || chat.availability.with(|s| s.as_ref().map(|s| s.state));
    let text = move || chat.availability.with(|s| s.as_ref().and_then(notice_text));
    view! {
        <p id="pl-availability" class="pl-availability" role="status" data-state=state>{text}</p>
    }
}

fn notice_text(shown: &Shown) -> Option<String> {
    match shown.notice.as_ref()? {
        Notice::Text(text) => Some(text.clone()),
        Notice::BackAt(opening) => Some(format!("We're back {}", when(*opening))),
    }
}

/// An opening as the visitor reads time: their language, their time zone ("Monday 09:00",
/// "lundi 09:00"), with the date when a weekday alone would mislead.
fn when(opening: Millis) -> String {
    let options = if opening_needs_date(opening, js_sys::Date::now() as i64) {
        r#"{"weekday":"long","day":"numeric","month":"long","hour":"numeric","minute":"2-digit"}"#
    } else {
        r#"{"weekday":"long","hour":"numeric","minute":"2-digit"}"#
    };
    let options = js_sys::JSON::parse(options)
        .map(JsCast::unchecked_into)
        .unwrap_or_else(|_| js_sys::Object::new());
    // An empty list means the browser's default; `navigator.language` is a valid tag.
    let locales = js_sys::Array::new();
    if let Some(language) = window().navigator().language() {
        locales.push(&language.into());
    }
    let format = js_sys::Intl::DateTimeFormat::new(&locales, &options).format();
    let date = js_sys::Date::new(&JsValue::from_f64(opening as f64));
    format
        .call1(&JsValue::NULL, &date)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}
