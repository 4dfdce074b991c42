//! The Porchlight Worker: serves the widget and agent APIs, the widget frame and inbox pages, and
//! hosts one Durable Object per conversation and one per inbox.
//!
//! # Layout
//! - [`routes`]: the one `match` from method and path to a handler, then a module per route group
//!   (site, widget, agent, admin, setup, pages, and Meta's webhooks).
//! - [`alarms`]: a Durable Object's one alarm, shared by what it must do later.
//! - [`config`]: binding names and the typed [`config::App`] built once per request.
//! - [`edge_cache`]: the Cache API in front of the public config's inputs, deleted on change.
//! - [`error`]: the one API error type and its mapping to HTTP.
//! - [`floods`]: flood limits on the visitor side (rate limiting bindings).
//! - [`housekeeping`]: the cron trigger's work (deleting uploads never sent).
//! - [`http`]: reading bounded JSON bodies, writing JSON, cookies, origins.
//! - [`store`]: every D1 query (the inbox index, sites, visitors, agents, sessions).
//! - [`conversation`]: the conversation Durable Object (message log, sockets, fan-out).
//! - [`inbound`]: the queue consumer storing Messenger and WhatsApp events in conversations.
//! - [`mail`]: e-mail from conversations (transcripts): recorded, queued, sent with retries.
//! - [`replies`]: agents' replies on Messenger and WhatsApp: queued, sent, tracked.
//! - [`queues`]: what every queue consumer shares: backoff, and the dead letters.
//! - [`inbox`]: the inbox Durable Object (pushes list changes to agents' inbox sockets).
//! - [`participant`]: who is on the other end of a request or socket, as the edge has verified.
//! - [`secrets`]: randomness, ids, tokens and password hashing through WebCrypto.
//!
//! Domain rules (validation, credentials) live in the `domain` crate and wire types in
//! `protocol`; this crate is the glue between them and the platform.

mod alarms;
mod config;
mod conversation;
mod edge_cache;
mod error;
mod floods;
pub(crate) mod housekeeping;
mod http;
mod inbound;
mod inbox;
mod mail;
mod participant;
mod queues;
mod replies;
mod routes;
mod secrets;
mod store;

use worker::{
    event, Context, Env, MessageBatch, Request, Response, Result, ScheduleContext, ScheduledEvent,
};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    routes::handle(req, env).await
}

#[event(queue)]
async fn queue(batch: MessageBatch<String>, env: Env, _ctx: Context) -> Result<()> {
    let app = config::App::new(env)?;
    let queue = batch.queue();
    if queue.ends_with(queues::DEAD_SUFFIX) {
        return queues::consume_dead(batch, &app).await;
    }
    match queue.as_str() {
        config::OUTBOUND_QUEUE => mail::consume(batch, &app).await,
        config::REPLIES_QUEUE => replies::consume(batch, &app).await,
        _ => inbound::consume(batch, &app).await,
    }
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    // The trigger's time is whole milliseconds since the epoch.
    housekeeping::run(env, event.schedule() as i64).await;
}
