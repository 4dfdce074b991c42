//! What the conversation tells the rest of Porchlight about itself, durably: its row in the
//! inbox index (D1) and the inbox list (the hub), and what a close sets off.
//!
//! Nothing here runs on the sender's time, and nothing is lost when it fails. Each stored
//! message is published once the sender is answered (a new conversation's first message also
//! routes it), and the index records how far it got (`published_seq`). The alarm is set
//! [`BACKSTOP_MS`] on as a backstop: if the log is then ahead of the index (a publish failed,
//! or the invocation ended first), it publishes the newest message, routing the conversation if
//! no publish ever got through, and tries again until it succeeds, so the list always
//! converges. A close is recorded here first, with its effects pending (the index, the list,
//! the transcript), and they are carried out until they all went, whether or not the agent's
//! request that asked for them is retried.

use protocol::api::ConversationSummary;
use protocol::frame::ServerFrame;
use protocol::{ConversationStatus, Message, Millis};
use worker::{console_error, Result};

use super::effects::{Effect, Effects};
use super::rules::{self, BACKSTOP_MS, RETRY_MS};
use super::Conversation;
use crate::contracts::conversation::Init;
use crate::error::ApiError;
use crate::store;

impl Conversation {
    /// The effects of this conversation, as `init` names it.
    pub(super) fn effects(&self, init: Init) -> Effects {
        Effects::new(self.env.clone(), self.log.clone(), init)
    }

    /// After message `message` is stored: published once the sender is answered, with the
    /// alarm as the backstop.
    pub(super) async fn publish_later(&self, init: Init, message: Message) -> Result<()> {
        let effects = self.effects(init);
        // A bot's conversation is routed when the bot hands it over, not by its first message.
        let route = message.seq == 1 && !self.log.has_bot()?;
        self.state.wait_until(async move {
            let seq = message.seq;
            let publish = Effect::Publish { route, message };
            if let Err(e) = effects.run(publish).await {
                console_error!(
                    "publishing message {seq} failed, the alarm will: {}",
                    e.message
                );
            }
        });
        self.wake_by(store::now() + BACKSTOP_MS).await
    }

    /// Run by the alarm: publishes the newest message if the index is behind, and carries out
    /// a pending close; when to look again if something failed.
    pub(super) async fn catch_up(&self, now: Millis) -> Result<Option<Millis>> {
        let Some(init) = self.log.identity()? else {
            return Ok(None);
        };
        let id = init.conversation_id.clone();
        let effects = self.effects(init);
        let mut failed = false;
        if let Err(e) = self.publish_newest(&effects).await {
            console_error!("the index of {id} is behind: {}", e.message);
            failed = true;
        }
        if self.log.close_pending()? {
            let status = Effect::Status(self.log.status()?);
            if let Err(e) = effects.run(status).await {
                console_error!("the close of {id} is pending: {}", e.message);
                failed = true;
            }
        }
        Ok(failed.then_some(now + RETRY_MS))
    }

    /// When to look again, if messages were stored since the last publish.
    pub(super) fn still_behind(&self, now: Millis) -> Option<Millis> {
        match (self.log.last_seq(), self.log.published_seq()) {
            (Ok(last), Ok(published)) => rules::index_check(last, published, now),
            _ => None,
        }
    }

    /// Brings the inbox index and list up to the newest message, if they are behind; routes
    /// the conversation if no publish ever got through.
    pub(super) async fn publish_newest(
        &self,
        effects: &Effects,
    ) -> std::result::Result<(), ApiError> {
        let (last, published) = (self.log.last_seq()?, self.log.published_seq()?);
        if last <= published {
            return Ok(());
        }
        let Some(message) = self.log.after(last - 1, 1)?.into_iter().next() else {
            return Ok(());
        };
        let route = published == 0 && !self.log.has_bot()?;
        effects.run(Effect::Publish { message, route }).await?;
        Ok(())
    }

    /// Closes or reopens the conversation: stored here first (so no message slips in after a
    /// close) and told to every participant; then the index, the list and, for a close, the
    /// transcript (pending until done: a failure is retried by the alarm, and by a retry of
    /// the request, without a second transcript).
    pub(super) async fn change_status(
        &self,
        status: ConversationStatus,
    ) -> std::result::Result<ConversationSummary, ApiError> {
        let Some(init) = self.log.identity()? else {
            return Err(ApiError::unknown_conversation());
        };
        if self.log.set_status(status)? {
            self.broadcast(&ServerFrame::Status { status });
            if status == ConversationStatus::Closed {
                self.log.set_close_pending(true)?;
                // A closed conversation takes no more messages, a bot's included (a session
                // left waiting ends by its timeout, as abandoned).
                self.log.silence_bot_in_closed()?;
            }
        }
        let done = self.effects(init).run(Effect::Status(status)).await;
        if done.is_err() {
            self.wake_by(store::now() + RETRY_MS).await?;
        }
        done?.ok_or_else(ApiError::unknown_conversation)
    }
}
