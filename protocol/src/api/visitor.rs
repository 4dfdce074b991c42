//! The visitor as the team knows them: identified by the site's backend
//! (`POST /api/widget/identify`, and the site's identity secret for admins), the details agents
//! fill in (`/api/agent/conversations/{id}/visitor`), and the e-mails sent from their
//! conversations.

use serde::{Deserialize, Serialize};

use crate::Millis;

/// `POST /api/widget/identify`: the frame presents what the site's page said of its signed-in
/// user (`identificationEmail`, `identificationToken`), with the visitor's own token, if any,
/// as `Authorization`. Sent by the frame's boot script, before the app starts: its body is the
/// frame's own query (`site`, `email`, `token`; the other parameters are ignored).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identify {
    pub site: String,
    pub email: String,
    pub token: String,
}

/// The answer to [`Identify`]: the token to keep, for the contact with that verified address (a
/// new one, or the presented one when it already was theirs or is now).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identified {
    pub visitor_token: String,
    /// The verified address, trimmed and lowercased.
    pub email: String,
    /// Whether this identification linked the visitor to the contact (a first identification
    /// on this device, or an anonymous visitor's chats merged into the contact's): the SDK's
    /// `contactAssociated` event.
    pub associated: bool,
}

/// `GET /api/admin/sites/{site}/identity` (or `…/webhooks`) and `POST …/secret` (a new
/// secret, which replaces the old one at once): one of the site's secrets for its backend, the
/// identity secret or the webhook secret. Admins only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteSecret {
    /// The identity secret: 64 hex digits; the webhook secret: `whsec_` and base64 (Standard
    /// Webhooks). None until an admin makes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Millis>,
}

/// `GET`/`PUT /api/agent/conversations/{id}/visitor`: what the team knows of a chat's visitor
/// (their name and e-mail, which agents fill in), and where and how the chat started.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Read only: the address the site's backend vouched for (identity verified); agents cannot
    /// change it, and it is what links the visitor's chats on every device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_email: Option<String>,
    /// Read only: the page where the chat started, the page before it, the browser's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Read only: the browser the chat started in (its `User-Agent`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// Read only: whether the visitor is a contact (made one by an agent with
    /// `POST …/contact`, or identified by the site's backend).
    #[serde(default)]
    pub contact: bool,
    /// The member who looks after this contact (routing may give them the contact's chats).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    /// Read only: the visitor's other conversations in inboxes the agent sees, newest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previous: Vec<PastConversation>,
}

/// One of a visitor's other conversations, as the contact panel lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastConversation {
    pub id: String,
    pub created_at: Millis,
    pub status: crate::ConversationStatus,
    pub preview: String,
}

/// `POST /api/agent/conversations/{id}/transcript`: e-mail the transcript to `to`, with this
/// subject (or the default one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendTranscript {
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

/// An e-mail sent (or being sent) from a conversation, as its thread shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailRecord {
    pub id: String,
    pub kind: EmailKind,
    pub to: String,
    pub subject: String,
    pub status: EmailStatus,
    /// Why it failed, for a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The agent who sent it by hand; none when it went by itself (on close).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_by: Option<String>,
    pub created_at: Millis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<Millis>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailKind {
    Transcript,
    /// To a member: a conversation was assigned to them while they were away.
    Assignment,
    /// To someone invited to the team: the link that lets them join.
    Invitation,
    /// An agent's reply to a website visitor, by e-mail (the chat switched to e-mail).
    Reply,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailStatus {
    /// Waiting in the queue (or between retries).
    Queued,
    /// The provider accepted it.
    Sent,
    /// The provider refused it for good, or retries ran out.
    Failed,
}

/// `GET /api/agent/conversations/{id}/emails`: newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailList {
    pub emails: Vec<EmailRecord>,
}
