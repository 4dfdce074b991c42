//! Replies out: the Send API requests that carry an agent's reply to Messenger or WhatsApp, and
//! what Meta's answer means for it. No IO: the edge posts the requests, in order, and acts on
//! [`outcome`].
//!
//! Which replies the windows allow is decided before anything is stored
//! ([`super::window::reply_window`]); a reply that is accepted is turned into its requests
//! here once, so a retry sends exactly what was first meant.
//!
//! - `requests`: the Send API requests for a reply's text (split where it is too long for one
//!   message) and its file.
//! - `outcome`: what Meta's answer to a call means (sent, retry, failed with a reason), and
//!   where a reply stands from its parts.

mod outcome;
mod requests;

pub use outcome::{failure_reason, outcome, whole_reply, Outcome};
pub use requests::{file_request, split_text, text_requests};
