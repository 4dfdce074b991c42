//! The Worker's two Durable Objects. What each is asked is its contract, in [`crate::contracts`]
//! (one closed enum of calls, with their bodies, and the client every caller uses), so nothing
//! else knows an object's paths, headers or body shapes, and the channels (`replies`, `mail`,
//! `inbound`) call an object without depending on it.
//!
//! - [`conversation`]: one per conversation: its message log, its participants' sockets, and
//!   what a change sets off (the inbox index, routing, replies out, e-mail), decided by plain
//!   rules and carried out in one place.
//! - [`hub`]: one per deployment: agents' inbox-list sockets, presence, routing decisions,
//!   and ending access where it flows.

pub mod conversation;
pub mod hub;

use worker::{Result, WebSocket};

/// Completes a client's close handshake; hibernating sockets only finish closing when the object
/// answers. 1005/1006 ("no status", "abnormal") may not be sent, so they become 1000.
pub fn close_politely(ws: &WebSocket, code: usize) -> Result<()> {
    let code = u16::try_from(code)
        .ok()
        .filter(|c| matches!(c, 1000 | 1001 | 1011 | 3000..=4999))
        .unwrap_or(1000);
    // The peer may already be gone; there is nothing more to do then.
    let _ = ws.close(Some(code), Some("bye"));
    Ok(())
}
