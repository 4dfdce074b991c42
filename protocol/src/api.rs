//! HTTP request and response bodies, grouped by the route group that serves them.
//!
//! Every error response, whatever the route, is an [`ErrorBody`] with a stable [`ErrorCode`].

use serde::{Deserialize, Serialize};

use crate::frame::AgentRef;
use crate::i18n::{Language, UiStrings};
use crate::settings::{ConsentMode, Font, LauncherPosition, TypicalReplyTime};
use crate::{Channel, ConversationStatus, Message, Millis, Seq};

/// The one shape of every error response: `{"error": {"code": "...", "message": "..."}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// A sentence for a person; not to be matched on (match `code`).
    pub message: String,
    /// For a refusal that ends (`too_many_attempts`, `rate_limited`): seconds until trying
    /// again makes sense, as the `Retry-After` header also says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<i64>,
}

/// Stable machine-readable error codes. Clients match on these, never on messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not valid JSON of the expected shape.
    MalformedBody,
    /// The body is larger than [`crate::limits::REQUEST_MAX_BYTES`].
    BodyTooLarge,
    /// A message body is empty or only white space.
    EmptyMessage,
    /// A message body has more than [`crate::limits::MESSAGE_MAX_CHARS`] characters.
    MessageTooLong,
    /// A client id is empty, too long or has characters outside `[A-Za-z0-9_-]`.
    InvalidClientId,
    /// A field other than the above has an invalid value; the message names it.
    InvalidField,
    /// No credentials were given.
    Unauthenticated,
    /// Credentials were given but are wrong, expired or not allowed here.
    Forbidden,
    /// E-mail and password do not match an agent.
    InvalidCredentials,
    /// The site does not exist.
    UnknownSite,
    /// The conversation does not exist or is not visible to the caller.
    UnknownConversation,
    /// The conversation is closed: it takes no messages (a visitor starts a new one; an agent
    /// reopens it first).
    ConversationClosed,
    /// No such route.
    NotFound,
    /// The method is not allowed on this route.
    MethodNotAllowed,
    /// The site asks for explicit consent and it was not given for the current text.
    ConsentRequired,
    /// The deployment was already set up.
    AlreadySetUp,
    /// That Page or number is already connected (to this or another site).
    AlreadyConnected,
    /// The deployment lacks a secret this needs (the message names it).
    NotConfigured,
    /// The site takes no attachments.
    AttachmentsDisabled,
    /// The file is larger than the site allows (the message says how large it may be).
    FileTooLarge,
    /// The file's content is of a kind the site does not accept (judged from the bytes, never
    /// from the name alone).
    UnsupportedFileType,
    /// A message names an upload that does not exist, or that belongs to someone else or to
    /// another conversation.
    UnknownUpload,
    /// Too many failed attempts (signing in, or confirming a password) for this account or
    /// from this address; the `Retry-After` header says in how many seconds to try again.
    TooManyAttempts,
    /// Too much from this visitor or address in a short time (new conversations, messages,
    /// sockets, uploads); `retry_after` says in how many seconds to try again. Nothing of the
    /// refused request was stored: what the visitor typed is theirs to send again.
    RateLimited,
    /// That e-mail address already belongs to a member of the team.
    AlreadyMember,
    /// The change would leave the team without an admin.
    LastAdmin,
    /// The invitation does not exist, was withdrawn, was used or has expired.
    UnknownInvitation,
    /// No member of the team has that id.
    UnknownAgent,
    /// No snippet has that id.
    UnknownSnippet,
    /// Meta's window for this reply has closed (Messenger after 7 days, WhatsApp after 24 hours
    /// without a template); the message says what may still be sent.
    ReplyWindowClosed,
    /// That cannot be done on this conversation's channel (files on Messenger or WhatsApp,
    /// templates outside WhatsApp).
    NotOnThisChannel,
    /// The WhatsApp business account has no such approved template.
    UnknownTemplate,
    /// Meta could not be asked, or refused (the message says why).
    MetaUnavailable,
    /// The identification token is not the HMAC of the e-mail under the site's identity secret
    /// (or the site has none): nothing was linked.
    IdentityInvalid,
    /// The site lets only identified visitors chat, and this one is not.
    IdentityRequired,
    /// The page's origin is not among the site's allowed domains.
    OriginNotAllowed,
    /// Something failed on the server; it was logged.
    Internal,
}

// ---- public site config (served to the loader and widget) ----

/// What the loader and the widget need to draw a site's chat, with its availability decided at
/// the edge for this moment (`GET /api/sites/{site}/widget-config`). Public: no secrets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetConfig {
    pub site_id: String,
    /// The name shown in the chat heading.
    pub heading: String,
    /// The people heading the chat (`ChatSettings::heading_people`), at most
    /// [`HEADING_PEOPLE_MAX`]: the widget shows three of them, chosen at random for each
    /// visitor. Their pictures are at `/api/avatars/{id}`. Empty: `heading` alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<AgentRef>,
    /// Shown as the first message when the visitor opens the chat.
    pub welcome_message: String,
    /// `#rrggbb`.
    pub accent_color: String,
    /// `#000000` or `#ffffff`: whichever contrasts more with `accent_color` (WCAG), for text
    /// and icons drawn on it.
    pub accent_text_color: String,
    pub font: Font,
    pub launcher_position: LauncherPosition,
    /// Pop the welcome beside the launcher this many milliseconds after page load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_after_ms: Option<u32>,
    pub availability: PublicAvailability,
    /// Whether the launcher shows at all now (hidden offline or at capacity if so configured).
    pub launcher_visible: bool,
    /// The consent step, when the site has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<PublicConsent>,
    /// When this answer may change by the clock alone (an opening or closing): fetch again then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_at: Option<Millis>,
    /// The language chosen for this visitor; the site's texts above are in it where the site
    /// has them translated.
    pub language: Language,
    /// The interface's words in `language`.
    pub strings: UiStrings,
    /// What the visitor may attach; none when the site takes no attachments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<PublicAttachments>,
    /// The site's targeting rules keep the widget off the page the config was asked for
    /// (`?page=`), or off the visitor's kind of device. For the loader only: not read back
    /// (the widget's wasm would pay for the field; Rust readers look at the JSON).
    #[serde(
        default,
        skip_serializing_if = "std::ops::Not::not",
        skip_deserializing
    )]
    pub off_page: bool,
}

/// Most people a config's heading carries.
pub const HEADING_PEOPLE_MAX: usize = 20;

/// The attachment limits a widget applies before uploading (the edge enforces them again).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicAttachments {
    /// Largest file, in bytes.
    pub max_bytes: u32,
    /// For a file input's `accept`: the types and extensions of the kinds the site takes.
    pub accept: String,
}

/// The consent step the widget shows before a conversation starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicConsent {
    pub mode: ConsentMode,
    pub text: String,
    /// Sent back in [`CreateConversation::consent`] so the conversation records this text.
    pub version: u32,
}

/// A site's availability as the visitor sees it, with the text to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicAvailability {
    /// Someone can answer; optionally "typically replies in …".
    Available {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        typical_reply: Option<TypicalReplyTime>,
    },
    /// Within hours but nobody available: `message` is shown; with `away_mode` the usual chat
    /// shows, marked away, instead of the message.
    Away { message: String, away_mode: bool },
    /// Outside hours: the next opening (to show in the visitor's time zone and language), or the
    /// away message.
    Offline {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next_opening: Option<Millis>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// Every available agent is at their chat limit: the waiting message.
    AtCapacity { message: String },
}

// ---- widget (visitor) API ----

/// `POST /api/widget/conversations`: start a conversation with its first message.
/// A returning visitor sends their token as `Authorization: Bearer`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateConversation {
    pub site_id: String,
    pub first_message: SendMessage,
    /// The host page where the chat started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
    /// BCP 47 language tag of the visitor's browser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// The consent text version the visitor saw (and, in explicit mode, agreed to). Required
    /// when the site asks for explicit consent, and it must be the current version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_version: Option<u32>,
}

/// What a conversation records of its visitor's consent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRecord {
    pub mode: ConsentMode,
    pub version: u32,
    pub at: Millis,
}

/// Answer to [`CreateConversation`] (201).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationCreated {
    pub conversation_id: String,
    /// The visitor's bearer token: the one given, or a new one. The widget keeps it in its own
    /// storage; the server keeps only its hash.
    pub visitor_token: String,
    pub message: Message,
}

/// `GET /api/widget/conversations/current`: the visitor's latest conversation, if any.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentConversation {
    pub conversation: Option<ConversationRef>,
    /// The visitor's contact owner, who heads their chat when the site's heading shows
    /// owners (`HeadingRule::ContactOwner`) and they have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<AgentRef>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationRef {
    pub id: String,
    pub status: ConversationStatus,
    pub last_seq: Seq,
}

// ---- shared by widget and agent APIs ----

/// `POST …/conversations/{id}/messages`, and the payload of a socket `send` frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendMessage {
    /// Chosen by the client (a UUID); resending the same id stores the message once.
    pub client_id: String,
    /// May be empty when `attachment` is given.
    pub body: String,
    /// The id of a file uploaded for this message (`…/uploads` answers an [`Attachment`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<String>,
}

/// Answer to a send: 201 when stored now, 200 when this client id was stored before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageAccepted {
    pub message: Message,
    /// True when the client id had been stored before and nothing new was written.
    pub duplicate: bool,
}

/// `GET …/conversations/{id}/messages?after=SEQ`: messages with `seq > after`, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessagePage {
    pub messages: Vec<Message>,
    /// The highest sequence number stored in the conversation.
    pub last_seq: Seq,
}

// ---- agent API ----

/// `POST /api/agent/session`: sign in. Sets an HttpOnly session cookie.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Login {
    pub email: String,
    pub password: String,
}

/// The signed-in agent (`GET /api/agent/me`, and the answer to [`Login`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentProfile {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub status: AgentStatus,
    /// The agent's profile picture (a path on the Worker's origin, public and immutable: a new
    /// picture gets a new path); none when they have not set one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    /// The most open conversations assigned to them at once; none for no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_limit: Option<u32>,
}

/// `PUT /api/admin/agents/{id}/chat-limit`: 1 to [`crate::limits::CHAT_LIMIT_MAX`], or `null`
/// for no limit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetChatLimit {
    pub chat_limit: Option<u32>,
}

/// Whether an agent takes chats now (their own toggle). Counted as available for the widget
/// only while they also have the inbox open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentStatus {
    Available,
    Away,
}

/// `PUT /api/agent/me/status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetAgentStatus {
    pub status: AgentStatus,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Agent,
}

// ---- identified visitors ----

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

/// `GET /api/admin/sites/{site}/identity` and `POST …/identity/secret` (a new secret, which
/// replaces the old one at once): the site's identity secret, for its backend. Admins only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentitySecret {
    /// 64 hex digits; none until an admin makes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Millis>,
}

// ---- the visitor's details, and e-mail ----

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

// ---- reports ----

/// `GET /api/admin/reports?from=MS&to=MS[&channel=chat|messenger|whatsapp]`: how the team did
/// over `[from, to)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub from: Millis,
    pub to: Millis,
    /// The site's time zone, in which `per_day` counts days.
    pub time_zone: String,
    /// Conversations started in the period.
    pub started: u32,
    /// Started per day, every day of the period (zeros included), oldest first.
    pub per_day: Vec<DayCount>,
    /// From the first message to an agent's first reply, for conversations started in the
    /// period that got one.
    pub first_response: Durations,
    /// From the first message to closing, for conversations closed in the period.
    pub time_to_close: Durations,
    /// Who answered: per agent, the conversations started in the period they replied in, and
    /// their replies; most conversations first.
    pub agents: Vec<AgentStats>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    /// `YYYY-MM-DD` in the site's time zone.
    pub day: String,
    pub started: u32,
}

/// Durations in milliseconds: how many, and their median and 90th percentile (nearest rank).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Durations {
    pub count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_ms: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p90_ms: Option<Millis>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentStats {
    pub agent_id: String,
    pub name: String,
    pub conversations: u32,
    pub replies: u32,
}

// ---- snippets: the team's saved replies ----

/// `POST /api/agent/snippets` and `PUT /api/agent/snippets/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSnippet {
    /// How agents find it ("Opening hours").
    pub name: String,
    /// The text it inserts, with the rules of a message.
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snippet {
    pub id: String,
    pub name: String,
    pub body: String,
    /// The member who wrote it, while they are one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    pub updated_at: Millis,
}

/// `GET /api/agent/snippets`: every snippet, by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnippetList {
    pub snippets: Vec<Snippet>,
}

// ---- internal notes (agents only) ----

/// `POST /api/agent/conversations/{id}/notes`: an internal note on the conversation, seen by
/// the team only, never by the visitor or on Messenger/WhatsApp. Every `@Name` of a member in
/// the body mentions them (the edge finds them); each is told in their inbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewNote {
    pub client_id: String,
    pub body: String,
}

/// A stored note (answer to [`NewNote`]: 201, or 200 for a resend of its client id).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// Its place among the conversation's notes, from 1.
    pub id: u64,
    pub client_id: String,
    pub author: crate::frame::AgentRef,
    pub body: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<crate::TextLink>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<crate::frame::AgentRef>,
    /// The last message stored when it was written: it shows after that message.
    pub after_seq: Seq,
    pub at: Millis,
}

/// `GET /api/agent/conversations/{id}/notes`: every note, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteList {
    pub notes: Vec<Note>,
}

/// A note that @mentions the agent, as their inbox lists it (`GET /api/agent/mentions`, and
/// live as `InboxFrame::Mention`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub conversation_id: String,
    pub note: Note,
}

/// `POST /api/agent/mentions/seen`: the agent has seen the notes of this conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MentionsSeen {
    pub conversation_id: String,
}

/// `GET /api/agent/mentions`: the agent's mentions not yet seen, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MentionList {
    pub mentions: Vec<Mention>,
}

// ---- the team: members, invitations, the agent's own account ----

/// `GET /api/agent/team`: every member, by name; any agent may read it (to assign, to mention).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Members {
    pub members: Vec<AgentProfile>,
}

/// `PUT /api/admin/agents/{id}/role`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetRole {
    pub role: Role,
}

/// `PUT /api/agent/me/password`: the current password confirms it is the agent; every other
/// session of theirs ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
}

/// `POST /api/admin/invitations`: invite someone to the team. Inviting an address again
/// replaces its pending invitation (the old link stops working).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewInvitation {
    pub email: String,
    /// How the team will see them; they may change it when they accept.
    pub name: String,
    pub role: Role,
    /// Inboxes they are given by name from the start (open inboxes need none).
    #[serde(default)]
    pub inbox_ids: Vec<String>,
    /// Teams they join from the start.
    #[serde(default)]
    pub team_ids: Vec<String>,
}

/// A pending invitation as admins see it (never with its token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub inbox_ids: Vec<String>,
    #[serde(default)]
    pub team_ids: Vec<String>,
    /// The name of the admin who sent it, while they are a member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invited_by: Option<String>,
    pub created_at: Millis,
    pub expires_at: Millis,
}

/// Answer to [`NewInvitation`] (201): the link to give the invitee, shown this once (only a
/// digest of its token is stored).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationCreated {
    pub invitation: Invitation,
    /// `{origin}/inbox#invite={token}`: the token stays in the fragment, out of server logs.
    pub url: String,
    /// Whether the link was also e-mailed to them (queued); when not, why not, for the admin
    /// who then passes the link on themselves.
    #[serde(default)]
    pub emailed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_emailed_because: Option<String>,
}

/// `GET /api/admin/invitations`: pending invitations, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationList {
    pub invitations: Vec<Invitation>,
}

/// `GET /api/invitations/current` (the invitation's token as `Authorization: Bearer`): what
/// the invitee is about to accept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPreview {
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The name of the site they will answer for.
    pub site_name: String,
    pub expires_at: Millis,
}

/// `POST /api/invitations/accept` (token as `Authorization: Bearer`): become a member and be
/// signed in. Answered with the new [`AgentProfile`] (201) and a session cookie.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptInvitation {
    pub name: String,
    pub password: String,
}

/// One row of the inbox list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationSummary {
    pub id: String,
    pub site_id: String,
    pub channel: Channel,
    pub status: ConversationStatus,
    pub created_at: Millis,
    pub last_message_at: Millis,
    /// The start of the last message, for the list.
    pub last_message_preview: String,
    pub last_seq: Seq,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
    /// The visitor's consent, when the site asked for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<ConsentRecord>,
    /// The person's name on Messenger or WhatsApp, when Meta gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_name: Option<String>,
    /// The member it is assigned to; none while unassigned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee_id: Option<String>,
    /// Who wrote the last message (none for rows from before this was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_author: Option<LastAuthor>,
    /// The inbox it is in, which decides who may see it.
    #[serde(default = "default_inbox")]
    pub inbox_id: String,
    /// The team it is assigned to (one that sees its inbox), beside or instead of a member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
}

/// The id of the inbox every deployment starts with (open to every member).
pub const DEFAULT_INBOX: &str = "default";

fn default_inbox() -> String {
    DEFAULT_INBOX.to_owned()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LastAuthor {
    Visitor,
    Agent,
}

/// `PUT /api/agent/conversations/{id}/assignee`: assign to a member, or unassign with `null`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assign {
    pub agent_id: Option<String>,
}

/// `PUT /api/agent/conversations/{id}/team`: give it to a team, or take it from its team with
/// `null`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignTeam {
    pub team_id: Option<String>,
}

/// How agents' replies reach a website visitor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyChannel {
    /// In the chat (the widget), as always.
    #[default]
    Chat,
    /// By e-mail to the visitor's known address, each reply also kept in the chat; what the
    /// visitor writes back by e-mail joins the conversation. A message from the widget switches
    /// it back to the chat.
    Email,
}

/// `PUT /api/agent/conversations/{id}/reply-by` (and its answer): switch a website chat's
/// replies to e-mail, or back to the chat. E-mail needs the visitor's address, the site's
/// sender address and the deployment's inbound e-mail domain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyBy {
    pub channel: ReplyChannel,
}

/// `GET /api/agent/conversations`: newest activity first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationList {
    pub conversations: Vec<ConversationSummary>,
}

// ---- Meta connections (admin) ----

/// `POST /api/admin/sites/{site}/connections`: connect a Messenger Page or a WhatsApp number to
/// the site's inbox. The token is sealed at rest and never returned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewConnection {
    /// `messenger` or `whatsapp`.
    pub channel: Channel,
    /// The Page id, or the WhatsApp phone number id.
    pub account_id: String,
    /// The WhatsApp Business Account id (required for WhatsApp: templates are listed by it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_account_id: Option<String>,
    /// How agents see the connection ("Bakery Page", "+46 8 123 45").
    pub name: String,
    /// A Page access token, or a WhatsApp system-user token.
    pub access_token: String,
    /// The inbox its conversations go to; the site's chat inbox when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inbox_id: Option<String>,
}

/// A connection as the admin API shows it: everything but the token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    pub id: String,
    pub site_id: String,
    pub channel: Channel,
    pub account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_account_id: Option<String>,
    pub name: String,
    /// `expired` once Meta refused the token (error 190): the admin must reconnect.
    pub token_state: TokenState,
    pub created_at: Millis,
    #[serde(default = "default_inbox")]
    pub inbox_id: String,
    /// What happens before an agent answers.
    #[serde(default)]
    pub flow: ChannelFlow,
}

/// `PUT /api/admin/sites/{site}/connections/{id}/token`: a new token for a connection (after
/// Meta refused the old one); it is valid again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    pub access_token: String,
}

/// `PUT /api/admin/sites/{site}/connections/{id}/flow` (answered with the `Connection`): what
/// happens on a Messenger Page or WhatsApp number before an agent answers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelFlow {
    /// Messenger's greeting, on the welcome screen before the person first writes (at most
    /// 160 characters with an implicit consent text; Messenger only).
    #[serde(default)]
    pub greeting: String,
    /// Sent by itself after the first message of each new conversation; empty for none. Never
    /// sent outside Meta's 24-hour window.
    #[serde(default)]
    pub instant_reply: String,
    /// GDPR (Messenger only): `off`; `implicit` (the consent text goes with the greeting);
    /// `explicit` (a person's messages are held, not taken into the inbox, until they tap
    /// "I agree" under the consent text, which is sent to them once).
    #[serde(default)]
    pub consent: crate::settings::ConsentMode,
    #[serde(default)]
    pub consent_text: String,
    /// Who the channel's new conversations are assigned to, as for chat (off by default: the
    /// team picks them up).
    #[serde(default)]
    pub routing: crate::settings::RoutingSettings,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenState {
    Valid,
    Expired,
}

/// `POST /api/admin/housekeeping`: what the run did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HousekeepingDone {
    /// Uploads deleted because no message sent them within
    /// [`crate::limits::UPLOAD_CLAIM_WINDOW_MS`].
    pub uploads_deleted: usize,
    /// Replies and e-mails stuck with no attempt on the way, queued again.
    #[serde(default)]
    pub requeued: usize,
    /// Replies and e-mails stuck after their last attempt, failed for good.
    #[serde(default)]
    pub failed: usize,
}

/// `GET /api/admin/sites/{site}/connections`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionList {
    pub connections: Vec<Connection>,
}

// ---- inboxes and teams ----

/// An inbox: where channels deliver, and who may see what arrives. Admins see every inbox; other
/// members see an inbox open to `everyone`, one they are given by name, or one given to a team
/// of theirs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    pub id: String,
    pub name: String,
    pub everyone: bool,
    pub member_ids: Vec<String>,
    pub team_ids: Vec<String>,
    /// The channels delivering here.
    pub channels: Vec<InboxChannel>,
}

/// A channel connected to an inbox: a site's chat (`id` is the site's), or a Messenger Page or
/// WhatsApp number (`id` is the connection's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxChannel {
    pub channel: Channel,
    pub id: String,
    pub name: String,
    /// The site it belongs to (for a site's chat, `id` itself).
    pub site_id: String,
}

/// `GET /api/agent/inboxes`: the inboxes the caller sees, by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxList {
    pub inboxes: Vec<Inbox>,
}

/// `POST /api/admin/inboxes` (201 `Inbox`) and `PUT /api/admin/inboxes/{id}` (200 `Inbox`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxInput {
    pub name: String,
    #[serde(default)]
    pub everyone: bool,
    #[serde(default)]
    pub member_ids: Vec<String>,
    #[serde(default)]
    pub team_ids: Vec<String>,
}

/// A team: a named group of members, giving inbox access and named by routing rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: String,
    pub name: String,
    pub member_ids: Vec<String>,
}

/// `GET /api/agent/teams`: every team (any member may read them, to assign and mention).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamList {
    pub teams: Vec<Team>,
}

/// `POST /api/admin/teams` (201 `Team`) and `PUT /api/admin/teams/{id}` (200 `Team`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamInput {
    pub name: String,
    #[serde(default)]
    pub member_ids: Vec<String>,
}

/// `PUT /api/agent/conversations/{id}/inbox` (the caller must see both inboxes),
/// `PUT /api/admin/sites/{site}/inbox` and `PUT /api/admin/sites/{site}/connections/{id}/inbox`
/// (where the channel's new conversations go; those already started stay where they are).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxChoice {
    pub inbox_id: String,
}

// ---- first-run setup ----

/// `POST /api/setup`, authorised by the deployment's `SETUP_TOKEN` secret; works once, while
/// the deployment has no agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setup {
    pub site_name: String,
    pub admin: NewAgent,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAgent {
    pub email: String,
    pub name: String,
    pub password: String,
}

/// Answer to [`Setup`] (201).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupDone {
    pub site_id: String,
    pub admin: AgentProfile,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_has_the_documented_shape() {
        let body = ErrorBody {
            error: ErrorDetail {
                code: ErrorCode::MessageTooLong,
                message: "too long".into(),
                retry_after: None,
            },
        };
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": {"code": "message_too_long", "message": "too long"}})
        );
    }

    #[test]
    fn optional_fields_may_be_absent() {
        let parsed: CreateConversation = serde_json::from_str(
            r#"{"site_id":"s","first_message":{"client_id":"c","body":"hi"}}"#,
        )
        .unwrap();
        assert_eq!(parsed.page_url, None);
        assert_eq!(parsed.first_message.body, "hi");
    }
}
