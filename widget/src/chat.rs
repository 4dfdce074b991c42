//! The chat's state and what the visitor can do with it. [`Chat`] is a `Copy` handle (signals
//! and stored values) provided as context; components read its signals and call its methods.
//!
//! A conversation begins with an HTTP request carrying the first message (so none exists, and
//! nothing is stored on the device, until the visitor sends one); see [`conversation`]. The
//! site's config (branding and availability) is fetched at start and again whenever it may have
//! changed; see [`config`].

mod config;
mod conversation;

use client::availability::Shown;
use client::{ConversationSocket, Entry, LinkState, Outbox};
use leptos::prelude::*;
use protocol::api::{SendMessage, WidgetConfig};
use protocol::embed::{FrameToHost, HostToFrame};
use protocol::Author;

use crate::frame::FrameParams;
use crate::host::Host;
use crate::visitor::{self, VisitorSession};

/// The widget's shared state; see the module docs.
#[derive(Clone, Copy)]
pub struct Chat {
    pub config: RwSignal<Option<WidgetConfig>>,
    /// The site's availability as shown; `None` until the config has loaded.
    pub availability: Memo<Option<Shown>>,
    pub entries: RwSignal<Vec<Entry>>,
    pub link: RwSignal<Option<LinkState>>,
    /// A sentence for the visitor about something that went wrong, if any.
    pub notice: RwSignal<Option<String>>,
    /// A request that must finish before the next send is in flight.
    pub busy: RwSignal<bool>,
    hidden: RwSignal<bool>,
    unread: RwSignal<u32>,
    params: StoredValue<FrameParams, LocalStorage>,
    host: StoredValue<Host, LocalStorage>,
    session: StoredValue<Option<VisitorSession>, LocalStorage>,
    /// The conversation ended; the next send starts a new one.
    closed: StoredValue<bool, LocalStorage>,
    socket: StoredValue<Option<ConversationSocket>, LocalStorage>,
    /// The first message's outbox, before the socket exists.
    draft: StoredValue<Option<Outbox>, LocalStorage>,
    /// The config is not being polled (the chat was hidden when a fetch fell due); see
    /// [`config`].
    config_paused: StoredValue<bool, LocalStorage>,
}

impl Chat {
    pub fn new(params: FrameParams) -> Self {
        let config = RwSignal::new(None::<WidgetConfig>);
        Self {
            config,
            availability: Memo::new(move |_| {
                config.with(|c| {
                    c.as_ref()
                        .map(|c| client::availability::shown(&c.availability))
                })
            }),
            entries: RwSignal::new(Vec::new()),
            link: RwSignal::new(None),
            notice: RwSignal::new(None),
            busy: RwSignal::new(false),
            // Hidden until the loader says the panel is open: unread counts start at once.
            hidden: RwSignal::new(true),
            unread: RwSignal::new(0),
            host: StoredValue::new_local(Host::new(params.host_origin.clone())),
            params: StoredValue::new_local(params),
            session: StoredValue::new_local(None),
            closed: StoredValue::new_local(false),
            socket: StoredValue::new_local(None),
            draft: StoredValue::new_local(None),
            config_paused: StoredValue::new_local(false),
        }
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
        // After the current task, i.e. once the app is mounted: the loader answers with the
        // panel's state at once, and `Open` focuses the composer, which must exist by then.
        queue_microtask(move || self.post(FrameToHost::Ready));
    }

    /// Tells the host page the visitor closed the chat.
    pub fn close(self) {
        self.hidden.set(true);
        self.post(FrameToHost::Close);
    }

    /// Sends what the visitor wrote. Returns whether it was taken (the composer then clears).
    pub fn send(self, text: &str) -> bool {
        // Enter on an empty composer is not worth an error message.
        if self.busy.get_untracked() || text.trim().is_empty() {
            return false;
        }
        let Some(client_id) = client::new_client_id() else {
            self.notice
                .set(Some("This browser cannot send messages.".into()));
            return false;
        };
        let send = SendMessage {
            client_id,
            body: text.to_owned(),
        };
        let send = match domain::message::validate_send(&send) {
            Ok(send) => send,
            Err(rejection) => {
                self.notice.set(Some(rejection.message));
                return false;
            }
        };
        self.notice.set(None);
        if self.closed.get_value() {
            // A closed conversation stays closed: start afresh, keeping the visitor's token.
            self.socket.set_value(None);
            self.closed.set_value(false);
            self.show(Vec::new());
        }
        let has_socket = self.socket.with_value(|s| s.is_some());
        if has_socket {
            self.socket
                .with_value(|s| s.as_ref().map(|s| s.send(send.client_id, send.body)));
        } else {
            // Keep a failed first message on screen (and retryable) beside the new one.
            let mut outbox = self
                .draft
                .try_update_value(Option::take)
                .flatten()
                .unwrap_or_else(|| Outbox::new(Author::Visitor));
            outbox.send(send.client_id.clone(), send.body.clone());
            self.show(outbox.entries());
            self.draft.set_value(Some(outbox));
            self.create(send);
        }
        true
    }

    /// Retries a failed send.
    pub fn retry(self, client_id: String) {
        if self.socket.with_value(|s| s.is_some()) {
            self.socket
                .with_value(|s| s.as_ref().map(|s| s.retry(&client_id)));
            return;
        }
        // The first message failed: it goes again as the start of the conversation.
        let body = self.draft.with_value(|d| {
            d.as_ref()?
                .pending()
                .iter()
                .find(|p| p.client_id == client_id)
                .map(|p| p.body.clone())
        });
        if let Some(body) = body {
            self.draft.update_value(|d| {
                if let Some(outbox) = d {
                    outbox.retry(&client_id);
                    self.show(outbox.entries());
                }
            });
            self.create(SendMessage { client_id, body });
        }
    }

    fn on_host(self, message: HostToFrame) {
        match message {
            HostToFrame::Open => {
                self.hidden.set(false);
                // The config is only polled while the chat is seen: catch up now.
                self.resume_config();
                self.unread.set(0);
                self.post(FrameToHost::Unread { count: 0 });
                if let Some(composer) = document().get_element_by_id("pl-composer") {
                    use wasm_bindgen::JsCast;
                    if let Ok(composer) = composer.dyn_into::<web_sys::HtmlElement>() {
                        let _ = composer.focus();
                    }
                }
            }
            HostToFrame::Hidden => self.hidden.set(true),
        }
    }

    /// Draws `entries` and then scrolls the log to its end. Done here rather than in an effect
    /// on the view: the frame after the redraw is soon enough, and it keeps the wasm smaller.
    fn show(self, entries: Vec<Entry>) {
        if self.entries.try_set(entries).is_none() {
            request_animation_frame(|| {
                if let Some(log) = document().get_element_by_id("pl-log") {
                    log.set_scroll_top(log.scroll_height());
                }
            });
        }
    }

    fn post(self, message: FrameToHost) {
        self.host.with_value(|host| host.post(&message));
    }
}

/// Percent-encodes a path segment.
fn encode(segment: &str) -> String {
    String::from(js_sys::encode_uri_component(segment))
}
