//! Facebook Messenger and WhatsApp webhooks, as pure functions the edge calls in order:
//!
//! 1. [`subscription_challenge`]: the `GET` handshake Meta sends when the callback URL is
//!    registered.
//! 2. [`verify_signature`]: `X-Hub-Signature-256` over the raw body bytes, before anything is
//!    parsed (invariant 3).
//! 3. [`messenger::parse`] or [`whatsapp::parse`]: the body into [`InboundEvent`]s, one shape for
//!    both channels, sorted by the events' own timestamps. Only a body that is not JSON or not
//!    the endpoint's `object` is refused ([`ParseError`]); every entry and event is read on its
//!    own, and what we do not model is kept as [`EventKind::Unsupported`], so one odd event never
//!    fails a batch that Meta would otherwise redeliver forever.
//! 4. [`InboundEvent::dedupe_key`]: the key each event is stored under at most once. Keeping
//!    the set of seen keys is the caller's: Meta redelivers, and these functions remember
//!    nothing.
//!
//! 5. [`send`]: replies out: the Send API requests for an agent's reply and what Meta's
//!    answer means (sent, retry, or failed with a reason); [`templates`]: WhatsApp's templates,
//!    the only messages it takes after 24 hours; [`window`]: which replies Meta's windows allow
//!    now, and how a reply's delivery moves on.
//! 6. [`flow`]: what happens before an agent answers: Messenger's greeting, an instant reply,
//!    and explicit consent, whose messages are held until the person agrees.
//!
//! No IO and no clock here: times come from the payloads.

mod content;
mod dedupe;
mod event;
pub mod flow;
mod handshake;
pub mod messenger;
mod payload;
pub mod render;
pub mod send;
mod signature;
pub mod templates;
pub mod whatsapp;
pub mod window;

pub use content::{Attachment, AttachmentKind, Content, SharedContact};
pub use event::{DeliveryStatus, EventKind, InboundEvent, MetaChannel};
pub use handshake::subscription_challenge;
pub use payload::ParseError;
pub use signature::{verify_signature, SignatureError, SIGNATURE_HEADER};
