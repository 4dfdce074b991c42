//! A conversation socket: an [`Outbox`] driven by a reconnecting [`Link`]. It reconnects with
//! `?after=<last seq seen>`, resends unacknowledged sends once the replay is complete, and
//! reports every change as a [`ConversationEvent`] carrying owned values, so the owner may call
//! back into the socket (or drop it) from its handler.
//!
//! One socket, two readers: the visitor's widget decodes plain [`ServerFrame`]s
//! ([`ConversationSocket`]); the agents' inbox decodes [`ToAgent`], which adds the agents-only
//! frames ([`AgentSocket`]). Which one is the [`Incoming`] type parameter; the widget only ever
//! builds the `ServerFrame` one, so it carries no code for agents' frames.
//!
//! A frame that does not decode is skipped, and counted ([`Socket::undecoded`]); the first is
//! named in the console ([`Undecoded`]).

use std::cell::RefCell;
use std::rc::Rc;

use protocol::api::ErrorCode;
use protocol::frame::{ClientFrame, ServerFrame, ToAgent};
use protocol::Message;

use crate::json;
use crate::link::{Link, LinkHandlers, LinkState};
use crate::outbox::{Entry, Outbox};
use crate::undecoded::Undecoded;

/// What a [`ConversationSocket`] reports.
#[derive(Clone, Debug)]
pub enum ConversationEvent {
    /// The view changed. `entries` is the whole list to draw; `arrived` holds the messages new
    /// to it; `live` is false while the first connection replays history (so arrivals are
    /// not news, e.g. not unread).
    Changed {
        entries: Vec<Entry>,
        arrived: Vec<Message>,
        live: bool,
    },
    /// The connection state changed.
    State(LinkState),
    /// The server refused something that was not one of our sends.
    Refused { code: ErrorCode, message: String },
}

/// What a socket's text frames decode to: a conversation frame, which the outbox applies, or a
/// frame only the owner's watcher knows what to do with.
pub trait Incoming: Sized + 'static {
    /// Reads one text frame; `None` for a frame this build does not know (a newer server).
    fn decode(text: &str) -> Option<Self>;
    /// The frame for the outbox (a copy, which it keeps), if this is one.
    fn conversation(&self) -> Option<ServerFrame>;
}

/// What a visitor's socket receives: every frame is the outbox's.
impl Incoming for ServerFrame {
    fn decode(text: &str) -> Option<Self> {
        json::parse(text)
    }

    fn conversation(&self) -> Option<ServerFrame> {
        Some(self.clone())
    }
}

/// What an agent's socket receives: the outbox's frames and the agents-only ones.
impl Incoming for ToAgent {
    fn decode(text: &str) -> Option<Self> {
        json::parse(text)
    }

    fn conversation(&self) -> Option<ServerFrame> {
        self.to_server_frame()
    }
}

/// A visitor's conversation socket (the widget's).
pub type ConversationSocket = Socket<ServerFrame>;

/// An agent's conversation socket (the inbox's): its watcher sees [`ToAgent`] frames.
pub type AgentSocket = Socket<ToAgent>;

type Listener = Rc<dyn Fn(ConversationEvent)>;
/// Sees every frame after the outbox has applied it; see [`Socket::watch`].
type Watcher<F> = Rc<RefCell<Option<Rc<dyn Fn(&F)>>>>;

/// One conversation's live socket, decoding frames as `F`; see the module docs. Dropping it
/// closes the socket.
pub struct Socket<F: Incoming> {
    link: Link,
    outbox: Rc<RefCell<Outbox>>,
    on_event: Listener,
    watcher: Watcher<F>,
    undecoded: Undecoded,
}

impl<F: Incoming> Socket<F> {
    /// Connects to `url` (a `ws:`/`wss:` URL without `after`, which is added from
    /// `outbox.last_seq()`) with the given subprotocols, continuing from `outbox`'s state.
    pub fn open(
        url: &str,
        protocols: Vec<String>,
        outbox: Outbox,
        on_event: impl Fn(ConversationEvent) + 'static,
    ) -> Self {
        let outbox = Rc::new(RefCell::new(outbox));
        let on_event: Listener = Rc::new(on_event);
        let watcher: Watcher<F> = Rc::default();
        let undecoded = Undecoded::default();
        let separator = if url.contains('?') { '&' } else { '?' };
        let base = url.to_owned();
        let handlers = LinkHandlers {
            url: Box::new({
                let outbox = outbox.clone();
                move || format!("{base}{separator}after={}", outbox.borrow().last_seq())
            }),
            on_state: Box::new({
                let (outbox, on_event) = (outbox.clone(), on_event.clone());
                move |state| {
                    if state != LinkState::Open {
                        outbox.borrow_mut().disconnected();
                    }
                    on_event(ConversationEvent::State(state));
                }
            }),
            on_text: Box::new({
                let (outbox, on_event, watcher, undecoded) = (
                    outbox.clone(),
                    on_event.clone(),
                    watcher.clone(),
                    undecoded.clone(),
                );
                move |text| receive(&outbox, &on_event, &watcher, &undecoded, &text)
            }),
        };
        Self {
            link: Link::open(protocols, handlers),
            outbox,
            on_event,
            watcher,
            undecoded,
        }
    }

    /// How many frames this socket could not read (and skipped) so far.
    pub fn undecoded(&self) -> u32 {
        self.undecoded.get()
    }

    /// Calls `on_frame` with every frame from now on, after the outbox has applied it and its
    /// events have been reported: for what the outbox does not keep (typing, read positions,
    /// who is present, the status; see [`crate::Activity`]; an agent's notes and deliveries).
    /// Replaces an earlier watcher.
    pub fn watch(&self, on_frame: impl Fn(&F) + 'static) {
        *self.watcher.borrow_mut() = Some(Rc::new(on_frame));
    }

    /// Sends a frame that stores no message (typing, a read position) if the socket is open.
    /// Returns whether it went; one that did not is not worth keeping (the caller says the
    /// current state again when there is news).
    pub fn signal(&self, frame: &ClientFrame) -> bool {
        json::stringify(frame).is_some_and(|text| self.link.send(&text))
    }

    /// Takes back a failed send and returns its text; see [`Outbox::withdraw`].
    pub fn withdraw(&self, client_id: &str) -> Option<String> {
        let body = self.outbox.borrow_mut().withdraw(client_id);
        if body.is_some() {
            self.changed();
        }
        body
    }

    /// Sends a new message (shown as pending at once; transmitted now or after reconnecting).
    /// A `client_id` already in this conversation is ignored.
    pub fn send(&self, client_id: String, body: String, attachment: Option<protocol::Attachment>) {
        let frame = self.outbox.borrow_mut().send(client_id, body, attachment);
        self.changed();
        self.transmit(frame);
    }

    /// Retries a failed send with its original client id.
    pub fn retry(&self, client_id: &str) {
        let frame = self.outbox.borrow_mut().retry(client_id);
        self.changed();
        self.transmit(frame);
    }

    /// The connection state.
    pub fn state(&self) -> LinkState {
        self.link.state()
    }

    /// What to draw now.
    pub fn entries(&self) -> Vec<Entry> {
        self.outbox.borrow().entries()
    }

    /// Reads the outbox (e.g. for `last_seq`).
    pub fn with_outbox<R>(&self, read: impl FnOnce(&Outbox) -> R) -> R {
        read(&self.outbox.borrow())
    }

    fn changed(&self) {
        let (entries, live) = {
            let outbox = self.outbox.borrow();
            (outbox.entries(), outbox.is_live())
        };
        (self.on_event)(ConversationEvent::Changed {
            entries,
            arrived: Vec::new(),
            live,
        });
    }

    fn transmit(&self, frame: Option<ClientFrame>) {
        // If the socket dropped without our noticing yet, the send stays pending and the
        // close that follows makes the next connection resend it.
        if let Some(text) = frame.and_then(|f| json::stringify(&f)) {
            self.link.send(&text);
        }
    }
}

/// Applies one incoming text frame; returns the frames to send back.
fn receive<F: Incoming>(
    outbox: &RefCell<Outbox>,
    on_event: &Listener,
    watcher: &Watcher<F>,
    undecoded: &Undecoded,
    text: &str,
) -> Vec<String> {
    // A frame this build does not know (a newer server) is skipped, not fatal, and reported.
    let Some(frame) = F::decode(text) else {
        undecoded.report(text);
        return Vec::new();
    };
    let outgoing = match frame.conversation() {
        Some(conversation) => apply(outbox, on_event, conversation),
        None => Vec::new(),
    };
    // Cloned out first: the watcher may replace itself.
    let watch = watcher.borrow().clone();
    if let Some(watch) = watch {
        watch(&frame);
    }
    outgoing
}

/// Applies a conversation frame to the outbox and reports what changed; returns the frames to
/// send back. Not generic: both kinds of socket share this one copy.
fn apply(outbox: &RefCell<Outbox>, on_event: &Listener, frame: ServerFrame) -> Vec<String> {
    // The borrow ends before any handler runs: handlers may call back into the socket.
    let (applied, entries, live) = {
        let mut outbox = outbox.borrow_mut();
        let live = outbox.is_live();
        let applied = outbox.apply(frame);
        let entries = applied.changed.then(|| outbox.entries());
        (applied, entries, live)
    };
    if let Some((code, message)) = applied.refused {
        on_event(ConversationEvent::Refused { code, message });
    }
    if let Some(entries) = entries {
        on_event(ConversationEvent::Changed {
            entries,
            arrived: applied.arrived,
            live,
        });
    }
    applied
        .outgoing
        .iter()
        .filter_map(json::stringify)
        .collect()
}
