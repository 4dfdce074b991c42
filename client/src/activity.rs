//! What the other participants of a conversation are doing, as one participant sees it: who is
//! typing (and until when), how far each side has read, which agents have the conversation
//! open and who has just joined, who is handling it, and whether it is closed. Everything
//! here comes from the socket frames that store no message ([`ServerFrame::Typing`], `Read`,
//! `Agents`, `Status`) plus the messages themselves. Pure: frames and the clock go in, what to
//! draw and what to send come out, so every rule is tested natively.
//!
//! "X joined" is said only for an agent who arrives while this page watches: the first
//! `Agents` frame after a page load is a baseline (an agent already there did not just join,
//! and saying so on every reload would be noise), and an agent is announced once per page, so
//! a flaky connection does not repeat it. The agent still shows as the one handling the chat.

use protocol::api::ErrorCode;
use protocol::frame::{AgentRef, ServerFrame, TYPING_EXPIRES_MS};
use protocol::{Author, ConversationStatus, Message, Millis, Seq};

use crate::outbox::Entry;

/// An agent who joined while this page watched, to show as a line in the log after the
/// message with sequence `after`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Joined {
    pub after: Seq,
    pub name: String,
}

/// The other participants' activity; see the module docs.
#[derive(Clone, Debug)]
pub struct Activity {
    me: Author,
    /// Others typing, each with the time their indicator lapses.
    typing: Vec<(Author, Millis)>,
    /// Agents with the conversation open now, leaving out `me`.
    present: Vec<AgentRef>,
    /// Ids of every agent seen present on this page.
    known: Vec<String>,
    /// An `Agents` frame has arrived: the baseline is set and the replay's aftermath is over.
    settled: bool,
    joined: Vec<Joined>,
    /// The agent who last replied or joined.
    handler: Option<AgentRef>,
    my_read: Seq,
    their_read: Seq,
    closed: bool,
}

impl Activity {
    /// Nobody known to be doing anything yet, for the participant `me`.
    pub fn new(me: Author) -> Self {
        Self {
            me,
            typing: Vec::new(),
            present: Vec::new(),
            known: Vec::new(),
            settled: false,
            joined: Vec::new(),
            handler: None,
            my_read: 0,
            their_read: 0,
            closed: false,
        }
    }

    /// Applies a frame received at `now`, when the last message seen is `last_seq` (where a
    /// join is placed in the log).
    pub fn apply(&mut self, frame: &ServerFrame, now: Millis, last_seq: Seq) {
        match frame {
            ServerFrame::Message(message) => self.arrived(message),
            ServerFrame::Typing { author, active } if *author != self.me => {
                self.typing.retain(|(a, _)| a != author);
                if *active {
                    let until = now.saturating_add(Millis::from(TYPING_EXPIRES_MS));
                    self.typing.push((author.clone(), until));
                }
            }
            ServerFrame::Read { by, seq } if *by == self.me => {
                self.my_read = self.my_read.max(*seq);
            }
            ServerFrame::Read { seq, .. } => self.their_read = self.their_read.max(*seq),
            ServerFrame::Agents { present } => self.agents(present, last_seq),
            ServerFrame::Status { status } => self.closed = *status == ConversationStatus::Closed,
            // A send refused because the conversation closed tells the same as a `Status`
            // frame that may not have arrived yet.
            ServerFrame::Error { code, .. } => {
                self.closed |= *code == ErrorCode::ConversationClosed;
            }
            ServerFrame::Typing { .. } | ServerFrame::Ack { .. } | ServerFrame::Synced { .. } => {}
        }
    }

    fn arrived(&mut self, message: &Message) {
        // A message ends its author's typing, whatever the indicator's clock says.
        self.typing.retain(|(a, _)| *a != message.author);
        if let Author::Agent { id, name } = &message.author {
            if message.author != self.me {
                self.handler = Some(AgentRef {
                    id: id.clone(),
                    name: name.clone(),
                });
            }
        }
    }

    fn agents(&mut self, present: &[AgentRef], last_seq: Seq) {
        let me = match &self.me {
            Author::Agent { id, .. } => Some(id.as_str()),
            Author::Visitor | Author::Bot { .. } => None,
        };
        self.present = present
            .iter()
            .filter(|a| Some(a.id.as_str()) != me)
            .cloned()
            .collect();
        for agent in &self.present {
            if self.known.contains(&agent.id) {
                continue;
            }
            self.known.push(agent.id.clone());
            self.handler = Some(agent.clone());
            if self.settled {
                self.joined.push(Joined {
                    after: last_seq,
                    name: agent.name.clone(),
                });
            }
        }
        self.settled = true;
    }

    /// Whether the frames that follow a replay (status, read positions, who is present) have
    /// arrived, so counts drawn from them are true.
    pub fn is_settled(&self) -> bool {
        self.settled
    }

    /// Whether the conversation is closed (it takes no messages).
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// The agents with the conversation open now.
    pub fn present(&self) -> &[AgentRef] {
        &self.present
    }

    /// Agents who joined while this page watched, in order.
    pub fn joined(&self) -> &[Joined] {
        &self.joined
    }

    /// The agent who last replied or joined: the one handling the conversation.
    pub fn handler(&self) -> Option<&AgentRef> {
        self.handler.as_ref()
    }

    /// Who is typing at `now`: agents and bots by name, the visitor as `None`.
    pub fn typing(&self, now: Millis) -> Vec<Option<&str>> {
        self.typing
            .iter()
            .filter(|(_, until)| *until > now)
            .map(|(author, _)| match author {
                Author::Agent { name, .. } | Author::Bot { name, .. } => Some(name.as_str()),
                Author::Visitor => None,
            })
            .collect()
    }

    /// How far this participant has read, as the server knows it (or as last sent).
    pub fn my_read(&self) -> Seq {
        self.my_read
    }

    /// The furthest any other participant has read.
    pub fn their_read(&self) -> Seq {
        self.their_read
    }

    /// Messages from others this participant has not read.
    pub fn unread(&self, messages: &[Message]) -> u32 {
        let n = messages
            .iter()
            .filter(|m| m.author != self.me && m.seq > self.my_read)
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// The read position to send now that the participant sees the conversation: the newest
    /// message from someone else, when it is past what was read. Recorded as read at once, so
    /// it is sent once.
    pub fn read_up_to(&mut self, messages: &[Message]) -> Option<Seq> {
        let newest = messages.iter().rev().find(|m| m.author != self.me)?.seq;
        (newest > self.my_read).then(|| {
            self.my_read = newest;
            newest
        })
    }

    /// The client id of this participant's last stored message, when someone else has read
    /// that far ("Seen").
    pub fn seen<'m>(&self, messages: &'m [Message]) -> Option<&'m str> {
        let last = messages.iter().rev().find(|m| m.author == self.me)?;
        (self.their_read >= last.seq).then_some(last.client_id.as_str())
    }
}

/// One line of the log as drawn: a message (stored or in flight) or an agent's arrival.
// Unboxed on purpose: a log holds a few dozen lines, rebuilt per change, and a `Box` here adds
// allocation code to the size-budgeted widget for no memory worth saving.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    Message(Entry),
    /// The agent's name.
    Joined(String),
}

/// `entries` (as [`crate::Outbox::entries`] orders them) with each join placed after the
/// stored message it followed, and before anything still in flight.
pub fn lines(entries: Vec<Entry>, joined: &[Joined]) -> Vec<Line> {
    let mut joins = joined.iter().peekable();
    let mut lines = Vec::with_capacity(entries.len() + joined.len());
    for entry in entries {
        while let Some(join) = joins.next_if(|j| entry.seq.is_none_or(|seq| seq > j.after)) {
            lines.push(Line::Joined(join.name.clone()));
        }
        lines.push(Line::Message(entry));
    }
    lines.extend(joins.map(|j| Line::Joined(j.name.clone())));
    lines
}

#[cfg(test)]
mod tests;
