//! Porchlight's domain rules as plain Rust: what a valid message, client id, password or site
//! name is, how secrets are stored, when a chat channel is available. No `worker`, `web_sys` or
//! `leptos` here, so `cargo test` covers every rule natively; the edge and the clients call these
//! functions.
//!
//! # Layout
//! - [`message`]: validating what a participant sends; list previews.
//! - [`files`]: attachments: what a file is (from its bytes), whether a site takes it, its name
//!   and the headers it is served with.
//! - [`branding`]: the accent colour and the text colour that contrasts with it.
//! - [`chat_settings`]: validating a site's chat settings before they are stored.
//! - [`connections`]: connecting a Messenger Page or a WhatsApp number.
//! - [`consent`]: a website chat's consent step: the text version, the step a page asks for,
//!   and what consent a new conversation records.
//! - [`contacts`]: a site's contact properties and their values, and phone numbers.
//! - [`dates`]: calendar dates in the few fixed forms Porchlight writes and reads.
//! - [`credentials`]: bearer-token digests, the stored password-hash format, password and
//!   e-mail rules.
//! - [`identity`]: verifying a site's signed-in user (HMAC of their e-mail).
//! - [`origins`]: which sites may embed a site's widget (allowed domains).
//! - [`reports`]: percentiles and days for the reports.
//! - [`routing`]: who a new conversation is assigned to, by the channel's rule.
//! - [`email`]: every e-mail Porchlight sends, rendered (text and escaped HTML): transcripts,
//!   replies by e-mail, assignment notices, invitations; and continuing a chat by e-mail
//!   ([`email::inbound`]: reply addresses, the inbound webhook's signature, and what the visitor
//!   wrote above the quote).
//! - [`search`]: what an agent types into the search box, as safe FTS5 and `LIKE` queries.
//! - [`team`]: invitations to the team and accepting them.
//! - [`throttle`]: counting failed sign-ins per account and per address, and when to refuse.
//! - [`availability`]: whether a chat channel is available, away, offline or at capacity, from
//!   its settings, agent presence and the time, in the site's time zone.
//! - [`targeting`]: which pages and devices show the widget (a site's targeting settings).
//! - [`i18n`]: the chat's languages: which one a visitor gets, the interface's words in it (a
//!   JSON file per language), and the site's own texts in it.
//! - [`text`]: the links in a message body, found once at the edge and sent with the message.
//! - [`widget_config`]: the public widget config: settings plus availability for a moment.
//! - [`zone`]: time zones by IANA name: chrono-tz's rules natively, the platform's in the
//!   Worker.
//! - [`meta`]: Messenger and WhatsApp webhooks: the handshake, the signature check, and parsing
//!   both channels' batches into one ordered event type.
//! - [`sealed`]: secrets sealed at rest (AES-256-GCM) with a key from a Worker secret.
//! - [`rejection`]: the error every rule returns, carrying the wire error code.
//! - [`backoff`]: how long a queued job's retry waits, and when a job is overdue.
//! - [`flows`]: which chatflow a visitor meets on a page.
//! - [`bot`]: chatflow bots: checking a script before it is published, and the engine that
//!   runs it one event at a time.
//! - [`webhooks`]: Standard Webhooks signatures: checking the e-mail provider's, signing the
//!   bots' calls to a site's own system.

pub mod availability;
pub mod backoff;
pub mod bot;
pub mod branding;
pub mod chat_settings;
pub mod connections;
pub mod consent;
pub mod contacts;
pub mod credentials;
pub mod dates;
pub mod email;
pub mod files;
pub mod flows;
pub mod i18n;
pub mod identity;
pub mod message;
pub mod meta;
pub mod origins;
pub mod rejection;
pub mod reports;
pub mod routing;
pub mod sealed;
pub mod search;
pub mod targeting;
pub mod team;
pub mod text;
pub mod throttle;
pub mod webhooks;
pub mod widget_config;
pub mod zone;

pub use rejection::Rejection;
