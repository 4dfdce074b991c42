//! The INBOUND queue's consumer: each Messenger or WhatsApp event that adds to a thread is stored
//! once in its conversation's Durable Object (keyed by Meta's id, so redeliveries and retries are
//! harmless). A contact's conversation is found by (channel, Page or number, PSID or wa_id); a
//! contact whose conversation was closed starts a new one. Events for an account nobody connected
//! are kept in `meta_unrouted`, never dropped. A failed event is retried by the queue (and, after
//! its retries, kept in the dead-letter queue).
//!
//! Deliveries, reads and statuses refer to replies Porchlight sent: they move those replies'
//! delivery state on ([`crate::replies::on_report`]). Echoes of our own replies are dropped.
//!
//! The connection's flow (`domain::meta::flow`) applies first: with explicit consent on
//! Messenger, a person's messages are held (in `meta_held`, never dropped) and the consent text
//! with an "I agree" quick reply goes to them once; when they agree, the held messages are
//! taken in, in their own order, then the agreement itself. A new conversation's first message
//! is followed by the flow's instant reply, if it has one.

use domain::meta::flow::{self, Step};
use domain::meta::{render, EventKind, InboundEvent, MetaChannel};
use protocol::api::{ChannelFlow, SendMessage};
use protocol::settings::ConsentMode;
use protocol::{Channel, ConversationStatus};
use worker::{console_warn, MessageBatch, MessageExt, Result};

use crate::config::App;
use crate::contracts::conversation::{Call, ConversationStub, Inbound, Init, MetaParty};
use crate::error::ApiResult;
use crate::graph::Graph;
use crate::participant::Participant;
use crate::store::flow::Person;
use crate::store::ConnectionRow;
use crate::{queues, replies, secrets, store};

pub async fn consume(batch: MessageBatch<String>, app: &App) -> Result<()> {
    let queue = batch.queue();
    for message in batch.messages()? {
        let Some(event) = queues::read::<InboundEvent>(app, &queue, &message).await else {
            continue;
        };
        match deliver(app, &event).await {
            Ok(()) => message.ack(),
            Err(e) => {
                let reason = format!("inbound event: {}", e.message);
                queues::retry_later(app, &queue, &message, message.body(), &reason).await;
            }
        }
    }
    Ok(())
}

async fn deliver(app: &App, event: &InboundEvent) -> ApiResult<()> {
    match &event.kind {
        EventKind::Status { .. } | EventKind::Delivered { .. } | EventKind::Read { .. } => {
            return replies::on_report(app, event).await;
        }
        // Our own reply coming back: already in the thread.
        EventKind::Echo {
            external_id,
            app_id,
            ..
        } if replies::is_ours(app, external_id, app_id.as_deref()).await? => return Ok(()),
        _ => {}
    }
    let Some(body) = render::as_text(&event.kind) else {
        return Ok(());
    };
    let channel: Channel = event.channel.into();
    let key = event.dedupe_key().map_or_else(
        // Messenger reactions carry no id of their own; who, what and when identify them.
        || format!("{}:{}:{}", event.kind.name(), event.contact, event.at),
        |k| k.into_owned(),
    );
    let Some(connection) = store::connection_for(&app.db, channel, &event.account).await? else {
        let raw = serde_json::to_string(event)?;
        store::insert_unrouted(&app.db, &key, channel, &event.account, &raw).await?;
        return Ok(());
    };
    let flow = connection.flow();
    let person = Person {
        channel,
        account: &event.account,
        contact: &event.contact,
    };
    let consent = if flow.consent == ConsentMode::Explicit {
        store::consent::person(&app.db, &person).await?
    } else {
        store::consent::PersonConsent::default()
    };
    let step = flow::decide(
        &flow,
        event.channel,
        &event.kind,
        consent.consented_at.is_some(),
        consent.asked_at.is_some(),
    );
    match step {
        Step::Hold { ask } => {
            store::flow::hold(&app.db, &key, event, store::now()).await?;
            if ask && !event.standby && ask_consent(app, &connection, &event.contact, &flow).await?
            {
                store::consent::asked(&app.db, &person, store::now()).await?;
            }
            return Ok(());
        }
        Step::Agree => {
            store::consent::agreed(&app.db, &person, event.at, &flow.consent_text).await?;
        }
        Step::Take => {}
    }
    // Held messages (once the person agreed) go first, in their own order; the instant reply,
    // if due, goes after everything the person sent.
    let mut created = false;
    if step == Step::Agree {
        for (held_key, held) in store::flow::held(&app.db, &person).await? {
            if let Some(held_body) = render::as_text(&held.kind) {
                created |= take(app, &held, &connection, held_key.clone(), held_body).await?;
            }
            store::flow::release(&app.db, &held_key).await?;
        }
    }
    created |= take(app, event, &connection, key, body).await?;
    if created && flow::answers_with_instant_reply(&flow, &event.kind, event.standby) {
        instant_reply(app, &connection, event, &flow).await?;
    }
    Ok(())
}

/// Sends the consent text with its "I agree" quick reply; whether it went. A temporary
/// failure is an error (the queue retries the event, whose holding is idempotent); a refusal
/// is logged, and the next message asks again.
async fn ask_consent(
    app: &App,
    connection: &ConnectionRow,
    contact: &str,
    flow: &ChannelFlow,
) -> ApiResult<bool> {
    let Some(graph) = Graph::connect(app, &connection.id, &connection.token_sealed) else {
        console_warn!(
            "consent not asked: the token of {} cannot be opened",
            connection.id
        );
        return Ok(false);
    };
    let path = format!("{}/messages", connection.account_id);
    let body = flow::consent_request(contact, flow);
    match graph.post(&path, &body).await.sent(MetaChannel::Messenger) {
        Ok(_) => Ok(true),
        Err(e) if e.retryable() => Err(crate::error::ApiError::new(
            protocol::api::ErrorCode::MetaUnavailable,
            e.into_reason(),
        )),
        Err(e) => {
            console_warn!("consent request refused by Meta: {}", e.into_reason());
            Ok(false)
        }
    }
}

/// Takes an event into its person's conversation (a new one if they have none open); whether
/// it opened a new one.
///
/// One person has at most one open conversation (a unique index in D1): when two consumers
/// take first events of a new person at once, one creates it and the other joins it. An event
/// taken before (`meta_events_taken`) is never taken again, even after its conversation
/// closed: a redelivery opens nothing and answers nothing. Every delivery carries the
/// conversation's identity, so an object whose init was lost is mended by the next event.
async fn take(
    app: &App,
    event: &InboundEvent,
    connection: &ConnectionRow,
    key: String,
    body: String,
) -> ApiResult<bool> {
    let channel: Channel = event.channel.into();
    let open = store::contact_conversation(&app.db, channel, &event.account, &event.contact)
        .await?
        .filter(|(_, status)| *status == ConversationStatus::Open);
    let mut created = false;
    let conversation_id = match open {
        Some((id, _)) => id,
        None => {
            if store::idempotency::event_taken(&app.db, &key)
                .await?
                .is_some()
            {
                // Taken into a conversation that has closed since: a redelivery.
                return Ok(false);
            }
            let id = secrets::new_id("c")?;
            let new_contact = secrets::new_id("ct")?;
            let new = store::NewMetaConversation {
                id: &id,
                new_contact: &new_contact,
                site_id: &connection.site_id,
                channel,
                account_id: &event.account,
                contact_id: &event.contact,
                contact_name: event.contact_name.as_deref(),
                at: store::now(),
            };
            if store::insert_meta_conversation(&app.db, &new).await? {
                created = true;
                // A new WhatsApp sender: their number, which WhatsApp verified, may be the one
                // the team has for a contact already.
                if channel == Channel::WhatsApp
                    && store::merges::snapshot(&app.db, &new_contact)
                        .await?
                        .is_some()
                {
                    let phone = format!("+{}", event.contact);
                    crate::merging::after_verified_phone(app, &new_contact, &phone).await?;
                }
                id
            } else {
                // Another consumer opened the person's conversation a moment ago.
                store::open_contact_conversation(&app.db, channel, &event.account, &event.contact)
                    .await?
                    .ok_or_else(|| {
                        crate::error::ApiError::new(
                            protocol::api::ErrorCode::Internal,
                            "the person's open conversation vanished; will retry",
                        )
                    })?
            }
        }
    };
    let author = match event.kind {
        // A message the Page sent from another tool (Meta Business Suite, another app).
        EventKind::Echo { .. } => Participant::Agent {
            id: format!("page:{}", event.account),
            name: connection.name.clone(),
        },
        _ => Participant::Visitor {
            visitor_id: format!("{}:{}", event.account, event.contact),
        },
    };
    let init = Init {
        conversation_id: conversation_id.clone(),
        site_id: connection.site_id.clone(),
        meta: Some(MetaParty {
            channel: event.channel,
            account: event.account.clone(),
            contact: event.contact.clone(),
        }),
        bot: None,
    };
    let inbound = Inbound {
        key: key.clone(),
        author,
        body,
        at: event.at,
        reopen: false,
        attachment: None,
        init: Some(init),
    };
    ConversationStub::of(&app.conversations, &conversation_id)?
        .tell(&Call::Inbound(inbound))
        .await?;
    store::idempotency::take_event(&app.db, &key, &conversation_id).await?;
    Ok(created)
}

/// The flow's instant reply in the person's new conversation: stored once (its client id is
/// the conversation's) and sent like an agent's reply, as the channel's automated sender. One
/// the window refuses is logged, not retried.
async fn instant_reply(
    app: &App,
    connection: &ConnectionRow,
    event: &InboundEvent,
    flow: &ChannelFlow,
) -> ApiResult<()> {
    let channel: Channel = event.channel.into();
    let Some((conversation_id, _)) =
        store::contact_conversation(&app.db, channel, &event.account, &event.contact).await?
    else {
        return Ok(());
    };
    let conversation_id = conversation_id.as_str();
    let send = SendMessage {
        client_id: format!("instant-{conversation_id}"),
        body: flow.instant_reply.clone(),
        attachment: None,
    };
    let who = Participant::automated(&connection.name);
    let answer = ConversationStub::of(&app.conversations, conversation_id)?
        .call(&Call::Send {
            who,
            origin: None,
            send,
        })
        .await?;
    let status = answer.status_code();
    if !(200..300).contains(&status) {
        console_warn!("instant reply in {conversation_id} not sent ({status})");
    }
    Ok(())
}
