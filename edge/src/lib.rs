//! The Porchlight Worker: serves the widget and agent APIs, the widget frame and inbox pages,
//! consumes the queues, and hosts the two Durable Objects.
//!
//! # Layout
//! Requests come in through [`routes`]; what outlives a request goes through [`objects`] (live
//! state), [`store`] (D1) or a queue. Nothing below `routes` depends on it.
//! - [`routes`]: the one `match` from method and path to a handler, then a module per route group:
//!   the visitor's (`widget`, `site`, `files`, `identity`), the agents' (`agent`, `inboxes`,
//!   `team`, `snippets`, `avatars`, `visitor`, `templates`, `reports`), admins' (`admin`,
//!   `dead_letters`, `setup`), the pages (`pages`) and the webhooks (`webhooks` for Meta,
//!   `mail_webhook` for e-mail).
//! - [`objects`]: the Durable Objects: one `Conversation` per conversation (message log,
//!   sockets, the rules deciding what a change sets off, and the one place those effects are
//!   carried out) and one `Hub` per deployment (agents' list sockets, presence, routing, access
//!   taken away).
//! - [`contracts`]: what each object is asked (a closed enum of calls) and the stub its callers
//!   use; below the objects and every caller, so no module imports back up.
//! - [`store`]: every D1 query, a module per aggregate.
//! - [`inbound`]: the queue consumer storing Messenger and WhatsApp events in conversations.
//! - [`replies`]: agents' replies on Messenger and WhatsApp: queued, sent, tracked.
//! - [`jobs`]: the outbound job runner both senders share: attempts, leases, backoff, giving
//!   up, and the sweep of jobs nobody works on.
//! - [`erasure`]: erasing a person everywhere they are stored, retried until complete.
//! - [`export`]: a contact's data, or a visitor's conversation, as a zip.
//! - [`merging`]: two contacts found to be one person, merged by a member or on a verified
//!   match.
//! - [`mail`]: e-mail from conversations (transcripts, replies by e-mail): recorded, queued, sent.
//! - [`graph`]: Meta's Graph API: the one client, the connection's token unsealed once, and
//!   Meta's refusals classified.
//! - [`queues`]: what every queue consumer shares: backoff, and the dead letters.
//! - [`housekeeping`]: the cron trigger's work (deleting uploads never sent).
//! - [`alarms`]: a Durable Object's one alarm, shared by what it must do later.
//! - [`config`]: binding names and the typed [`config::App`] built once per request.
//! - [`edge_cache`]: the Cache API in front of the public config's inputs, deleted on change.
//! - [`error`]: the one API error type and its mapping to HTTP.
//! - [`frame`]: what the host page told the widget frame (its URL, named by the frame's
//!   requests), applied by the edge.
//! - [`floods`]: flood limits on the visitor side (rate limiting bindings).
//! - [`http`]: reading bounded JSON bodies, cookies, origins, and handing on [`respond`]'s.
//! - [`respond`]: writing responses (JSON never cached nor sniffed, the empty 204).
//! - [`participant`]: who is on the other end of a request or socket, as the edge has verified.
//! - [`secrets`]: randomness, ids, tokens and password hashing through WebCrypto.
//!
//! Domain rules (validation, credentials, Meta's reply windows) live in the `domain` crate and
//! wire types in `protocol`; this crate is the glue between them and the platform. The objects'
//! decisions are plain functions with native unit tests (`cargo test -p porchlight-edge --lib`).

mod alarms;
mod bot_calls;
mod config;
mod contracts;
mod edge_cache;
mod erasure;
mod error;
mod export;
mod floods;
mod frame;
mod graph;
pub(crate) mod housekeeping;
mod http;
mod inbound;
mod jobs;
mod mail;
mod merging;
mod objects;
mod participant;
mod queues;
mod replies;
mod respond;
mod routes;
mod secrets;
mod site_secrets;
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
