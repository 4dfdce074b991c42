//! What admins see of the Worker's queues: the messages a queue gave up on (dead letters), with
//! why, and the request that sends one back.
//!
//! - `GET /api/admin/dead-letters` → [`DeadLetterList`]
//! - `POST /api/admin/dead-letters/{id}/retry` → 204: back on its queue, off the list.

use serde::{Deserialize, Serialize};

use crate::Millis;

/// One message a queue gave up on after its retries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetter {
    /// Stable while it waits: its queue and the digest of its body.
    pub id: String,
    /// The queue it came from: `porchlight-inbound` (Messenger and WhatsApp events),
    /// `porchlight-outbound` (e-mails) or `porchlight-replies` (replies on Meta channels).
    pub queue: String,
    /// The last failure's reason, for people.
    pub reason: String,
    /// Failed attempts noted.
    pub failures: u32,
    pub first_at: Millis,
    pub dead_at: Millis,
    /// The message itself (JSON), as the queue carried it.
    pub body: String,
}

/// `GET /api/admin/dead-letters`: those waiting for an admin, newest first, and how many.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetterList {
    pub count: u32,
    pub dead_letters: Vec<DeadLetter>,
}
