//! What the thread shows besides its messages, as signals fed by the socket's frames: the
//! conversation's status, the other agents viewing it, whether the visitor is typing, and how
//! far the visitor has read.

use std::time::Duration;

use leptos::prelude::*;
use protocol::frame::{AgentRef, ToAgent, TYPING_EXPIRES_MS};
use protocol::{Author, ConversationStatus, Message, Seq};

/// The thread's live state; `Copy`, so every part of the view can hold it.
#[derive(Clone, Copy)]
pub struct Live {
    /// `None` until the server or the list has said.
    pub status: RwSignal<Option<ConversationStatus>>,
    /// The agents with the thread open, this agent left out.
    pub viewers: RwSignal<Vec<AgentRef>>,
    pub visitor_typing: RwSignal<bool>,
    /// The visitor's read position.
    pub visitor_read: RwSignal<Seq>,
    /// The newest message when the socket last finished its replay (so up to date from then).
    pub synced: RwSignal<Option<Seq>>,
    /// A website chat's visitor: whether they have the chat open, and how replies reach them;
    /// `None` on other channels and until the server says.
    pub reach: RwSignal<Option<(bool, protocol::api::ReplyChannel)>>,
    me: StoredValue<String>,
    typing_expiry: StoredValue<Option<TimeoutHandle>>,
}

impl Live {
    /// Empty state for agent `me`, starting from the status the list knows. The typing timer is
    /// cleared when the owning view goes.
    pub fn new(me: String, status: Option<ConversationStatus>) -> Self {
        let typing_expiry = StoredValue::new(None::<TimeoutHandle>);
        on_cleanup(move || {
            if let Some(timer) = typing_expiry.try_get_value().flatten() {
                timer.clear();
            }
        });
        Self {
            status: RwSignal::new(status),
            viewers: RwSignal::new(Vec::new()),
            visitor_typing: RwSignal::new(false),
            visitor_read: RwSignal::new(0),
            synced: RwSignal::new(None),
            reach: RwSignal::new(None),
            me: StoredValue::new(me),
            typing_expiry,
        }
    }

    /// Whether the conversation is closed (tracked, for the view).
    pub fn is_closed(&self) -> bool {
        self.status.get() == Some(ConversationStatus::Closed)
    }

    /// Applies a frame about the conversation (messages are the outbox's; notes, deliveries and
    /// the visitor's reach the thread's).
    pub fn apply(&self, frame: &ToAgent) {
        match frame {
            ToAgent::Synced { last_seq } => {
                self.synced.try_set(Some(*last_seq));
            }
            ToAgent::Status { status } => {
                self.status.try_set(Some(*status));
            }
            ToAgent::Typing {
                author: Author::Visitor,
                active,
            } => self.visitor_typing(*active),
            ToAgent::Read {
                by: Author::Visitor,
                seq,
            } => {
                // Positions only move forward; a replayed one may be older than a live one.
                self.visitor_read
                    .try_update(|read| *read = (*read).max(*seq));
            }
            ToAgent::Agents { present } => {
                let me = self.me.get_value();
                let others = present.iter().filter(|a| a.id != me).cloned().collect();
                self.viewers.try_set(others);
            }
            // Other agents' typing and read positions are not shown yet; messages, acks and
            // errors belong to the outbox.
            ToAgent::Typing { .. }
            | ToAgent::Read { .. }
            | ToAgent::Message(_)
            | ToAgent::Ack { .. }
            | ToAgent::Error { .. }
            | ToAgent::Note(_)
            | ToAgent::Delivery(_)
            | ToAgent::Reach { .. }
            | ToAgent::VisitorChanged {} => {}
        }
    }

    /// A message from the visitor ends their typing: it is what they were typing.
    pub fn arrived(&self, messages: &[Message]) {
        if messages.iter().any(|m| m.author == Author::Visitor) {
            self.visitor_typing(false);
        }
    }

    /// Shows or hides the indicator; shown, it hides by itself unless refreshed in time, since
    /// a visitor who closes the tab never says they stopped.
    fn visitor_typing(&self, active: bool) {
        if let Some(timer) = self.typing_expiry.try_update_value(Option::take).flatten() {
            timer.clear();
        }
        self.visitor_typing.try_set(active);
        if active {
            let shown = self.visitor_typing;
            let timer = set_timeout_with_handle(
                move || {
                    shown.try_set(false);
                },
                Duration::from_millis(TYPING_EXPIRES_MS.into()),
            )
            .ok();
            self.typing_expiry.try_set_value(timer);
        }
    }
}
