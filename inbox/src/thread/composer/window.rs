//! Meta's reply window as the composer sees it: on Messenger and WhatsApp, whether a reply may
//! go now (`domain::meta::window::reply_window`, the rule the edge enforces), kept current by a
//! clock, and the sentence that says why not.

use client::Entry;
use domain::meta::window::{reply_window, ReplyWindow};
use leptos::prelude::*;
use protocol::{Author, Channel};

use super::super::live::Live;
use crate::api;

/// How often the composer looks at the clock for Meta's window.
const WINDOW_TICK_MS: u64 = 30_000;

/// Meta's window now; `None` on the website chat and until the history has been replayed. The
/// clock stops when the owning view goes.
pub fn meta_window(
    channel: Option<Channel>,
    live: Live,
    entries: RwSignal<Vec<Entry>>,
) -> Memo<Option<ReplyWindow>> {
    let clock = RwSignal::new(js_sys::Date::now() as i64);
    if matches!(channel, Some(Channel::Messenger | Channel::WhatsApp)) {
        if let Ok(tick) = set_interval_with_handle(
            move || {
                clock.try_set(js_sys::Date::now() as i64);
            },
            std::time::Duration::from_millis(WINDOW_TICK_MS),
        ) {
            on_cleanup(move || tick.clear());
        }
    }
    Memo::new(move |_| {
        let channel = channel?;
        live.synced.get()?;
        let last = entries.with(|all| {
            all.iter()
                .filter(|e| e.author == Author::Visitor)
                .filter_map(|e| e.sent_at)
                .max()
        });
        reply_window(channel, last, clock.get())
    })
}

/// What the composer says of the window; `None` while it is open.
pub fn window_note(window: ReplyWindow) -> Option<String> {
    match window {
        ReplyWindow::Open { .. } => None,
        ReplyWindow::HumanAgent { until } => Some(format!(
            "They last wrote more than 24 hours ago: your reply goes with Messenger's human \
             agent tag (until {}). Automated messages cannot be sent.",
            api::when(until)
        )),
        ReplyWindow::Closed => Some(
            "They last wrote more than 7 days ago: Messenger takes no reply until they write \
             again."
                .to_owned(),
        ),
        ReplyWindow::TemplateOnly => Some(
            "They last wrote more than 24 hours ago: WhatsApp takes only an approved template \
             until they write again: send one below."
                .to_owned(),
        ),
    }
}
