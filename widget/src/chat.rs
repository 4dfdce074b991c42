//! The chat's state and what the visitor can do with it. [`Chat`] is a `Copy` handle (signals
//! and stored values) provided as context; components read its signals and call its methods.
//!
//! A conversation begins with an HTTP request carrying the first message (so none exists, and
//! nothing is stored on the device, until the visitor sends one); from then on a
//! [`ConversationSocket`] carries everything. Before the socket exists the first message lives
//! in a standalone [`Outbox`], which is then handed to the socket.

use client::http::{self, HttpError};
use client::{ConversationEvent, ConversationSocket, Entry, LinkState, Outbox};
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::{
    ConversationCreated, CreateConversation, CurrentConversation, SendMessage, WidgetConfig,
};
use protocol::embed::{FrameToHost, HostToFrame};
use protocol::{Author, ConversationStatus};

use crate::accent;
use crate::frame::{self, FrameParams};
use crate::host::Host;
use crate::visitor::{self, VisitorSession};

/// The widget's shared state; see the module docs.
#[derive(Clone, Copy)]
pub struct Chat {
    pub config: RwSignal<Option<WidgetConfig>>,
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
}

impl Chat {
    pub fn new(params: FrameParams) -> Self {
        Self {
            config: RwSignal::new(None),
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
        }
    }

    /// Loads the site's config, resumes a remembered conversation, starts listening to the
    /// host page and tells it the frame is ready.
    pub fn start(self) {
        let site = self.params.with_value(|p| p.site.clone());
        let url = format!("/api/sites/{}/widget-config", encode(&site));
        spawn_local(async move {
            match http::get_json::<WidgetConfig>(&url, None).await {
                Ok(config) => {
                    accent::apply(&config.accent_color);
                    self.config.set(Some(config));
                }
                Err(e) => self.notice.set(Some(e.to_string())),
            }
        });
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

    fn create(self, first_message: SendMessage) {
        let (site_id, page_url) = self.params.with_value(|p| (p.site.clone(), p.page.clone()));
        let request = CreateConversation {
            site_id: site_id.clone(),
            first_message,
            page_url,
            referrer: frame::referrer(),
            locale: frame::locale(),
        };
        let token = self
            .session
            .with_value(|s| s.as_ref().map(|s| s.visitor_token.clone()));
        self.busy.set(true);
        spawn_local(async move {
            let url = "/api/widget/conversations";
            let mut answer =
                http::post_json::<_, ConversationCreated>(url, &request, token.as_deref()).await;
            if answer.as_ref().is_err_and(HttpError::is_auth) && token.is_some() {
                // A stale token: forget it and start as a new visitor.
                self.forget(&site_id);
                answer = http::post_json(url, &request, None).await;
            }
            self.busy.set(false);
            let outbox = self.draft.try_update_value(Option::take).flatten();
            let mut outbox = outbox.unwrap_or_else(|| Outbox::new(Author::Visitor));
            match answer {
                Ok(created) => {
                    let session = VisitorSession {
                        visitor_token: created.visitor_token,
                        conversation_id: created.conversation_id,
                    };
                    visitor::save(&site_id, &session);
                    outbox.insert(created.message);
                    self.show(outbox.entries());
                    self.connect(&session, outbox);
                    self.session.set_value(Some(session));
                }
                Err(e) => {
                    outbox.fail(&request.first_message.client_id, e.code(), e.to_string());
                    self.show(outbox.entries());
                    self.draft.set_value(Some(outbox));
                }
            }
        });
    }

    /// Picks up the remembered conversation, if the server still knows the visitor.
    fn resume(self, site: String, session: VisitorSession) {
        self.session.set_value(Some(session.clone()));
        self.busy.set(true);
        spawn_local(async move {
            let url = "/api/widget/conversations/current";
            match http::get_json::<CurrentConversation>(url, Some(&session.visitor_token)).await {
                Ok(CurrentConversation {
                    conversation: Some(current),
                }) => {
                    let session = VisitorSession {
                        conversation_id: current.id,
                        ..session
                    };
                    self.closed
                        .set_value(current.status == ConversationStatus::Closed);
                    if current.status == ConversationStatus::Closed {
                        self.notice.set(Some(
                            "This conversation has ended. Write to start a new one.".into(),
                        ));
                    }
                    self.connect(&session, Outbox::new(Author::Visitor));
                    self.session.set_value(Some(session));
                }
                Ok(CurrentConversation { conversation: None }) => {}
                Err(e) if e.is_auth() => self.forget(&site),
                // Offline or failing: keep the token; the next send tries again.
                Err(_) => {}
            }
            self.busy.set(false);
        });
    }

    fn forget(self, site: &str) {
        visitor::forget(site);
        self.session.set_value(None);
    }

    fn connect(self, session: &VisitorSession, outbox: Outbox) {
        let url = format!(
            "{}/api/widget/conversations/{}/socket",
            frame::socket_origin(),
            encode(&session.conversation_id)
        );
        // Browsers cannot set headers on a WebSocket, so the token rides as a subprotocol.
        let protocols = vec![
            "porchlight.v1".to_owned(),
            format!("bearer.{}", session.visitor_token),
        ];
        let socket = ConversationSocket::open(&url, protocols, outbox, move |e| self.on_socket(e));
        self.socket.set_value(Some(socket));
    }

    fn on_socket(self, event: ConversationEvent) {
        match event {
            ConversationEvent::Changed {
                entries,
                arrived,
                live,
            } => {
                self.show(entries);
                let from_agents = arrived
                    .iter()
                    .filter(|m| matches!(m.author, Author::Agent { .. }));
                let count = u32::try_from(from_agents.count()).unwrap_or(u32::MAX);
                if live && count > 0 && self.hidden.get_untracked() {
                    let unread = self.unread.get_untracked().saturating_add(count);
                    self.unread.set(unread);
                    self.post(FrameToHost::Unread { count: unread });
                }
            }
            ConversationEvent::State(state) => {
                self.link.try_set(Some(state));
            }
            ConversationEvent::Refused { message, .. } => {
                self.notice.try_set(Some(message));
            }
        }
    }

    fn on_host(self, message: HostToFrame) {
        match message {
            HostToFrame::Open => {
                self.hidden.set(false);
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
