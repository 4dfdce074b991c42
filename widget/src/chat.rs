//! The chat's state and what the visitor can do with it. [`Chat`] is a `Copy` handle (signals
//! and stored values) provided as context; components read its signals and call its methods.
//!
//! A conversation begins with an HTTP request carrying the first message (so none exists, and
//! nothing is stored on the device, until the visitor sends one); see [`conversation`]. What
//! the agents do in it (typing, reading, joining, closing) is kept in a `client::Activity`;
//! see [`activity`]. The site's config (branding, availability, consent) is fetched at start
//! and again whenever it may have changed; see [`config`] and [`consent`].

mod activity;
mod ask_email;
mod config;
mod consent;
mod conversation;
mod files;
mod privacy;

use client::activity::Line;
use client::availability::Shown;
use client::{Activity, ConversationSocket, LinkState, Outbox, TypingOut};
use leptos::prelude::*;
use protocol::api::{SendMessage, WidgetConfig};
use protocol::embed::{FrameToHost, HostToFrame};
use protocol::frame::AgentRef;
use protocol::i18n::UiStrings;
use protocol::{Attachment, Author};

pub use ask_email::NotSaved;

use crate::frame::FrameParams;
use crate::host::Host;
use crate::visitor::{self, VisitorSession};

/// The interface's words in the visitor's language, as the config brought them; provided as
/// context to the views once the config has loaded. `'static`, so views take them as the
/// `&'static str` literals they held before there were languages (a `String` attribute or
/// text instantiates other rendering code: 10 KB gzip more, measured). Each distinct table is
/// leaked once: a language changes about never in a page's life.
pub type Words = &'static UiStrings;

/// The widget's shared state; see the module docs.
#[derive(Clone, Copy)]
pub struct Chat {
    pub config: RwSignal<Option<WidgetConfig>>,
    /// The config's words; `None` until the config has loaded.
    pub words: RwSignal<Option<Words>>,
    /// The site's availability as shown; `None` until the config has loaded.
    pub availability: Memo<Option<Shown>>,
    /// The log as drawn: messages, and agents joining.
    pub lines: RwSignal<Vec<Line>>,
    pub link: RwSignal<Option<LinkState>>,
    /// A sentence for the visitor about something that went wrong, if any.
    pub notice: RwSignal<Option<String>>,
    /// A request that must finish before the next send is in flight.
    pub busy: RwSignal<bool>,
    /// The composer's text. Kept here so that a message refused before it was stored (the
    /// conversation closed, the consent text changed) goes back where the visitor wrote it.
    pub text: RwSignal<String>,
    /// A conversation exists (or is being resumed): the next send does not start one.
    pub started: RwSignal<bool>,
    /// The conversation is closed: nothing can be sent until the visitor starts a new one.
    pub closed: RwSignal<bool>,
    /// The consent version the visitor agreed to, on this page or remembered with their
    /// conversation (explicit consent only).
    pub agreed: RwSignal<Option<u32>>,
    /// "Dana is typing…" while that holds.
    pub typing: RwSignal<Option<String>>,
    /// The agent handling the conversation (who last replied or joined), for the heading;
    /// `client::heading::pack`ed, as is `owner`.
    pub agent: RwSignal<Option<String>>,
    /// The visitor's contact owner, when the site heads chats with owners.
    pub owner: RwSignal<Option<String>>,
    /// Which of the site's heading people this visitor sees (`client::heading::heading`).
    pub seed: usize,
    /// The client id of the visitor's last message once an agent has read it ("Seen").
    pub seen: RwSignal<Option<String>>,
    /// Agents' messages chime while the chat is out of sight (the visitor's choice).
    pub sound: RwSignal<bool>,
    hidden: RwSignal<bool>,
    /// The unread count the host page was last told.
    unread: StoredValue<u32>,
    params: StoredValue<FrameParams, LocalStorage>,
    host: StoredValue<Host, LocalStorage>,
    session: StoredValue<Option<VisitorSession>, LocalStorage>,
    socket: StoredValue<Option<ConversationSocket>, LocalStorage>,
    /// The first message's outbox, before the socket exists.
    opening: StoredValue<Option<Outbox>, LocalStorage>,
    activity: StoredValue<Activity>,
    typing_out: StoredValue<TypingOut>,
    audio: StoredValue<Option<web_sys::AudioContext>, LocalStorage>,
    /// `blob:` URLs of the conversation's files, by file id; see [`files`].
    files: StoredValue<Vec<(String, Option<String>)>>,
    /// The parts loaded when first needed (`crate::parts`).
    pub parts: crate::parts::Parts,
    /// The config is not being polled (the chat was hidden when a fetch fell due); see
    /// [`config`].
    config_paused: StoredValue<bool, LocalStorage>,
}

impl Chat {
    pub fn new(params: FrameParams) -> Self {
        let config = RwSignal::new(None::<WidgetConfig>);
        Self {
            config,
            words: RwSignal::new(None),
            availability: Memo::new(move |_| {
                config.with(|c| {
                    c.as_ref()
                        .map(|c| client::availability::shown(&c.availability))
                })
            }),
            lines: RwSignal::new(Vec::new()),
            link: RwSignal::new(None),
            notice: RwSignal::new(None),
            busy: RwSignal::new(false),
            text: RwSignal::new(String::new()),
            started: RwSignal::new(false),
            closed: RwSignal::new(false),
            agreed: RwSignal::new(None),
            typing: RwSignal::new(None),
            agent: RwSignal::new(None),
            owner: RwSignal::new(None),
            seed: client::heading::seed(js_sys::Math::random()),
            seen: RwSignal::new(None),
            sound: RwSignal::new(visitor::sound_on(&params.site)),
            // Hidden until the loader says the panel is open: unread counts start at once.
            hidden: RwSignal::new(true),
            unread: StoredValue::new(0),
            host: StoredValue::new_local(Host::new(params.host_origin.clone())),
            params: StoredValue::new_local(params),
            session: StoredValue::new_local(None),
            socket: StoredValue::new_local(None),
            opening: StoredValue::new_local(None),
            activity: StoredValue::new(Activity::new(Author::Visitor)),
            typing_out: StoredValue::new(TypingOut::new()),
            audio: StoredValue::new_local(None),
            files: StoredValue::new(Vec::new()),
            config_paused: StoredValue::new_local(false),
            parts: crate::parts::Parts::new(),
        }
    }

    /// The people heading the chat now (`client::heading`), read reactively. Not inlined: the
    /// heading's text and each picture ask, and one copy is smaller.
    #[inline(never)]
    pub fn heading_people(self) -> Vec<AgentRef> {
        let unpacked = |packed: Option<String>| packed.as_deref().map(client::heading::unpack);
        let (agent, owner) = (unpacked(self.agent.get()), unpacked(self.owner.get()));
        self.config.with(|c| {
            client::heading::heading(
                agent.as_ref(),
                owner.as_ref(),
                c.as_ref().map_or(&[], |c| &c.people),
                self.seed,
            )
        })
    }

    /// Loads the site's config, resumes a remembered conversation, starts listening to the
    /// host page and tells it the frame is ready.
    pub fn start(self) {
        self.load_config();
        let site = self.params.with_value(|p| p.site.clone());
        if let Some(session) = visitor::load(&site) {
            self.resume(site, session);
        }
        self.host
            .with_value(|host| host.listen(move |message| self.on_host(message)));
        // The tab going to the background or coming back changes what counts as read.
        let _ = window_event_listener(leptos::ev::visibilitychange, move |_| self.sync());
        // After the current task, i.e. once the app is mounted: the loader answers with the
        // panel's state at once, and `Open` focuses the composer, which must exist by then.
        queue_microtask(move || self.post(FrameToHost::Ready));
    }

    /// Tells the host page the visitor closed the chat.
    pub fn close(self) {
        self.hidden.set(true);
        self.post(FrameToHost::Close);
    }

    /// Whether the visitor may write now: not in a closed conversation, and not before agreeing
    /// when the site asks for explicit consent.
    pub fn may_write(self) -> bool {
        !self.closed.get() && (self.started.get() || self.consent_given())
    }

    /// Sends what the visitor wrote; the composer clears when it is taken.
    pub fn send(self) {
        let text = self.text.get_untracked();
        // Enter on an empty composer is not worth an error message.
        if self.busy.get_untracked() || !self.may_write() || text.trim().is_empty() {
            return;
        }
        if self.submit(text, None) {
            self.text.set(String::new());
            self.stop_typing();
        }
    }

    /// Sends a message (text, an uploaded file, or both): on the socket, or as the start of the
    /// conversation. Returns whether it was taken (a refusal is shown as the notice).
    fn submit(self, body: String, file: Option<Attachment>) -> bool {
        let Some(client_id) = client::new_client_id() else {
            self.notice.set(Some(self.word(|t| &t.no_browser_support)));
            return false;
        };
        let send = SendMessage {
            client_id,
            body,
            attachment: file.as_ref().map(|f| f.id.clone()),
        };
        let send = match domain::message::validate_send(&send) {
            Ok(send) => send,
            Err(rejection) => {
                self.notice.set(Some(rejection.message));
                return false;
            }
        };
        self.notice.set(None);
        let has_socket = self.socket.with_value(|s| s.is_some());
        if has_socket {
            self.socket.with_value(|s| {
                s.as_ref()
                    .map(|s| s.send(send.client_id.clone(), send.body.clone(), file))
            });
        } else {
            // Keep a failed first message on screen (and retryable) beside the new one.
            let mut outbox = self
                .opening
                .try_update_value(Option::take)
                .flatten()
                .unwrap_or_else(|| Outbox::new(Author::Visitor));
            outbox.send(send.client_id.clone(), send.body.clone(), file);
            self.show(outbox.entries());
            self.opening.set_value(Some(outbox));
            self.create(send);
        }
        true
    }

    /// Sends `answer` to a bot's question (a quick reply), as if typed; the composer keeps
    /// what was being typed.
    pub fn reply_with(self, answer: String) {
        if !self.busy.get_untracked() && self.may_write() {
            self.submit(answer, None);
        }
    }

    /// The answers the bot's question offers, while it is the last word (tracked).
    pub fn offered_choices(self) -> Vec<String> {
        self.lines.with(|lines| match lines.last() {
            Some(Line::Message(entry)) if matches!(entry.author, Author::Bot { .. }) => {
                entry.choices.clone()
            }
            _ => Vec::new(),
        })
    }

    /// Retries a failed send.
    pub fn retry(self, client_id: String) {
        if self.socket.with_value(|s| s.is_some()) {
            self.socket
                .with_value(|s| s.as_ref().map(|s| s.retry(&client_id)));
            return;
        }
        // The first message failed: it goes again as the start of the conversation.
        let send = self.opening.with_value(|d| {
            d.as_ref()?
                .pending()
                .iter()
                .find(|p| p.client_id == client_id)
                .map(client::PendingSend::message)
        });
        if let Some(send) = send {
            self.opening.update_value(|d| {
                if let Some(outbox) = d {
                    outbox.retry(&client_id);
                    self.show(outbox.entries());
                }
            });
            self.create(send);
        }
    }

    fn on_host(self, message: HostToFrame) {
        match message {
            HostToFrame::Open => {
                self.hidden.set(false);
                // The config is only polled while the chat is seen: catch up now.
                self.resume_config();
                self.focus_composer();
            }
            HostToFrame::Hidden => self.hidden.set(true),
        }
        self.sync();
    }

    /// Puts the keyboard where the visitor can act: the composer, or while it is off the step
    /// that turns it on ("I agree", "Start a new conversation"; before the composer in the
    /// document, so the first match). After the next frame, once the view has caught up with
    /// the change that asked for focus.
    fn focus_composer(self) {
        use wasm_bindgen::JsCast;
        request_animation_frame(|| {
            let target = document()
                .query_selector(".pl-action:not([hidden]), #pl-composer")
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(target) = target {
                let _ = target.focus();
            }
        });
    }

    /// A part with an action ("I agree", "Start a new conversation") was drawn: if the chat is
    /// shown and nothing in it has the focus (the composer it went to was off), the focus goes
    /// where the visitor can act now.
    pub(crate) fn refocus(self) {
        if self.hidden.get_untracked() {
            return;
        }
        let lost = document()
            .active_element()
            .is_none_or(|e| e.tag_name().eq_ignore_ascii_case("body"));
        if lost {
            self.focus_composer();
        }
    }

    /// One of the interface's words, for text set from code (notices); empty before the config.
    pub fn word(self, pick: fn(&UiStrings) -> &String) -> String {
        self.words
            .get_untracked()
            .map(|t| pick(t).clone())
            .unwrap_or_default()
    }

    /// What to tell the visitor about a failed request: the server's sentence, or for a
    /// failure on the way (offline, an unreadable answer) the interface's own, in their
    /// language.
    pub fn failure(self, error: &client::http::HttpError) -> String {
        match error {
            client::http::HttpError::Status { message, .. } => message.clone(),
            _ => self.word(|t| &t.network_error),
        }
    }

    fn post(self, message: FrameToHost) {
        self.host.with_value(|host| host.post(&message));
    }

    /// Tells the host page's SDK about the visitor's current conversation (`name`: one of
    /// `SdkEvent`'s conversation events).
    pub(crate) fn post_conversation_event(self, name: &str) {
        self.session.with_value(|session| {
            if let Some(session) = session {
                self.host.with_value(|host| {
                    host.post_conversation_event(name, &session.conversation_id);
                });
            }
        });
    }
}

/// Percent-encodes a path segment or query value with the browser's `encodeURIComponent` (for
/// `protocol::routes`' `path_with`, so the wasm carries no encoder of its own).
pub(crate) fn encode(segment: &str) -> String {
    String::from(js_sys::encode_uri_component(segment))
}

/// Sets `signal` only when the value differs, so views that read it are not redrawn for
/// nothing (frames about typing and reading arrive often).
fn put<T: PartialEq + Send + Sync + 'static>(signal: RwSignal<T>, value: T) {
    if signal.with_untracked(|old| *old != value) {
        signal.set(value);
    }
}
