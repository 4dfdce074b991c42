//! The site's config as the frame keeps it: fetched at start, applied (branding) and drawn
//! (availability), then fetched again when it may have changed: at the edge's `refresh_at` (an
//! opening or a closing) and at least every minute (an agent coming or going), so the chat
//! changes without a reload. Only while the visitor can see the chat, though: the loop pauses
//! while the panel is hidden, and opening it catches up at once. The timing rule itself is
//! `client::availability::next_fetch_in`.

use std::time::Duration;

use client::availability::{next_fetch_in, POLL_MS};
use client::http;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::WidgetConfig;
use protocol::routes;

use super::{encode, Chat, Words};
use crate::branding;

impl Chat {
    /// Fetches the config now and schedules the next fetch.
    pub(super) fn load_config(self) {
        spawn_local(async move {
            let next = self.fetch_config(false).await;
            self.schedule_config(next);
        });
    }

    /// Fetches the config now, past the browser's cache, without touching the schedule: it is
    /// known to have changed (the consent text, when a conversation was refused for it).
    pub(super) fn refresh_config(self) {
        spawn_local(async move {
            self.fetch_config(true).await;
        });
    }

    /// Fetches and applies the config; returns when to fetch it next.
    async fn fetch_config(self, fresh: bool) -> u32 {
        let url = self
            .params
            .with_value(|p| routes::WidgetConfig::new(&p.site).path_with(encode));
        let answer = if fresh {
            http::get_fresh_json::<WidgetConfig>(&url, None).await
        } else {
            http::get_json::<WidgetConfig>(&url, None).await
        };
        match answer {
            Ok(mut config) => {
                let next = next_fetch_in(config.refresh_at, js_sys::Date::now() as i64);
                // The words live in `words`, not in the kept config: taken out, not cloned.
                let strings = std::mem::take(&mut config.strings);
                // Most fetches change nothing; redrawing then would only cost.
                if self.config.with_untracked(|c| c.as_ref() != Some(&config)) {
                    let first = self.config.with_untracked(Option::is_none);
                    branding::apply(&config);
                    let words = self.words.get_untracked();
                    let strings = words.is_none_or(|w| *w != strings).then_some(strings);
                    // Set before the first draw, which reads it (the composer's attach button).
                    self.config.set(Some(config));
                    if let Some(strings) = strings {
                        let new: Words = Box::leak(Box::new(strings));
                        self.words.set(Some(new));
                        if words.is_none() {
                            crate::view::draw(self, new);
                        }
                    }
                    // Opened before the config came: the composer took the focus, and may
                    // just have turned off for the consent step ("I agree" takes it then).
                    if first && !self.hidden.get_untracked() {
                        self.focus_composer();
                    }
                }
                next
            }
            Err(e) => {
                // Without any config there is nothing to chat with, so the visitor is told; a
                // later failure (offline, a deploy) keeps what is shown.
                if self.config.with_untracked(Option::is_none) {
                    self.notice.set(Some(e.to_string()));
                }
                POLL_MS
            }
        }
    }

    /// The panel was opened: fetch now if the loop paused while it was hidden.
    pub(super) fn resume_config(self) {
        if self.config_paused.get_value() {
            self.config_paused.set_value(false);
            self.load_config();
        }
    }

    fn schedule_config(self, ms: u32) {
        let due = move || {
            if self.hidden.get_untracked() {
                self.config_paused.set_value(true);
            } else {
                self.load_config();
            }
        };
        // Without a timer (no window) the loop simply stops; opening the chat restarts it.
        if set_timeout_with_handle(due, Duration::from_millis(ms.into())).is_err() {
            self.config_paused.set_value(true);
        }
    }
}
