//! The open thread's conversation socket: an [`Outbox`] driven by a reconnecting [`Link`], as in
//! `client::ConversationSocket`, plus what that wrapper does not offer the inbox: the frames
//! that are not messages (status, typing, read positions, who is present) reach the view, and
//! the view can send typing and read frames. Events carry owned values and are raised after
//! every borrow has ended, so a handler may call back into the socket.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use client::{json, Entry, Link, LinkHandlers, LinkState, Outbox};
use protocol::api::Note;
use protocol::frame::{AgentFrame, ClientFrame, ServerFrame};
use protocol::{Author, Message, Seq};

/// What a [`ThreadSocket`] reports.
pub enum ThreadEvent {
    /// The messages to draw changed. `arrived` holds the stored messages new to the view;
    /// `last_agent` names the newest stored message by an agent (client id and `seq`), under
    /// which "Seen by visitor" may show.
    Changed {
        entries: Vec<Entry>,
        arrived: Vec<Message>,
        last_agent: Option<(String, Seq)>,
    },
    /// The connection state changed.
    State(LinkState),
    /// The server refused something that was not one of our sends.
    Refused(String),
    /// A frame about the conversation rather than its messages: `Synced`, `Status`, `Typing`,
    /// `Read` or `Agents`.
    Frame(ServerFrame),
    /// A teammate's internal note (agents' sockets only).
    Note(Note),
    /// A reply on Messenger or WhatsApp moved on (agents' sockets only).
    Delivery(protocol::reply::Delivery),
    /// A website chat's visitor: whether they have the chat open, and how replies reach them
    /// (agents' sockets only).
    Reach(bool, protocol::api::ReplyChannel),
}

type Listener = Rc<dyn Fn(ThreadEvent)>;

/// One thread's live socket. Dropping it closes the socket.
pub struct ThreadSocket {
    link: Link,
    outbox: Rc<RefCell<Outbox>>,
    on_event: Listener,
    /// The highest read position sent, so a position is sent once, not on every redraw.
    read_sent: Cell<Seq>,
}

impl ThreadSocket {
    /// Connects to `url` (without `after`, which is added from the outbox on every attempt).
    pub fn open(url: &str, outbox: Outbox, on_event: impl Fn(ThreadEvent) + 'static) -> Self {
        let outbox = Rc::new(RefCell::new(outbox));
        let on_event: Listener = Rc::new(on_event);
        let base = url.to_owned();
        let handlers = LinkHandlers {
            url: Box::new({
                let outbox = outbox.clone();
                move || format!("{base}?after={}", outbox.borrow().last_seq())
            }),
            on_state: Box::new({
                let (outbox, on_event) = (outbox.clone(), on_event.clone());
                move |state| {
                    if state != LinkState::Open {
                        outbox.borrow_mut().disconnected();
                    }
                    on_event(ThreadEvent::State(state));
                }
            }),
            on_text: Box::new({
                let (outbox, on_event) = (outbox.clone(), on_event.clone());
                move |text| receive(&outbox, &on_event, &text)
            }),
        };
        Self {
            link: Link::open(Vec::new(), handlers),
            outbox,
            on_event,
            read_sent: Cell::new(0),
        }
    }

    /// Sends a reply (drawn as pending at once; transmitted now or after reconnecting).
    pub fn send(&self, client_id: String, body: String, file: Option<protocol::Attachment>) {
        let frame = self.outbox.borrow_mut().send(client_id, body, file);
        self.changed();
        self.transmit(frame);
    }

    /// Retries a failed reply with its original client id.
    pub fn retry(&self, client_id: &str) {
        let frame = self.outbox.borrow_mut().retry(client_id);
        self.changed();
        self.transmit(frame);
    }

    /// Tells the others whether this agent is typing. Not queued: a typing state that cannot
    /// go out now is stale by the time the socket is back.
    pub fn typing(&self, active: bool) {
        self.transmit(Some(ClientFrame::Typing { active }));
    }

    /// Marks every message this view holds as read, once per new message, while the socket is
    /// replayed up to date (before that, "newest" would not be the newest).
    pub fn mark_read(&self) {
        let (seq, synced) = {
            let outbox = self.outbox.borrow();
            (outbox.last_seq(), outbox.is_synced())
        };
        if synced && seq > self.read_sent.get() && self.link.send(&read_frame(seq)) {
            self.read_sent.set(seq);
        }
    }

    fn changed(&self) {
        let (entries, last_agent) = view(&self.outbox.borrow());
        (self.on_event)(ThreadEvent::Changed {
            entries,
            arrived: Vec::new(),
            last_agent,
        });
    }

    fn transmit(&self, frame: Option<ClientFrame>) {
        // If the socket dropped unnoticed, a send stays pending and the close that follows
        // makes the next connection resend it.
        if let Some(text) = frame.and_then(|f| json::stringify(&f)) {
            self.link.send(&text);
        }
    }
}

fn read_frame(seq: Seq) -> String {
    json::stringify(&ClientFrame::Read { seq }).unwrap_or_default()
}

/// The entries to draw and the newest stored agent message.
fn view(outbox: &Outbox) -> (Vec<Entry>, Option<(String, Seq)>) {
    let last_agent = outbox
        .messages()
        .iter()
        .rev()
        .find(|m| matches!(m.author, Author::Agent { .. }))
        .map(|m| (m.client_id.clone(), m.seq));
    (outbox.entries(), last_agent)
}

/// Applies one incoming text frame; returns the frames to send back.
fn receive(outbox: &RefCell<Outbox>, on_event: &Listener, text: &str) -> Vec<String> {
    // A frame this build does not know (a newer server) is skipped, not fatal.
    let Some(frame) = json::parse::<ServerFrame>(text) else {
        match json::parse::<AgentFrame>(text) {
            Some(AgentFrame::Note(note)) => on_event(ThreadEvent::Note(note)),
            Some(AgentFrame::Delivery(delivery)) => on_event(ThreadEvent::Delivery(delivery)),
            Some(AgentFrame::Reach {
                visitor_present,
                reply_by,
            }) => on_event(ThreadEvent::Reach(visitor_present, reply_by)),
            None => {}
        }
        return Vec::new();
    };
    let side = match &frame {
        ServerFrame::Message(_) | ServerFrame::Ack { .. } | ServerFrame::Error { .. } => None,
        ServerFrame::Synced { .. }
        | ServerFrame::Status { .. }
        | ServerFrame::Typing { .. }
        | ServerFrame::Read { .. }
        | ServerFrame::Agents { .. } => Some(frame.clone()),
    };
    // The borrow ends before any handler runs: handlers may call back into the socket.
    let (applied, view) = {
        let mut outbox = outbox.borrow_mut();
        let applied = outbox.apply(frame);
        let view = applied.changed.then(|| view(&outbox));
        (applied, view)
    };
    if let Some((_, message)) = applied.refused {
        on_event(ThreadEvent::Refused(message));
    }
    if let Some((entries, last_agent)) = view {
        on_event(ThreadEvent::Changed {
            entries,
            arrived: applied.arrived,
            last_agent,
        });
    }
    if let Some(frame) = side {
        on_event(ThreadEvent::Frame(frame));
    }
    applied
        .outgoing
        .iter()
        .filter_map(json::stringify)
        .collect()
}
