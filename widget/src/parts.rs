//! The widget's parts that load when first needed. At open, a page loads the core chat: the
//! heading, the log, the composer, the socket and outbox, the config and availability, typing
//! and read receipts. Each part below is its own wasm module (`cargo xtask build` splits the
//! app at the `#[wasm_split]` functions here: see `xtask/src/apps.rs`), fetched the first time
//! it is needed and, once the chat is drawn, when the browser is idle ([`Parts::prefetch`]):
//!
//! - `files`: uploading what the visitor picks or drops, and drawing the conversation's files;
//! - `consent`: the site's consent text and "I agree";
//! - `closed`: the conversation having ended, and starting a new one;
//! - `chime`: the new-message tone;
//! - `privacy`: the "Your data" panel (download the conversation, ask to be erased);
//! - `ask_email`: asking the visitor for their e-mail when the team is away or slow to answer;
//! - `replies`: a bot's question's quick replies.
//!
//! A part's module hands out one function, its [`Install`]: called once, with the chat, when
//! the part has loaded, it draws the part's view into its place in the chat or leaves the
//! part's functions in [`Loaded`] for the core to call. Only the code that install function
//! reaches moves into the part's module; one non-generic [`Part`] serves them all (each
//! instance of a generic one cost the core its own copy).
//!
//! A part that fails to load (offline, a flaky connection, or a build deployed since the chat
//! opened) never stops the chat: when something waited on it, the chat says so with a retry
//! (`view::PartFailed`), the composer keeps its text, and the next need tries again (the loader
//! does not remember failures). A prefetch that fails says nothing.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use protocol::Attachment;

use crate::chat::Chat;

/// A part could not be loaded.
#[derive(Debug, Clone, Copy)]
pub struct Missing;

impl From<SplitLoaderError> for Missing {
    fn from(_: SplitLoaderError) -> Self {
        Missing
    }
}

/// What a part's module hands out: called once, when it has loaded.
pub type Install = fn(Chat);

type Loader = fn() -> Pin<Box<dyn Future<Output = Result<Install, Missing>>>>;

/// Where a part stands in this page.
#[derive(Clone, Copy, PartialEq)]
enum State {
    Idle,
    Loading,
    Ready,
    Failed,
}

/// A part of the widget.
#[derive(Clone, Copy)]
pub struct Part {
    state: RwSignal<State>,
    load: Loader,
}

impl Part {
    fn new(load: Loader) -> Self {
        Self {
            state: RwSignal::new(State::Idle),
            load,
        }
    }

    /// Whether the part has loaded and installed itself (tracked).
    pub fn loaded(self) -> bool {
        self.state.get() == State::Ready
    }

    /// Whether the last attempt to load it, made because something needed it, failed
    /// (tracked).
    pub fn failed(self) -> bool {
        self.state.get() == State::Failed
    }

    /// Loads and installs the part, unless it is installed; whether it is.
    pub async fn ready(self, chat: Chat) -> bool {
        if self.state.get_untracked() == State::Ready {
            return true;
        }
        self.state.set(State::Loading);
        let loaded = (self.load)().await;
        self.installed(chat, loaded, State::Failed)
    }

    /// Starts [`Part::ready`] unless the part is installed or loading.
    pub fn load(self, chat: Chat) {
        if matches!(self.state.get_untracked(), State::Idle | State::Failed) {
            spawn_local(async move {
                self.ready(chat).await;
            });
        }
    }

    /// Loads the part ahead of need, or for a need nobody waits on, unless it has loaded or is
    /// loading; a failure here leaves it as it was and says nothing (a need the visitor waits
    /// on, when it comes, tries again and says so).
    fn prefetch(self, chat: Chat) {
        if self.state.get_untracked() == State::Idle {
            spawn_local(async move {
                let loaded = (self.load)().await;
                self.installed(chat, loaded, State::Idle);
            });
        }
    }

    /// Installs what loaded, once (two loads may have been in flight); on failure, the part
    /// goes to `failed` unless it was installed meanwhile.
    fn installed(self, chat: Chat, loaded: Result<Install, Missing>, failed: State) -> bool {
        let ready = self.state.get_untracked() == State::Ready;
        match loaded {
            Ok(_) if ready => {}
            Ok(install) => {
                install(chat);
                self.state.set(State::Ready);
            }
            Err(Missing) if !ready => self.state.set(failed),
            Err(Missing) => {}
        }
        self.state.get_untracked() == State::Ready
    }
}

/// The functions of the parts that the core calls, once those parts are installed.
#[derive(Clone, Copy, Default)]
pub struct Loaded {
    /// Checks, uploads and sends a file the visitor picked or dropped.
    pub attach: Option<fn(Chat, web_sys::File)>,
    /// How a message's file is drawn; the first ask starts fetching its bytes.
    pub file_link: Option<fn(Chat, &Attachment) -> FileLink>,
    /// Plays the new-message tone.
    pub chime: Option<fn(&web_sys::AudioContext)>,
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

/// The widget's parts, shared as part of [`Chat`].
#[derive(Clone, Copy)]
pub struct Parts {
    pub files: Part,
    pub consent: Part,
    pub closed: Part,
    pub chime: Part,
    pub privacy: Part,
    pub ask_email: Part,
    pub replies: Part,
    /// What the installed parts left for the core to call.
    pub loaded: StoredValue<Loaded>,
}

impl Parts {
    pub fn new() -> Self {
        Self {
            files: Part::new(|| Box::pin(files())),
            consent: Part::new(|| Box::pin(consent())),
            closed: Part::new(|| Box::pin(closed())),
            chime: Part::new(|| Box::pin(chime())),
            privacy: Part::new(|| Box::pin(privacy())),
            ask_email: Part::new(|| Box::pin(ask_email())),
            replies: Part::new(|| Box::pin(replies())),
            loaded: StoredValue::new(Loaded::default()),
        }
    }

    fn all(self) -> [Part; 7] {
        [
            self.files,
            self.consent,
            self.closed,
            self.chime,
            self.privacy,
            self.ask_email,
            self.replies,
        ]
    }

    /// Whether a part the chat needed could not be loaded (tracked).
    pub fn any_failed(self) -> bool {
        self.all().into_iter().any(Part::failed)
    }

    /// Loads the parts not loaded yet: those that failed try again.
    pub fn load_all(self, chat: Chat) {
        for part in self.all() {
            part.load(chat);
        }
    }

    /// Loads every part when the browser is next idle (`client::idle`),
    /// so that what the visitor does next does not wait on the network.
    fn prefetch(self, chat: Chat) {
        let all = move || {
            for part in self.all() {
                part.prefetch(chat);
            }
        };
        client::idle::when_idle(all);
    }
}

impl Default for Parts {
    fn default() -> Self {
        Self::new()
    }
}

impl Chat {
    /// Loads the consent part while the site asks for consent before a first message, the
    /// closed part once the conversation has ended, the quick replies while a bot's question
    /// offers answers, and the e-mail part once there is a conversation on a site that asks
    /// for it (each draws itself into its place once loaded); and loads every part when the
    /// browser is next idle.
    pub fn draw_parts(self) {
        let parts = self.parts;
        let asks_consent = move || {
            self.config
                .with(|c| c.as_ref().is_some_and(|c| c.consent.is_some()))
        };
        Effect::new(move |_| {
            if asks_consent() && !self.started.get() {
                parts.consent.load(self);
            }
            if self.closed.get() {
                parts.closed.load(self);
            }
            if !self.offered_choices().is_empty() {
                parts.replies.load(self);
            }
            // Quietly: nothing the visitor does waits on it, so a failure says nothing (the
            // next change here, or the idle prefetch, tries again).
            if self.started.get() && self.ask_email_after_ms().is_some() {
                parts.ask_email.prefetch(self);
            }
        });
        parts.prefetch(self);
    }
}

#[wasm_split(files, fallible, wasm_split_path = ::leptos::wasm_split)]
fn files() -> Result<Install, Missing> {
    Ok(|chat| {
        chat.parts.loaded.update_value(|loaded| {
            loaded.attach = Some(Chat::attach_now);
            loaded.file_link = Some(Chat::file_link);
        })
    })
}

#[wasm_split(consent, fallible, wasm_split_path = ::leptos::wasm_split)]
fn consent() -> Result<Install, Missing> {
    Ok(crate::notices::draw_consent)
}

#[wasm_split(closed, fallible, wasm_split_path = ::leptos::wasm_split)]
fn closed() -> Result<Install, Missing> {
    Ok(crate::notices::draw_closed)
}

#[wasm_split(privacy, fallible, wasm_split_path = ::leptos::wasm_split)]
fn privacy() -> Result<Install, Missing> {
    Ok(crate::notices::draw_privacy)
}

#[wasm_split(ask_email, fallible, wasm_split_path = ::leptos::wasm_split)]
fn ask_email() -> Result<Install, Missing> {
    Ok(crate::notices::draw_ask_email)
}

#[wasm_split(replies, fallible, wasm_split_path = ::leptos::wasm_split)]
fn replies() -> Result<Install, Missing> {
    Ok(crate::notices::draw_replies)
}

#[wasm_split(chime, fallible, wasm_split_path = ::leptos::wasm_split)]
fn chime() -> Result<Install, Missing> {
    Ok(|chat| {
        chat.parts
            .loaded
            .update_value(|loaded| loaded.chime = Some(client::sound::chime))
    })
}
