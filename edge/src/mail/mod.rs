//! E-mail from conversations and the team: transcripts, sent by hand by an agent or by
//! themselves when a chat an agent took part in is closed and the visitor's address is known;
//! an agent's replies to a website visitor once the chat switched to e-mail; the notice to a
//! member that a conversation was assigned to them while they were away; and invitations to
//! the team, whose link (it carries the invitation's token) is kept sealed until it is sent.
//!
//! # The flow
//! 1. [`queue`]: an e-mail asked for is recorded in D1 (`emails`, status `queued`), then its
//!    id is put on the OUTBOUND queue. Nothing asked for is lost: one that cannot be queued is
//!    failed at once, visibly; one whose job is lost is taken up again by the sweep.
//! 2. [`delivery`]: the consumer, run by the job runner (`crate::jobs`), counts an attempt,
//!    renders the e-mail (`domain::email`) from what it is about as that then stands
//!    ([`conversation`] reads the thread) and posts it to the provider.
//! 3. [`provider`]: the provider's API (Resend's, at `MAIL_API_BASE` with the `MAIL_API_KEY`
//!    secret); the e-mail's id is its `Idempotency-Key`, so a retry after a lost answer never
//!    sends it twice. A refusal (4xx) fails it for good; a failure to answer (429, 5xx,
//!    network) is retried with growing delays, at most [`delivery::MAX_ATTEMPTS`] times. Each e-mail's
//!    status is what the thread shows.
//!
//! Visitors' answers to replies by e-mail come back through `routes::mail_webhook`, which reads
//! them from the provider ([`received_email`], [`received_file`]).

mod conversation;
mod delivery;
mod provider;
mod queue;

use serde::{Deserialize, Serialize};

pub use delivery::{consume, sweep};
pub use provider::{received_email, received_file, ReceivedContent};
pub use queue::{
    notify_assignment, on_bot_close, on_close, queue_invitation, queue_reply, queue_transcript,
    reply_sender, site_name,
};

/// What the OUTBOUND queue carries: which recorded e-mail to send.
#[derive(Serialize, Deserialize)]
pub struct Job {
    id: String,
}
