//! What a conversation sets off in the rest of Porchlight, as values ([`Effect`]), and the one
//! place that carries them out ([`Effects::run`]). The object's logic decides which effects a
//! change needs (`super::rules`); nothing else in the object calls another subsystem.
//!
//! Every effect may be carried out again after a failure, and the object retries each until
//! it went (by its alarm): publishing records how far the index got, a hand-off is keyed by
//! the reply's sequence number, and a close stays pending in the log until all of it went, so
//! a retry sends no second transcript.

use domain::message::preview_of;
use protocol::api::ConversationSummary;
use protocol::{ConversationStatus, Message, Seq};
use worker::{console_error, Env};

use super::log::Log;
use crate::config::{self, App};
use crate::contracts::conversation::Init;
use crate::contracts::hub::HubStub;
use crate::error::{ApiError, ApiResult};
use crate::{mail, replies, store};

/// Something a change in the conversation sets off outside it.
#[derive(Clone, Debug)]
pub enum Effect {
    /// Gives the inbox index and list `message` (routing the conversation first if `route`: a
    /// new conversation is routed by its rule before anyone sees it), then records that the
    /// index has it.
    Publish { message: Message, route: bool },
    /// Hands reply `seq`'s Send API requests (a JSON array) to the REPLIES queue, then marks
    /// it handed off.
    HandOff { seq: Seq, requests: String },
    /// E-mails agent `agent`'s reply `seq` to the visitor (the chat replies by e-mail);
    /// `origin` is where the reply's file is linked from.
    EmailReply {
        seq: Seq,
        agent: String,
        origin: Option<String>,
    },
    /// Records `status` in the index and tells the list; then, if a close is pending and the
    /// conversation is still closed, sends its transcript, and ends the pending close.
    Status(ConversationStatus),
}

/// Carries out a conversation's effects. A clone is another handle on the same conversation,
/// for work that outlives a request.
#[derive(Clone)]
pub struct Effects {
    env: Env,
    log: Log,
    init: Init,
}

impl Effects {
    pub fn new(env: Env, log: Log, init: Init) -> Self {
        Self { env, log, init }
    }

    fn app(&self) -> ApiResult<App> {
        Ok(App::new(self.env.clone())?)
    }

    fn hub(&self) -> ApiResult<HubStub> {
        HubStub::of(&self.env.durable_object(config::HUB)?)
    }

    /// Carries `effect` out; for [`Effect::Status`], the inbox row as it now is.
    pub async fn run(&self, effect: Effect) -> ApiResult<Option<ConversationSummary>> {
        let id = &self.init.conversation_id;
        match effect {
            Effect::Publish { message, route } => {
                let db = self.env.d1(config::DB)?;
                let preview = preview_of(&message);
                let summary = store::publish_message(&db, id, &message, &preview).await?;
                match summary {
                    Some(summary) if route => {
                        self.hub()?.route(&summary).await?;
                    }
                    Some(summary) => self.hub()?.notify(&summary).await?,
                    None => {}
                }
                self.log.set_published_seq(message.seq)?;
                Ok(None)
            }
            Effect::HandOff { seq, requests } => {
                replies::hand_off(&self.app()?, id, seq, &requests).await?;
                self.log.handed_off(seq)?;
                Ok(None)
            }
            Effect::EmailReply { seq, agent, origin } => {
                mail::queue_reply(&self.app()?, id, seq, &agent, origin.as_deref()).await?;
                Ok(None)
            }
            Effect::Status(status) => self.status(status).await.map(Some),
        }
    }

    /// See [`Effect::Status`].
    async fn status(&self, status: ConversationStatus) -> ApiResult<ConversationSummary> {
        let id = &self.init.conversation_id;
        let db = self.env.d1(config::DB)?;
        let summary = store::set_conversation_status(&db, id, status)
            .await?
            .ok_or_else(ApiError::unknown_conversation)?;
        self.hub()?.notify(&summary).await?;
        if self.log.close_pending()? {
            if status == ConversationStatus::Closed {
                let messages = || {
                    self.log.after(0, usize::MAX).unwrap_or_else(|e| {
                        console_error!("the log could not be read for a transcript: {e}");
                        Vec::new()
                    })
                };
                mail::on_close(&self.app()?, id, messages).await;
            }
            self.log.set_close_pending(false)?;
        }
        Ok(summary)
    }
}
