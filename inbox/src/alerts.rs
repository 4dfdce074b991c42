//! Alerts on this device: a chime, and a browser notification, for what `client::alerts` says
//! deserves one (a conversation to pick up, a visitor's message, being assigned). Both are
//! choices of this browser (its permission and its speakers), kept in `localStorage`: the chime
//! on unless turned off, notifications off until the agent turns them on and the browser allows.

use client::alerts::Alert;
use leptos::prelude::*;
use protocol::api::ConversationSummary;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AudioContext, Notification, NotificationOptions, NotificationPermission};

const KEY: &str = "porchlight.inbox.alerts";

/// This device's choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choices {
    pub sound: bool,
    pub browser: bool,
}

impl Default for Choices {
    fn default() -> Self {
        Self {
            sound: true,
            browser: false,
        }
    }
}

/// The page's alerts, shared through its context.
#[derive(Clone, Copy)]
pub struct Alerts {
    pub choices: RwSignal<Choices>,
    audio: StoredValue<Option<AudioContext>, LocalStorage>,
    /// Opens a conversation (a click on a notification).
    open: Callback<String>,
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

impl Alerts {
    pub fn provide(open: Callback<String>) -> Self {
        let stored = storage()
            .and_then(|s| s.get_item(KEY).ok().flatten())
            .and_then(|v| client::json::parse::<Choices>(&v))
            .unwrap_or_default();
        let alerts = Self {
            choices: RwSignal::new(stored),
            audio: StoredValue::new_local(None),
            open,
        };
        provide_context(alerts);
        alerts
    }

    /// Stores a new choice on this device.
    pub fn choose(&self, choices: Choices) {
        self.choices.set(choices);
        if let (Some(s), Some(json)) = (storage(), client::json::stringify(&choices)) {
            let _ = s.set_item(KEY, &json);
        }
    }

    /// Alerts for `row`, unless it is the conversation on screen in a focused window.
    pub fn fire(&self, alert: Alert, row: &ConversationSummary, on_screen: bool) {
        let document = document();
        let looking = on_screen && !document.hidden() && document.has_focus().unwrap_or(true);
        if looking {
            return;
        }
        let choices = self.choices.get_untracked();
        if choices.sound {
            self.chime();
        }
        if choices.browser && Notification::permission() == NotificationPermission::Granted {
            self.notify(alert, row);
        }
    }

    fn chime(&self) {
        let audio = self.audio.with_value(Clone::clone).or_else(|| {
            let created = AudioContext::new().ok();
            self.audio.set_value(created.clone());
            created
        });
        if let Some(audio) = audio {
            client::sound::chime(&audio);
        }
    }

    fn notify(&self, alert: Alert, row: &ConversationSummary) {
        let title = match alert {
            Alert::NewConversation => "New conversation",
            Alert::NewMessage => "New message",
            Alert::AssignedToYou => "Assigned to you",
        };
        let options = NotificationOptions::new();
        options.set_body(&row.last_message_preview);
        // One notification per conversation: a newer one replaces it.
        options.set_tag(&row.id);
        let Ok(notification) = Notification::new_with_options(title, &options) else {
            return;
        };
        let id = row.id.clone();
        let open = self.open;
        let click = Closure::<dyn FnMut()>::new(move || {
            let _ = window().focus();
            let _ = open.try_run(id.clone());
        });
        notification.set_onclick(Some(click.as_ref().unchecked_ref()));
        // The notification keeps its handler for as long as it lives.
        click.forget();
    }
}

/// Asks the browser to allow notifications; true when it does.
pub async fn allow_notifications() -> bool {
    let Ok(promise) = Notification::request_permission() else {
        return false;
    };
    let answer = wasm_bindgen_futures::JsFuture::from(promise).await;
    answer.ok().and_then(|v| v.as_string()).as_deref() == Some("granted")
}
