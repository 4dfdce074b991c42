//! The open thread's conversation socket: client's [`AgentSocket`] (the same outbox and
//! reconnecting link as the widget's), plus the two things only an agent says on it: whether
//! this agent is typing, and how far they have read, a position sent once per new message.

use std::cell::Cell;

use client::{AgentSocket, ConversationEvent, Entry, Outbox};
use protocol::frame::{ClientFrame, ToAgent};
use protocol::{Author, Seq};

/// One thread's live socket. Dropping it closes the socket.
pub struct ThreadSocket {
    socket: AgentSocket,
    /// The highest read position sent, so a position is sent once, not on every redraw.
    read_sent: Cell<Seq>,
}

impl ThreadSocket {
    /// Connects to `url` (without `after`, which is added from the outbox on every attempt).
    /// `on_event` gets the messages to draw and the connection's state; `on_frame` every frame
    /// after that, for what is not a message (status, typing, reads, presence, notes,
    /// deliveries, the visitor's reach).
    pub fn open(
        url: &str,
        outbox: Outbox,
        on_event: impl Fn(ConversationEvent) + 'static,
        on_frame: impl Fn(&ToAgent) + 'static,
    ) -> Self {
        let socket = AgentSocket::open(url, Vec::new(), outbox, on_event);
        // Frames arrive from the browser's event loop, so none can come before this.
        socket.watch(on_frame);
        Self {
            socket,
            read_sent: Cell::new(0),
        }
    }

    /// Sends a reply (drawn as pending at once; transmitted now or after reconnecting).
    pub fn send(&self, client_id: String, body: String, file: Option<protocol::Attachment>) {
        self.socket.send(client_id, body, file);
    }

    /// Retries a failed reply with its original client id.
    pub fn retry(&self, client_id: &str) {
        self.socket.retry(client_id);
    }

    /// Tells the others whether this agent is typing. Not queued: a typing state that cannot
    /// go out now is stale by the time the socket is back.
    pub fn typing(&self, active: bool) {
        self.socket.signal(&ClientFrame::Typing { active });
    }

    /// Marks every message this view holds as read, once per new message, while the socket is
    /// replayed up to date (before that, "newest" would not be the newest).
    pub fn mark_read(&self) {
        let (seq, synced) = self
            .socket
            .with_outbox(|outbox| (outbox.last_seq(), outbox.is_synced()));
        if synced && seq > self.read_sent.get() && self.socket.signal(&ClientFrame::Read { seq }) {
            self.read_sent.set(seq);
        }
    }
}

/// The newest stored message by an agent (client id and `seq`), under which "Seen by visitor"
/// may show. Stored messages are the entries with a `seq`, oldest first.
pub fn last_agent(entries: &[Entry]) -> Option<(String, Seq)> {
    entries
        .iter()
        .rev()
        .filter(|e| matches!(e.author, Author::Agent { .. }))
        .find_map(|e| Some((e.client_id.clone(), e.seq?)))
}
