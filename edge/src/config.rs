//! Binding names, in one place, and the typed handles a request works with.

use worker::{D1Database, Env, ObjectNamespace, Result};

/// D1 database holding the inbox index, sites, visitors, agents and sessions.
pub const DB: &str = "DB";
/// Durable Object namespace: one object per conversation, addressed by conversation id.
pub const CONVERSATION: &str = "CONVERSATION";
/// Durable Object namespace of the inbox hub: one object per deployment
/// (`crate::objects::hub`).
pub const HUB: &str = "HUB";
/// R2 bucket of files sent in conversations (`sites/{site}/files/{id}`) and agents' pictures
/// (`avatars/{agent}/{version}`).
pub const ATTACHMENTS: &str = "ATTACHMENTS";
/// Secret that authorises the one-time first-run setup (`POST /api/setup`).
pub const SETUP_TOKEN: &str = "SETUP_TOKEN";
/// Queue of webhook events from Messenger and WhatsApp, consumed by [`crate::inbound`].
pub const INBOUND: &str = "INBOUND";
/// Queue of e-mails to send (transcripts), consumed by [`crate::mail`].
pub const OUTBOUND: &str = "OUTBOUND";
/// Var: the e-mail provider's API (Resend's, or anything that speaks it: tests run a sink).
pub const MAIL_API_BASE: &str = "MAIL_API_BASE";
/// Secret: the e-mail provider's API key. Without it, e-mails fail with a clear reason.
pub const MAIL_API_KEY: &str = "MAIL_API_KEY";
/// Var, optional: the domain the e-mail provider receives mail for (Resend's `….resend.app`, or
/// a custom domain with its MX record). Replies by e-mail carry a reply address on it; without
/// it, chats cannot switch to e-mail.
pub const MAIL_INBOUND_DOMAIN: &str = "MAIL_INBOUND_DOMAIN";
/// Secret: the signing secret (`whsec_…`) of the provider's `email.received` webhook, which
/// brings visitors' e-mail replies to `/webhooks/email`.
pub const MAIL_WEBHOOK_SECRET: &str = "MAIL_WEBHOOK_SECRET";
/// Secret: the Meta app's secret, which signs webhook bodies (`X-Hub-Signature-256`).
pub const META_APP_SECRET: &str = "META_APP_SECRET";
/// Secret: the token Meta echoes in the webhook subscription handshake.
pub const META_VERIFY_TOKEN: &str = "META_VERIFY_TOKEN";
/// Queue of agents' replies on Messenger and WhatsApp, consumed by [`crate::replies`].
pub const REPLIES: &str = "REPLIES";
/// The queues' names (wrangler.toml), by which a consumer knows its batch and a dead letter
/// its way back. Each has a dead-letter queue of the same name plus
/// [`crate::queues::DEAD_SUFFIX`].
pub const INBOUND_QUEUE: &str = "porchlight-inbound";
pub const OUTBOUND_QUEUE: &str = "porchlight-outbound";
pub const REPLIES_QUEUE: &str = "porchlight-replies";
/// Var: Meta's Graph API with its pinned version (tests point it at a local fake).
pub const GRAPH_API_BASE: &str = "GRAPH_API_BASE";
/// Var, optional: the Meta app's id, by which Messenger echoes of our own replies are known
/// even before their message id is recorded.
pub const META_APP_ID: &str = "META_APP_ID";
/// Secret: 32 random bytes, base64 (`openssl rand -base64 32`), sealing Meta tokens at rest.
pub const TOKEN_KEY: &str = "TOKEN_KEY";

/// Meta's Graph API, at the version Porchlight was built and tested against.
pub const DEFAULT_GRAPH_API_BASE: &str = "https://graph.facebook.com/v21.0";

/// Everything a request handler needs, looked up once from the environment.
pub struct App {
    pub db: D1Database,
    pub conversations: ObjectNamespace,
    pub hub: ObjectNamespace,
    env: Env,
}

impl App {
    pub fn new(env: Env) -> Result<Self> {
        Ok(Self {
            db: env.d1(DB)?,
            conversations: env.durable_object(CONVERSATION)?,
            hub: env.durable_object(HUB)?,
            env,
        })
    }

    /// The environment, for what takes it whole.
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// The key sealing Meta access tokens (and invitations' links); `None` when the secret is
    /// absent or malformed. Tokens are unsealed in one place: [`crate::graph::Graph::connect`].
    pub fn token_key(&self) -> Option<[u8; domain::sealed::KEY_BYTES]> {
        let secret = self.env.secret(TOKEN_KEY).ok()?.to_string();
        domain::sealed::parse_key(&secret).ok()
    }

    /// A secret's value, when set and not empty.
    pub fn secret(&self, name: &str) -> Option<String> {
        self.env
            .secret(name)
            .ok()
            .map(|s| s.to_string())
            .filter(|s| !s.is_empty())
    }

    /// The bucket of files sent in conversations.
    pub fn files(&self) -> Result<worker::Bucket> {
        self.env.bucket(ATTACHMENTS)
    }

    /// The queue of inbound webhook events.
    pub fn inbound(&self) -> Result<worker::Queue> {
        self.env.queue(INBOUND)
    }

    /// The queue of e-mails to send.
    pub fn outbound(&self) -> Result<worker::Queue> {
        self.env.queue(OUTBOUND)
    }

    /// The queue of replies to send on Messenger and WhatsApp.
    pub fn replies(&self) -> Result<worker::Queue> {
        self.env.queue(REPLIES)
    }

    /// Meta's Graph API base, without a trailing slash.
    pub fn graph_api_base(&self) -> String {
        self.env
            .var(GRAPH_API_BASE)
            .map(|v| v.to_string())
            .unwrap_or_else(|_| DEFAULT_GRAPH_API_BASE.into())
            .trim_end_matches('/')
            .to_owned()
    }

    /// The Meta app's id, when configured.
    pub fn meta_app_id(&self) -> Option<String> {
        self.env
            .var(META_APP_ID)
            .ok()
            .map(|v| v.to_string())
            .filter(|v| !v.is_empty())
    }

    /// The e-mail provider's base URL.
    pub fn mail_api_base(&self) -> String {
        self.env
            .var(MAIL_API_BASE)
            .map(|v| v.to_string())
            .unwrap_or_else(|_| "https://api.resend.com".into())
    }

    /// The key and the domain of reply addresses (`domain::email::inbound`), when this deployment
    /// receives e-mail: `TOKEN_KEY` and `MAIL_INBOUND_DOMAIN`.
    pub fn reply_addressing(&self) -> Option<(String, String)> {
        let domain = self
            .env
            .var(MAIL_INBOUND_DOMAIN)
            .ok()
            .map(|v| v.to_string().trim().to_ascii_lowercase())
            .filter(|v| !v.is_empty())?;
        Some((self.secret(TOKEN_KEY)?, domain))
    }

    /// The setup token, when the deployment has one (absent: setup is disabled).
    pub fn setup_token(&self) -> Option<String> {
        self.secret(SETUP_TOKEN)
    }
}
