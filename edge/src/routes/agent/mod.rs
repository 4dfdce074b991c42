//! The agents' API, called by the inbox app on the Worker's own origin. Agents sign in with
//! e-mail and password and hold a session cookie (HttpOnly, SameSite=Strict, Secure over TLS);
//! every state change and socket upgrade must also carry our own `Origin`. Attempts at a
//! password are counted before any is derived, per account from the client's address, per
//! account and per address (`domain::throttle`).
//!
//! - [`session`]: who is signed in, and the checks every agent and admin route starts with
//!   (the other route groups take them from here).
//! - [`account`]: signing in and out, the password, the agent's profile and status.
//! - [`conversations`]: the inbox list and search, a conversation's messages, files, status,
//!   assignment, and replies by e-mail.
//! - [`notes`]: internal notes and @mentions.
//! - [`sockets`]: a conversation's live thread, and the inbox list's live changes.
//!
//! The handlers are re-exported here, so the dispatch calls `agent::x` whichever file holds it.

mod account;
mod conversations;
mod notes;
mod session;
mod sockets;

pub use account::{change_password, me, set_status, sign_in, sign_out, sign_out_everywhere};
pub use conversations::{
    assign, assign_team, attachment, history, list, reply_by, send, set_conversation_status, upload,
};
pub use notes::{add_note, mentions, mentions_seen, notes};
pub(super) use session::{participant, signed_in_to};
pub use session::{signed_in, signed_in_admin, start_session};
pub use sockets::{list_socket, socket};
