//! The widget's parts that load when first needed. At open, a page loads the core chat: the
//! heading, the log, the composer, the socket and outbox, the config and availability, typing
//! and read receipts. Each part below is its own wasm module (`cargo xtask build` splits the
//! app at the `#[wasm_split]` functions here: see `xtask/src/apps.rs`), fetched the first time
//! it is needed and, once the chat is drawn, when the browser is idle ([`Parts::prefetch`]):
//!
//! - `files`: uploading what the visitor picks or drops, and the conversation's files;
//! - `consent`: the site's consent text and "I agree";
//! - `closed`: the conversation having ended, and starting a new one;
//! - `chime`: the new-message tone.
//!
//! A split function only hands out pointers to the part's functions; the code only they reach
//! is what moves into the part's module. A part that fails to load (offline, a flaky
//! connection, or a build deployed since the chat opened) never stops the chat: the failure is
//! a line with a retry (`view::PartFailed`), the composer keeps its text, and the next need
//! tries again (a failure is not remembered by the loader).

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use protocol::Attachment;
use wasm_bindgen::JsCast;

use crate::chat::{Chat, Words};

/// A part could not be loaded.
#[derive(Debug, Clone, Copy)]
pub struct Missing;

impl From<SplitLoaderError> for Missing {
    fn from(_: SplitLoaderError) -> Self {
        Missing
    }
}

/// Where a part stands in this page.
#[derive(Clone, Copy)]
enum State<T> {
    Idle,
    Loading,
    Ready(T),
    Failed,
}

type Loader<T> = fn() -> Pin<Box<dyn Future<Output = Result<T, Missing>>>>;

/// A part of the widget, `T` being what its module hands out.
pub struct Part<T: 'static> {
    state: RwSignal<State<T>>,
    load: Loader<T>,
}

impl<T> Clone for Part<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Part<T> {}

impl<T: Copy + Send + Sync + 'static> Part<T> {
    fn new(load: Loader<T>) -> Self {
        Self {
            state: RwSignal::new(State::Idle),
            load,
        }
    }

    /// The part, once it has loaded (tracked).
    pub fn get(self) -> Option<T> {
        match self.state.get() {
            State::Ready(part) => Some(part),
            _ => None,
        }
    }

    /// Whether the last attempt to load it failed (tracked).
    pub fn failed(self) -> bool {
        matches!(self.state.get(), State::Failed)
    }

    /// The part, loading it first if needed; `None` if it could not be loaded.
    pub async fn ready(self) -> Option<T> {
        if let State::Ready(part) = self.state.get_untracked() {
            return Some(part);
        }
        self.state.set(State::Loading);
        let loaded = (self.load)().await;
        self.state.set(match loaded {
            Ok(part) => State::Ready(part),
            Err(Missing) => State::Failed,
        });
        loaded.ok()
    }

    /// Starts loading the part unless it has loaded or is loading.
    pub fn load(self) {
        if matches!(self.state.get_untracked(), State::Idle | State::Failed) {
            spawn_local(async move {
                let _ = self.ready().await;
            });
        }
    }
}

/// What the `files` part does.
#[derive(Clone, Copy)]
pub struct Files {
    /// Checks, uploads and sends a file the visitor picked or dropped.
    pub attach: fn(Chat, web_sys::File),
    /// How a message's file is drawn; the first ask starts fetching its bytes.
    pub link: fn(Chat, &Attachment) -> FileLink,
}

/// A message's file as the log draws it: a picture (opened full size in a new tab) or a link
/// that saves the file, with its name and size.
pub struct FileLink {
    /// The file's `blob:` URL, once fetched.
    pub href: Option<String>,
    /// The picture's source, for an image.
    pub picture: Option<String>,
    /// The file name to save as, for anything but an image.
    pub download: Option<String>,
    /// "report.pdf (120 KB)".
    pub text: String,
}

/// A part drawn into its own place in the chat (`#pl-{name}-part`): it mounts its view there,
/// reading the chat's state as the core's views do.
pub type Draw = fn(Chat, Words);

/// The widget's parts, shared as part of [`Chat`].
#[derive(Clone, Copy)]
pub struct Parts {
    pub files: Part<Files>,
    pub consent: Part<Draw>,
    pub closed: Part<Draw>,
}

impl Parts {
    pub fn new() -> Self {
        Self {
            files: Part::new(|| Box::pin(files())),
            consent: Part::new(|| Box::pin(consent())),
            closed: Part::new(|| Box::pin(closed())),
        }
    }

    /// Whether a part the chat needed could not be loaded (tracked).
    pub fn any_failed(self) -> bool {
        self.files.failed() || self.consent.failed() || self.closed.failed()
    }

    /// Loads the parts not loaded yet: those that failed try again.
    pub fn load_all(self) {
        self.files.load();
        self.consent.load();
        self.closed.load();
    }

    /// Loads every part when the browser is next idle (after a timeout where it cannot say),
    /// so that what the visitor does next does not wait on the network.
    pub fn prefetch(self) {
        let all = move || self.load_all();
        let window = window();
        let idle = js_sys::Reflect::has(&window, &"requestIdleCallback".into()).unwrap_or(false);
        let callback = wasm_bindgen::closure::Closure::once_into_js(all);
        if idle {
            let _ = window.request_idle_callback(callback.unchecked_ref());
        } else {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                callback.unchecked_ref(),
                PREFETCH_WITHOUT_IDLE_MS,
            );
        }
    }
}

impl Default for Parts {
    fn default() -> Self {
        Self::new()
    }
}

impl Chat {
    /// Loads the consent part while the site asks for consent before a first message, and the
    /// closed part once the conversation has ended; draws each once loaded; and loads every
    /// part when the browser is next idle.
    pub fn draw_parts(self, words: Words) {
        let parts = self.parts;
        let asks_consent = move || {
            self.config
                .with(|c| c.as_ref().is_some_and(|c| c.consent.is_some()))
        };
        Effect::new(move |_| {
            if asks_consent() && !self.started.get() {
                parts.consent.load();
            }
            if self.closed.get() {
                parts.closed.load();
            }
        });
        for part in [parts.consent, parts.closed] {
            Effect::new(move |drawn: Option<bool>| {
                if drawn == Some(true) {
                    return true;
                }
                part.get().map(|draw| draw(self, words)).is_some()
            });
        }
        parts.prefetch();
    }
}

/// When the browser cannot say it is idle (Safari), the parts load this long after the chat
/// is drawn.
const PREFETCH_WITHOUT_IDLE_MS: i32 = 2_000;

#[wasm_split(files, fallible, wasm_split_path = ::leptos::wasm_split)]
fn files() -> Result<Files, Missing> {
    Ok(Files {
        attach: Chat::attach_now,
        link: Chat::file_link,
    })
}

#[wasm_split(consent, fallible, wasm_split_path = ::leptos::wasm_split)]
fn consent() -> Result<Draw, Missing> {
    Ok(crate::notices::draw_consent)
}

#[wasm_split(closed, fallible, wasm_split_path = ::leptos::wasm_split)]
fn closed() -> Result<Draw, Missing> {
    Ok(crate::notices::draw_closed)
}

/// Plays the new-message chime (a failure to load it is a chime missed; the next one tries
/// again).
#[wasm_split(chime, fallible, wasm_split_path = ::leptos::wasm_split)]
pub fn chime(audio: web_sys::AudioContext) -> Result<(), Missing> {
    client::sound::chime(&audio);
    Ok(())
}
