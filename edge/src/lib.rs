//! The Porchlight Worker: serves the widget and agent APIs, the widget frame and inbox pages, and
//! hosts one Durable Object per conversation and one per inbox.
//!
//! # Layout
//! - [`routes`]: the one `match` from method and path to a handler, then a module per route group
//!   (site, widget, agent, admin, setup, pages, and Meta's webhooks).
//! - [`config`]: binding names and the typed [`config::App`] built once per request.
//! - [`edge_cache`]: the Cache API in front of the public config's inputs, deleted on change.
//! - [`error`]: the one API error type and its mapping to HTTP.
//! - [`housekeeping`]: the cron trigger's work (deleting uploads never sent).
//! - [`http`]: reading bounded JSON bodies, writing JSON, cookies, origins.
//! - [`store`]: every D1 query (the inbox index, sites, visitors, agents, sessions).
//! - [`conversation`]: the conversation Durable Object (message log, sockets, fan-out).
//! - [`inbound`]: the queue consumer storing Messenger and WhatsApp events in conversations.
//! - [`mail`]: e-mail from conversations (transcripts): recorded, queued, sent with retries.
//! - [`replies`]: agents' replies on Messenger and WhatsApp: queued, sent, tracked.
//! - [`inbox`]: the inbox Durable Object (pushes list changes to agents' inbox sockets).
//! - [`participant`]: who is on the other end of a request or socket, as the edge has verified.
//! - [`secrets`]: randomness, ids, tokens and password hashing through WebCrypto.
//!
//! Domain rules (validation, credentials) live in the `domain` crate and wire types in
//! `protocol`; this crate is the glue between them and the platform.

mod config;
mod conversation;
mod edge_cache;
mod error;
pub(crate) mod housekeeping;
mod http;
mod inbound;
mod inbox;
mod mail;
mod participant;
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
    let queue = batch.queue();
    if queue.starts_with("porchlight-outbound") {
        mail::consume(batch, &config::App::new(env)?).await
    } else if queue.starts_with("porchlight-replies") {
        replies::consume(batch, &config::App::new(env)?).await
    } else {
        inbound::consume(batch, env).await
    }
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    // The trigger's time is whole milliseconds since the epoch.
    housekeeping::run(env, event.schedule() as i64).await;
}
