//! The INBOUND queue's consumer: each Messenger or WhatsApp event that adds to a thread is stored
//! once in its conversation's Durable Object (keyed by Meta's id, so redeliveries and retries are
//! harmless). A contact's conversation is found by (channel, Page or number, PSID or wa_id); a
//! contact whose conversation was closed starts a new one. Events for an account nobody connected
//! are kept in `meta_unrouted`, never dropped. A failed event is retried by the queue (and, after
//! its retries, kept in the dead-letter queue).
//!
//! Deliveries, reads and statuses refer to replies Porchlight sent: they move those replies'
//! delivery state on ([`crate::replies::on_report`]). Echoes of our own replies are dropped.

use domain::meta::{render, EventKind, InboundEvent};
use protocol::{Channel, ConversationStatus};
use worker::{console_error, Env, MessageBatch, MessageExt, Result};

use crate::config::App;
use crate::conversation::{Inbound, Init, MetaParty};
use crate::error::ApiResult;
use crate::participant::Participant;
use crate::routes::relay;
use crate::{replies, secrets, store};

pub async fn consume(batch: MessageBatch<String>, env: Env) -> Result<()> {
    let app = App::new(env)?;
    for message in batch.messages()? {
        let result = match serde_json::from_str::<InboundEvent>(message.body()) {
            Ok(event) => deliver(&app, &event).await,
            // Only this Worker writes to the queue, so this cannot happen short of a bug; a retry
            // would fail the same way, so the body is logged and acknowledged.
            Err(e) => {
                console_error!("unreadable inbound event ({e}): {}", message.body());
                Ok(())
            }
        };
        match result {
            Ok(()) => message.ack(),
            Err(e) => {
                console_error!("inbound event failed, will retry: {}", e.message);
                message.retry();
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
    let open = store::contact_conversation(&app.db, channel, &event.account, &event.contact)
        .await?
        .filter(|(_, status)| *status == ConversationStatus::Open);
    let conversation_id = match open {
        Some((id, _)) => id,
        None => {
            let id = secrets::new_id("c")?;
            store::insert_meta_conversation(
                &app.db,
                &store::NewMetaConversation {
                    id: &id,
                    site_id: &connection.site_id,
                    channel,
                    account_id: &event.account,
                    contact_id: &event.contact,
                    contact_name: event.contact_name.as_deref(),
                    at: store::now(),
                },
            )
            .await?;
            relay::init(
                app,
                &Init {
                    conversation_id: id.clone(),
                    site_id: connection.site_id.clone(),
                    meta: Some(MetaParty {
                        channel: event.channel,
                        account: event.account.clone(),
                        contact: event.contact.clone(),
                    }),
                },
            )
            .await?;
            id
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
    relay::inbound(
        app,
        &conversation_id,
        &Inbound {
            key,
            author,
            body,
            at: event.at,
        },
    )
    .await
}
