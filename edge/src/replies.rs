//! Replies out on Messenger and WhatsApp.
//!
//! 1. The conversation's Durable Object accepts an agent's reply only inside Meta's window
//!    (`protocol::reply`), turns it into its Send API requests (`domain::meta::send`) and keeps
//!    them in its outbox in the same write as the message; its alarm calls [`hand_off`].
//! 2. [`hand_off`] records the reply in D1 (`meta_sends`, once per conversation and sequence)
//!    and puts its id on the REPLIES queue.
//! 3. [`consume`] runs the REPLIES queue through the job runner ([`crate::jobs`], kind
//!    [`Replies`]): the reply is leased for one attempt and its remaining parts posted in order
//!    to `{GRAPH_API_BASE}/{page or number id}/messages` through [`crate::graph`]. Rate limits,
//!    Meta's temporary errors, 5xx and no answer are retried with growing delays, at most
//!    [`MAX_ATTEMPTS`] times; a permanent refusal fails the reply with a reason for people, and
//!    an invalid token (190) also flags the connection for an admin.
//! 4. [`on_report`] moves replies on from Meta's statuses (WhatsApp), deliveries and reads
//!    (Messenger), forward only.
//!
//! Every change is told to the agents with the thread open (`AgentFrame::Delivery`).

use domain::meta::send::failure_reason;
use domain::meta::{DeliveryStatus, EventKind, InboundEvent, MetaChannel};
use protocol::reply::{Delivery, DeliveryState};
use protocol::{Channel, Seq};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use worker::{console_error, MessageBatch, Queue, Result};

use crate::config::App;
use crate::contracts::conversation::{Call, ConversationStub};
use crate::error::ApiResult;
use crate::graph::{Graph, GraphError};
use crate::jobs::{self, Outcome, Take};
use crate::store::replies::{Lease, Leased};
use crate::store::{self, replies as sends};

/// Attempts at one reply before it is failed.
pub const MAX_ATTEMPTS: i64 = 8;

/// How much later than Meta's watermark our record of a send may be and still be covered by it
/// (our time is when Meta's answer reached us).
const WATERMARK_SLACK_MS: i64 = 3_000;

/// What the REPLIES queue carries: which recorded reply to send.
#[derive(Serialize, Deserialize)]
pub struct Job {
    send: String,
}

/// Records a reply the conversation accepted and queues it. Idempotent: the alarm may call it
/// again for the same reply after a failure.
pub async fn hand_off(app: &App, conversation_id: &str, seq: Seq, requests: &str) -> ApiResult<()> {
    let parts = serde_json::from_str::<Vec<Value>>(requests)?.len();
    let id = format!("{conversation_id}:{seq}");
    sends::insert_send(&app.db, &id, conversation_id, seq, requests, parts).await?;
    jobs::enqueue::<Replies>(app, id).await
}

/// Takes up replies stuck unsent with no attempt on the way (see [`jobs::sweep`]). How many
/// were queued again, and how many failed.
pub async fn sweep(app: &App, now: protocol::Millis) -> ApiResult<(usize, usize)> {
    jobs::sweep::<Replies>(app, now).await
}

/// The REPLIES queue's consumer.
pub async fn consume(batch: MessageBatch<String>, app: &App) -> Result<()> {
    jobs::consume::<Replies>(batch, app).await
}

/// Replies as outbound jobs: `meta_sends`, leased one attempt at a time, and the REPLIES queue.
/// Every change of a reply's state is told to the thread.
pub struct Replies;

impl jobs::Kind for Replies {
    const NAME: &'static str = "reply";
    const MAX_ATTEMPTS: i64 = MAX_ATTEMPTS;
    type Message = Job;
    type Taken = Leased;
    type Overdue = sends::Overdue;

    fn queue(app: &App) -> Result<Queue> {
        app.replies()
    }

    fn message(id: String) -> Job {
        Job { send: id }
    }

    fn id(message: &Job) -> &str {
        &message.send
    }

    async fn take(app: &App, id: &str) -> ApiResult<Take<Leased>> {
        Ok(match sends::lease(&app.db, id).await? {
            Lease::Taken(reply) => Take::Taken(reply),
            Lease::Held { until } => Take::Held { until },
            Lease::Done => Take::Done,
        })
    }

    fn attempts(reply: &Leased) -> i64 {
        reply.attempts
    }

    async fn attempt(app: &App, id: &str, reply: &Leased) -> ApiResult<Outcome> {
        attempt(app, id, reply).await
    }

    async fn release(app: &App, id: &str, reply: &Leased, reason: &str) -> ApiResult<()> {
        let delivery = sends::release(&app.db, id, reason).await?;
        tell(app, &reply.conversation_id, delivery).await;
        Ok(())
    }

    async fn give_up(app: &App, id: &str, reply: &Leased, reason: &str) -> ApiResult<()> {
        let delivery = sends::fail(&app.db, id, reason).await?;
        tell(app, &reply.conversation_id, delivery).await;
        Ok(())
    }

    async fn overdue(
        app: &App,
        before: protocol::Millis,
        limit: u32,
    ) -> ApiResult<Vec<sends::Overdue>> {
        Ok(sends::overdue(&app.db, before, limit).await?)
    }

    async fn touch(app: &App, id: &str) -> ApiResult<()> {
        Ok(sends::touch(&app.db, id).await?)
    }

    async fn fail_overdue(app: &App, reply: &sends::Overdue, reason: &str) -> ApiResult<()> {
        let delivery = sends::fail(&app.db, &reply.id, reason).await?;
        tell(app, &reply.conversation_id, delivery).await;
        Ok(())
    }
}

impl jobs::Overdue for sends::Overdue {
    fn id(&self) -> &str {
        &self.id
    }

    fn attempts(&self) -> i64 {
        self.attempts
    }
}

/// One attempt at a leased reply: its remaining parts posted in order, each recorded as Meta
/// takes it; all sent is the end of it.
async fn attempt(app: &App, id: &str, reply: &Leased) -> ApiResult<Outcome> {
    let channel = match reply.channel {
        Channel::Messenger => MetaChannel::Messenger,
        Channel::WhatsApp => MetaChannel::WhatsApp,
        Channel::Chat => return Ok(Outcome::Done),
    };
    let (Some(connection_id), Some(account)) = (&reply.connection_id, &reply.account_id) else {
        return Ok(Outcome::GiveUp(format!(
            "The {} account is no longer connected: an admin must connect it again.",
            channel.name()
        )));
    };
    let graph = match (&reply.token_sealed, reply.token_state) {
        (_, Some(protocol::api::TokenState::Expired)) => None,
        (Some(sealed), _) => Graph::connect(app, connection_id, sealed),
        (None, _) => None,
    };
    let Some(graph) = graph else {
        let name = reply.connection_name.as_deref().unwrap_or("the connection");
        return Ok(Outcome::GiveUp(format!(
            "Meta no longer accepts the access token of {name}: an admin must reconnect it."
        )));
    };
    let requests: Vec<Value> = serde_json::from_str(&reply.requests)?;
    let path = format!("{account}/messages");
    for (index, body) in requests
        .iter()
        .enumerate()
        .skip(reply.parts_sent.max(0) as usize)
    {
        match graph.post(&path, body).await.sent(channel) {
            Ok(external_id) => {
                sends::part_sent(&app.db, id, index as i64, &external_id).await?;
            }
            Err(e) if e.retryable() => return Ok(Outcome::Retry(e.into_reason())),
            Err(e) => {
                if matches!(e, GraphError::TokenInvalid(_)) {
                    sends::flag_token_expired(&app.db, connection_id).await?;
                }
                return Ok(Outcome::GiveUp(e.into_reason()));
            }
        }
    }
    let conversation = reply.conversation_id.as_str();
    tell(app, conversation, sends::finish_sent(&app.db, id).await?).await;
    Ok(Outcome::Done)
}

/// Tells the agents with the thread open that a reply moved on. Best effort: the state is in
/// D1 already, and an inbox that missed this reads it when it opens the thread.
async fn tell(app: &App, conversation_id: &str, delivery: Option<Delivery>) {
    let Some(delivery) = delivery else {
        return;
    };
    let told = match ConversationStub::of(&app.conversations, conversation_id) {
        Ok(conversation) => conversation.tell(&Call::Delivery(delivery)).await,
        Err(e) => Err(e),
    };
    if let Err(e) = told {
        console_error!("delivery of {conversation_id} not told: {}", e.message);
    }
}

/// Whether an echo is of our own reply: Meta names our app, or we recorded its id.
pub async fn is_ours(app: &App, external_id: &str, app_id: Option<&str>) -> ApiResult<bool> {
    if let (Some(ours), Some(theirs)) = (app.meta_app_id(), app_id) {
        if ours == theirs {
            return Ok(true);
        }
    }
    Ok(sends::is_sent_by_us(&app.db, external_id).await?)
}

/// A status (WhatsApp), delivery or read (Messenger) about replies we sent.
pub async fn on_report(app: &App, event: &InboundEvent) -> ApiResult<()> {
    match &event.kind {
        EventKind::Status {
            external_id,
            status,
        } => {
            let (next, error) = match status {
                DeliveryStatus::Sent => (DeliveryState::Sent, None),
                DeliveryStatus::Delivered => (DeliveryState::Delivered, None),
                DeliveryStatus::Read => (DeliveryState::Read, None),
                DeliveryStatus::Failed {
                    code,
                    title,
                    detail,
                } => (
                    DeliveryState::Failed,
                    Some(failure_reason(*code, title, detail.as_deref())),
                ),
            };
            if let Some((conversation, delivery)) =
                sends::advance(&app.db, external_id, next, error.as_deref()).await?
            {
                tell(app, &conversation, Some(delivery)).await;
            }
        }
        EventKind::Delivered {
            external_ids,
            watermark,
        } => {
            for external_id in external_ids {
                if let Some((conversation, delivery)) =
                    sends::advance(&app.db, external_id, DeliveryState::Delivered, None).await?
                {
                    tell(app, &conversation, Some(delivery)).await;
                }
            }
            if let Some(watermark) = watermark {
                by_watermark(app, event, *watermark, DeliveryState::Delivered).await?;
            }
        }
        EventKind::Read {
            watermark: Some(watermark),
            ..
        } => {
            by_watermark(app, event, *watermark, DeliveryState::Read).await?;
        }
        _ => {}
    }
    Ok(())
}

async fn by_watermark(
    app: &App,
    event: &InboundEvent,
    watermark: i64,
    next: DeliveryState,
) -> ApiResult<()> {
    let Some((conversation, _)) = store::contact_conversation(
        &app.db,
        event.channel.into(),
        &event.account,
        &event.contact,
    )
    .await?
    else {
        return Ok(());
    };
    let moved =
        sends::advance_to_watermark(&app.db, &conversation, watermark, WATERMARK_SLACK_MS, next)
            .await?;
    for delivery in moved {
        tell(app, &conversation, Some(delivery)).await;
    }
    Ok(())
}
