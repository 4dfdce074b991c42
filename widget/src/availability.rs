//! The site's availability in the chat: the reply-time promise under the heading, the "Away"
//! marker in the header, and the notice above the composer (the away message, when the team is
//! back, the waiting message). What to show is decided by `client::availability` from the
//! edge's answer; this draws it in the chat's language, and formats the next opening with the
//! browser's `Intl` in that language and the visitor's own time zone. Everything is text; the elements stay in place and are
//! hidden when empty, which costs the wasm less than views that come and go.

use client::availability::{opening_needs_date, Notice, Shown};
use leptos::prelude::*;
use protocol::settings::TypicalReplyTime;
use protocol::Millis;
use wasm_bindgen::{JsCast, JsValue};

use crate::chat::{Chat, Words};
use crate::view::fill;

/// "Typically replies in …", under the heading (`#pl-reply-time`).
#[component]
pub fn ReplyTime() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let t: Words = expect_context();
    let time = move || {
        chat.availability
            .with(|s| s.as_ref().and_then(|s| s.reply_time))
    };
    let text = move || {
        Some(match time()? {
            TypicalReplyTime::AFewMinutes => t.reply_minutes.as_str(),
            TypicalReplyTime::AnHour => t.reply_hour.as_str(),
            TypicalReplyTime::ADay => t.reply_day.as_str(),
        })
    };
    view! {
        <p id="pl-reply-time" class="pl-reply-time" hidden=move || time().is_none()>{text}</p>
    }
}

/// "Away" in the header, for the away-mode widget.
#[component]
pub fn AwayMarker() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let t: Words = expect_context();
    let away = move || {
        chat.availability
            .with(|s| s.as_ref().is_some_and(|s| s.away_marker))
    };
    view! { <span class="pl-away-marker" hidden=move || !away()>{t.away.as_str()}</span> }
}

/// The notice above the composer (`#pl-availability`, its state in `data-state`). A status
/// region: a change while the chat is open is announced.
#[component]
pub fn AvailabilityNotice() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let state = move || chat.availability.with(|s| s.as_ref().map(|s| s.state));
    let text = move || {
        chat.availability
            .with(|s| s.as_ref().and_then(|s| notice_text(s, chat)))
    };
    view! {
        <p id="pl-availability" class="pl-availability" role="status" data-state=state>{text}</p>
    }
}

fn notice_text(shown: &Shown, chat: Chat) -> Option<String> {
    match shown.notice.as_ref()? {
        Notice::Text(text) => Some(text.clone()),
        Notice::BackAt(opening) => {
            let language = chat
                .config
                .with_untracked(|c| c.as_ref().map(|c| c.language))?;
            let when = when(*opening, language.tag());
            Some(fill(&chat.word(|t| &t.back_at), &when))
        }
    }
}

/// An opening as the visitor reads time: in the chat's language, in their time zone
/// ("Monday 09:00", "lundi 09:00"), with the date when a weekday alone would mislead.
fn when(opening: Millis, language: &str) -> String {
    let options = if opening_needs_date(opening, js_sys::Date::now() as i64) {
        r#"{"weekday":"long","day":"numeric","month":"long","hour":"numeric","minute":"2-digit"}"#
    } else {
        r#"{"weekday":"long","hour":"numeric","minute":"2-digit"}"#
    };
    let options = js_sys::JSON::parse(options)
        .map(JsCast::unchecked_into)
        .unwrap_or_else(|_| js_sys::Object::new());
    let locales = js_sys::Array::of1(&language.into());
    let format = js_sys::Intl::DateTimeFormat::new(&locales, &options).format();
    let date = js_sys::Date::new(&JsValue::from_f64(opening as f64));
    format
        .call1(&JsValue::NULL, &date)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}
