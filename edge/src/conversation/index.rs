//! What the conversation tells the rest of Porchlight about itself, durably: its row in the
//! inbox index (D1) and the inbox list (the hub), and what a close sets off.
//!
//! Nothing here runs on the sender's time, and nothing is lost when it fails. Each stored
//! message is published once the sender is answered (a new conversation's first message also
//! routes it), and the index records how far it got (`published_seq`). The alarm is set 15
//! seconds on as a backstop: if the log is then ahead of the index (a publish failed, or the
//! invocation ended first), it publishes the newest message, routing the conversation if no
//! publish ever got through, and tries again until it succeeds, so the list always converges.
//! A close is recorded here first, with its effects pending (the index, the list, the
//! transcript), and they are carried out until they all went, whether or not the agent's
//! request that asked for them is retried.

use domain::message::preview_of;
use protocol::api::ConversationSummary;
use protocol::frame::ServerFrame;
use protocol::{ConversationStatus, Message, Millis};
use worker::{console_error, Env, Result};

use super::log::Log;
use super::{Conversation, Init};
use crate::error::ApiError;
use crate::{config, store};

/// How long after a message the alarm checks that the index has it: long enough that a busy
/// conversation wakes its alarm once for many messages (each publish normally succeeds at
/// once), short enough that a lost one is mended within a quarter of a minute.
pub const BACKSTOP_MS: Millis = 15_000;
/// How long the alarm waits before trying a failed publish or close again.
pub const RETRY_MS: Millis = 5_000;

/// Gives the inbox index and list `message` (routing the conversation first if `route`: a new
/// conversation is routed by its site's rule before anyone sees it), then records it.
async fn publish(
    env: &Env,
    log: &Log,
    init: &Init,
    message: &Message,
    route: bool,
) -> std::result::Result<(), ApiError> {
    let db = env.d1(config::DB)?;
    let summary =
        store::publish_message(&db, &init.conversation_id, message, &preview_of(message)).await?;
    match summary {
        Some(summary) if route => {
            crate::inbox::route(env, &summary).await?;
        }
        Some(summary) => crate::inbox::notify(env, &summary).await?,
        None => {}
    }
    log.set_published_seq(message.seq)?;
    Ok(())
}

impl Conversation {
    /// After message `message` is stored: published once the sender is answered, with the
    /// alarm as the backstop.
    pub(super) async fn publish_later(&self, init: Init, message: Message) -> Result<()> {
        let (env, log) = (self.env.clone(), self.log.clone());
        self.state.wait_until(async move {
            let seq = message.seq;
            if let Err(e) = publish(&env, &log, &init, &message, seq == 1).await {
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
        let mut failed = false;
        if let Err(e) = self.publish(&init).await {
            console_error!(
                "the index of {} is behind: {}",
                init.conversation_id,
                e.message
            );
            failed = true;
        }
        if self.log.close_pending()? {
            if let Err(e) = self.status_effects(&init, self.log.status()?).await {
                console_error!(
                    "the close of {} is pending: {}",
                    init.conversation_id,
                    e.message
                );
                failed = true;
            }
        }
        Ok(failed.then_some(now + RETRY_MS))
    }

    /// When to look again, if messages were stored since the last publish (theirs is on its
    /// way, and this checks it got through).
    pub(super) fn still_behind(&self, now: Millis) -> Option<Millis> {
        let behind = matches!(
            (self.log.last_seq(), self.log.published_seq()),
            (Ok(last), Ok(published)) if last > published
        );
        behind.then_some(now + BACKSTOP_MS)
    }

    /// Brings the inbox index and list up to the newest message, if they are behind; routes
    /// the conversation if no publish ever got through.
    async fn publish(&self, init: &Init) -> std::result::Result<(), ApiError> {
        let (last, published) = (self.log.last_seq()?, self.log.published_seq()?);
        if last <= published {
            return Ok(());
        }
        let Some(message) = self.log.after(last - 1, 1)?.into_iter().next() else {
            return Ok(());
        };
        publish(&self.env, &self.log, init, &message, published == 0).await
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
            }
        }
        let done = self.status_effects(&init, status).await;
        if done.is_err() {
            self.wake_by(store::now() + RETRY_MS).await?;
        }
        done
    }

    /// The index row and the list for `status`; then, if a close is pending and the
    /// conversation is still closed, its transcript. The close stops being pending once all
    /// of this went.
    async fn status_effects(
        &self,
        init: &Init,
        status: ConversationStatus,
    ) -> std::result::Result<ConversationSummary, ApiError> {
        let db = self.env.d1(config::DB)?;
        let summary = store::set_conversation_status(&db, &init.conversation_id, status)
            .await?
            .ok_or_else(ApiError::unknown_conversation)?;
        crate::inbox::notify(&self.env, &summary).await?;
        if self.log.close_pending()? {
            if status == ConversationStatus::Closed {
                let app = config::App::new(self.env.clone())?;
                let messages = || {
                    self.log.after(0, usize::MAX).unwrap_or_else(|e| {
                        console_error!("the log could not be read for a transcript: {e}");
                        Vec::new()
                    })
                };
                crate::mail::on_close(&app, &init.conversation_id, messages).await;
            }
            self.log.set_close_pending(false)?;
        }
        Ok(summary)
    }
}
