//! HTTP request and response bodies, grouped by the route group that serves them.
//!
//! Every error response, whatever the route, is an [`ErrorBody`] with a stable [`ErrorCode`];
//! both live here, with what several groups share ([`DEFAULT_INBOX`]). Each group's types are
//! in its own module and re-exported here, so every type is `protocol::api::Thing`; so are the
//! consent types some bodies carry ([`PublicConsent`], [`ConsentRecord`]), whose home is
//! [`crate::consent`]:
//!
//! - [`site_config`]: the public site config the loader and the widget draw the chat from.
//! - [`widget`]: the widget's (visitor's) API: starting a conversation, the latest one.
//! - [`messages`]: sending and reading messages, shared by the widget's and agents' APIs.
//! - [`agent`]: the agent's own account: signing in, profile, role, status, chat limit.
//! - [`conversations`]: the agents' inbox list and assigning conversations, replies by e-mail.
//! - [`visitor`]: identified visitors, the details agents fill in, e-mails sent.
//! - [`contacts`]: the directory of people on every channel, and the site's contact properties.
//! - [`notes`]: internal notes and @mentions, and snippets (saved replies).
//! - [`team`]: members, roles, invitations, changing one's password.
//! - [`inboxes`]: inboxes and teams, and moving conversations and channels between inboxes.
//! - [`connections`]: connected Messenger Pages and WhatsApp numbers, and their flows.
//! - [`reports`]: how the team did over a period.
//! - [`setup`]: first-run setup, and what housekeeping did.

use serde::{Deserialize, Serialize};

pub mod agent;
pub mod chatflows;
pub mod connections;
pub mod contacts;
pub mod conversations;
pub mod inboxes;
pub mod messages;
pub mod notes;
pub mod reports;
pub mod setup;
pub mod site_config;
pub mod team;
pub mod visitor;
pub mod widget;

pub use crate::consent::{ConsentRecord, PublicConsent};
pub use agent::{AgentProfile, AgentStatus, Login, Role, SetAgentStatus, SetChatLimit};
pub use chatflows::{
    ActionCount, ChatflowEntry, ChatflowList, FlowReport, FlowVersionList, OutcomeCount, Rollback,
    VersionReport,
};
pub use connections::{
    ChannelFlow, Connection, ConnectionList, NewConnection, NewToken, TokenState,
};
pub use contacts::{
    ContactConsent, ContactConversation, ContactEdit, ContactFile, ContactList, ContactMerge,
    ContactPage, ContactQuery, ContactSummary, ConversationExport, Erasure, ErasureList,
    ErasureRequest, ErasureRequestList, ExportManifest, MergeContacts, MetaConsent, Property,
    PropertyInput, PropertyKind, PropertyList, PropertyValue, MERGE_UNDO_MS,
};
pub use conversations::{
    Assign, AssignTeam, ConversationList, ConversationSummary, LastAuthor, ReplyBy, ReplyChannel,
};
pub use inboxes::{
    Inbox, InboxChannel, InboxChoice, InboxInput, InboxList, Team, TeamInput, TeamList,
};
pub use messages::{MessageAccepted, MessagePage, SendMessage};
pub use notes::{
    Mention, MentionList, MentionsSeen, NewNote, NewSnippet, Note, NoteList, Snippet, SnippetList,
};
pub use reports::{AgentStats, DayCount, Durations, Report};
pub use setup::{HousekeepingDone, NewAgent, Setup, SetupDone};
pub use site_config::{PublicAttachments, PublicAvailability, WidgetConfig, HEADING_PEOPLE_MAX};
pub use team::{
    AcceptInvitation, ChangePassword, Invitation, InvitationCreated, InvitationList,
    InvitationPreview, Members, NewInvitation, SetRole,
};
pub use visitor::{
    EmailKind, EmailList, EmailRecord, EmailStatus, Identified, Identify, PastConversation,
    SendTranscript, SiteSecret, VisitorDetails,
};
pub use widget::{
    ConversationCreated, ConversationRef, CreateConversation, CurrentConversation, VisitorEmail,
};

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
    /// No contact the reader sees has that id.
    UnknownContact,
    /// The site has no contact property with that key.
    UnknownProperty,
    /// The site already has a contact property with that key.
    PropertyExists,
    /// No merge that can still be undone has that id (undone already, past 30 days, or the
    /// contact it went into was merged again since: undo that one first).
    UnknownMerge,
    /// No chatflow has that id (or no published version has that number).
    UnknownChatflow,
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

/// The id of the inbox every deployment starts with (open to every member).
pub const DEFAULT_INBOX: &str = "default";

fn default_inbox() -> String {
    DEFAULT_INBOX.to_owned()
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
}
