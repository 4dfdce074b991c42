//! One conversation as one participant sees it: the stored messages (deduplicated and ordered
//! by `seq`), the highest `seq` seen (what a reconnect asks to resume `after`), and the sends
//! still in flight. It is a pure state machine: frames go in, frames to transmit come out, and
//! [`Outbox::entries`] is what to draw. No browser types, so every rule is tested natively.
//!
//! A send stays here until its message arrives. It is put on the wire at most once per
//! connection: a send made while the socket is down (or still replaying) waits for
//! [`ServerFrame::Synced`], by which time the replay has already removed every send the server
//! had stored, so a reconnect resends only what is truly missing. The server dedupes by
//! `client_id` anyway; this keeps the wire quiet and the view free of doubles.

use protocol::api::{ErrorCode, SendMessage};
use protocol::frame::{ClientFrame, ServerFrame};
use protocol::{Attachment, Author, Message, Millis, Seq, TextLink};

/// Where one of our sends stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendState {
    /// Not acknowledged yet; resent after a reconnect.
    Pending,
    /// Durably stored as `seq`; the message itself has not arrived yet. Never resent.
    Acked { seq: Seq },
    /// Refused (or could not be delivered); kept with the reason until retried.
    Failed {
        code: Option<ErrorCode>,
        reason: String,
    },
}

/// A message this participant sent whose stored copy has not arrived yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingSend {
    pub client_id: String,
    pub body: String,
    /// The uploaded file the message carries.
    pub attachment: Option<Attachment>,
    pub state: SendState,
    /// Put on the wire during the current connection (so not to be sent again on it).
    on_wire: bool,
}

impl PendingSend {
    /// What goes on the wire for it.
    pub fn message(&self) -> SendMessage {
        SendMessage {
            client_id: self.client_id.clone(),
            body: self.body.clone(),
            attachment: self.attachment.as_ref().map(|a| a.id.clone()),
        }
    }
}

/// How an entry of the view is doing, for drawing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Stored by the server (or acknowledged as stored).
    Sent,
    /// On its way.
    Pending,
    /// Not stored; `reason` is a sentence for a person.
    Failed { reason: String },
}

/// One line of the conversation as drawn: stored messages first, by `seq`, then our sends in
/// flight in the order they were made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Unique within one [`Outbox::entries`] list and different whenever `delivery` changes,
    /// so a keyed list redraws exactly the lines that changed.
    pub key: String,
    /// The stored message's position; `None` while in flight.
    pub seq: Option<Seq>,
    pub client_id: String,
    pub author: Author,
    pub body: String,
    /// The links in `body` (once stored; the edge finds them).
    pub links: Vec<TextLink>,
    pub attachment: Option<Attachment>,
    /// A bot's question's offered answers (`Message::choices`).
    pub choices: Vec<String>,
    /// When the server stored it; `None` while in flight.
    pub sent_at: Option<Millis>,
    pub delivery: Delivery,
}

/// What applying a frame did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Messages new to this view (duplicates are not repeated here), in arrival order.
    pub arrived: Vec<Message>,
    /// Frames to transmit now (resends once a reconnect's replay is complete).
    pub outgoing: Vec<ClientFrame>,
    /// A refusal that answers none of our sends (for a banner).
    pub refused: Option<(ErrorCode, String)>,
    /// Whether [`Outbox::entries`] may have changed.
    pub changed: bool,
}

/// The state of one conversation for one participant; see the module docs.
#[derive(Clone, Debug)]
pub struct Outbox {
    me: Author,
    /// Sorted by `seq`, no two alike. A `Vec` rather than a map: it is nearly always appended
    /// to, and it keeps the wasm small.
    messages: Vec<Message>,
    last_seq: Seq,
    pending: Vec<PendingSend>,
    /// The current connection has finished its replay; sends may go straight out.
    synced: bool,
    /// Some connection has finished its replay, so arrivals are live news, not history.
    ever_synced: bool,
}

impl Outbox {
    /// An empty view for the participant `me` (the author our own sends are drawn as).
    pub fn new(me: Author) -> Self {
        Self {
            me,
            messages: Vec::new(),
            last_seq: 0,
            pending: Vec::new(),
            synced: false,
            ever_synced: false,
        }
    }

    /// The participant this view belongs to.
    pub fn me(&self) -> &Author {
        &self.me
    }

    /// Stored messages, oldest first.
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    /// The highest `seq` seen: reconnect with `?after=` this.
    pub fn last_seq(&self) -> Seq {
        self.last_seq
    }

    /// Our sends whose stored copy has not arrived yet, oldest first.
    pub fn pending(&self) -> &[PendingSend] {
        &self.pending
    }

    /// Whether the current connection has finished replaying.
    pub fn is_synced(&self) -> bool {
        self.synced
    }

    /// Whether any connection has finished replaying: later arrivals are news, not history.
    pub fn is_live(&self) -> bool {
        self.ever_synced
    }

    /// Records a new send. Returns the frame to transmit now, or `None` when it must wait for
    /// the socket (it goes out after the next [`ServerFrame::Synced`]) or when `client_id` is
    /// already known (a double click must not make a second message).
    pub fn send(
        &mut self,
        client_id: String,
        body: String,
        attachment: Option<Attachment>,
    ) -> Option<ClientFrame> {
        if self.knows(&client_id) {
            return None;
        }
        self.pending.push(PendingSend {
            client_id,
            body,
            attachment,
            state: SendState::Pending,
            on_wire: false,
        });
        let last = self.pending.len() - 1;
        self.transmit(last)
    }

    /// Makes a failed send pending again, keeping its `client_id` (so the server stores it at
    /// most once). Returns the frame to transmit now, as [`Outbox::send`] does.
    pub fn retry(&mut self, client_id: &str) -> Option<ClientFrame> {
        let index = self.pending.iter().position(|p| {
            p.client_id == client_id && matches!(p.state, SendState::Failed { .. })
        })?;
        self.pending[index].state = SendState::Pending;
        self.pending[index].on_wire = false;
        self.transmit(index)
    }

    /// Marks a send failed without a frame (e.g. the HTTP request that carried it failed).
    /// Returns whether such a send was pending.
    pub fn fail(&mut self, client_id: &str, code: Option<ErrorCode>, reason: String) -> bool {
        match self.pending.iter_mut().find(|p| p.client_id == client_id) {
            Some(p) if !matches!(p.state, SendState::Acked { .. }) => {
                p.state = SendState::Failed { code, reason };
                p.on_wire = false;
                true
            }
            _ => false,
        }
    }

    /// Takes back a failed send, returning its text (e.g. to put back in the composer when the
    /// conversation closed under it). Pending and acknowledged sends stay: they may be stored.
    pub fn withdraw(&mut self, client_id: &str) -> Option<String> {
        let index = self.pending.iter().position(|p| {
            p.client_id == client_id && matches!(p.state, SendState::Failed { .. })
        })?;
        Some(self.pending.remove(index).body)
    }

    /// The connection dropped: nothing sent on it counts as transmitted any more, and sends
    /// wait for the next connection's replay.
    pub fn disconnected(&mut self) {
        self.synced = false;
        for p in &mut self.pending {
            p.on_wire = false;
        }
    }

    /// Adds a message that came by HTTP (a created conversation's first message, a page of
    /// history). Returns whether it was new.
    pub fn insert(&mut self, message: Message) -> bool {
        self.pending.retain(|p| {
            p.client_id != message.client_id && p.state != SendState::Acked { seq: message.seq }
        });
        match self.messages.binary_search_by_key(&message.seq, |m| m.seq) {
            Ok(_) => false,
            Err(at) => {
                self.last_seq = self.last_seq.max(message.seq);
                self.messages.insert(at, message);
                true
            }
        }
    }

    /// Applies one frame from the conversation socket.
    pub fn apply(&mut self, frame: ServerFrame) -> Applied {
        let mut applied = Applied::default();
        match frame {
            ServerFrame::Message(message) => {
                let before = self.pending.len();
                if self.insert(message.clone()) {
                    applied.arrived.push(message);
                    applied.changed = true;
                }
                applied.changed |= self.pending.len() != before;
            }
            ServerFrame::Ack { client_id, seq, .. } => {
                if self.has(seq) {
                    // The message overtook its ack and already replaced the send.
                    self.pending.retain(|p| p.client_id != client_id);
                } else if let Some(p) = self.pending.iter_mut().find(|p| p.client_id == client_id) {
                    p.state = SendState::Acked { seq };
                    applied.changed = true;
                }
            }
            // Typing, read positions and who is present do not touch messages or sends.
            ServerFrame::Typing { .. }
            | ServerFrame::Read { .. }
            | ServerFrame::Agents { .. }
            | ServerFrame::Status { .. } => {}
            ServerFrame::Synced { .. } => {
                // `last_seq` still comes only from messages actually seen: resuming after
                // the server's figure could skip a message this view never received.
                self.synced = true;
                self.ever_synced = true;
                applied.outgoing = (0..self.pending.len())
                    .filter_map(|i| self.transmit(i))
                    .collect();
            }
            ServerFrame::Error {
                code,
                message,
                client_id,
            } => {
                let ours = client_id.is_some_and(|id| self.fail(&id, Some(code), message.clone()));
                if ours {
                    applied.changed = true;
                } else {
                    applied.refused = Some((code, message));
                }
            }
        }
        applied
    }

    /// What to draw: stored messages by `seq`, then sends in flight.
    pub fn entries(&self) -> Vec<Entry> {
        let stored = self.messages.iter().map(|m| Entry {
            key: format!("m{}", m.seq),
            seq: Some(m.seq),
            client_id: m.client_id.clone(),
            author: m.author.clone(),
            body: m.body.clone(),
            links: m.links.clone(),
            attachment: m.attachment.clone(),
            choices: m.choices.clone(),
            sent_at: Some(m.sent_at),
            delivery: Delivery::Sent,
        });
        let in_flight = self.pending.iter().map(|p| {
            let (tag, delivery) = match &p.state {
                SendState::Pending => ("p", Delivery::Pending),
                SendState::Acked { .. } => ("a", Delivery::Sent),
                SendState::Failed { reason, .. } => (
                    "f",
                    Delivery::Failed {
                        reason: reason.clone(),
                    },
                ),
            };
            Entry {
                key: format!("{tag}{}", p.client_id),
                seq: None,
                client_id: p.client_id.clone(),
                author: self.me.clone(),
                body: p.body.clone(),
                links: Vec::new(),
                attachment: p.attachment.clone(),
                choices: Vec::new(),
                sent_at: None,
                delivery,
            }
        });
        stored.chain(in_flight).collect()
    }

    fn has(&self, seq: Seq) -> bool {
        self.messages.binary_search_by_key(&seq, |m| m.seq).is_ok()
    }

    fn knows(&self, client_id: &str) -> bool {
        self.pending.iter().any(|p| p.client_id == client_id)
            || self
                .messages
                .iter()
                .any(|m| m.client_id == client_id && m.author == self.me)
    }

    /// The frame for `pending[index]` if it should go on the wire now, marking it sent.
    fn transmit(&mut self, index: usize) -> Option<ClientFrame> {
        let p = self.pending.get_mut(index)?;
        if !self.synced || p.on_wire || p.state != SendState::Pending {
            return None;
        }
        p.on_wire = true;
        Some(ClientFrame::Send(p.message()))
    }
}

#[cfg(test)]
mod tests;
