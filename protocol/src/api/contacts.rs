//! Contacts: the people the team talks to, one per person whatever the channel (the website's
//! visitors, Messenger and WhatsApp senders), listed in the inbox's directory with the site's own
//! contact properties.
//!
//! - `GET /api/agent/contacts` ([`ContactQuery`] as the query) → [`ContactList`]
//! - `GET /api/agent/contacts/{id}` → [`ContactPage`]; `PUT` it with [`ContactEdit`]
//! - `POST /api/agent/contacts/{id}/merge` ([`MergeContacts`]) → [`ContactPage`], and
//!   `POST /api/agent/contact-merges/{merge}/undo` → the [`ContactPage`] of the one merged into
//! - `GET /api/admin/sites/{site}/contact-properties` → [`PropertyList`]; `POST` a
//!   [`PropertyInput`]; `PUT`/`DELETE …/{key}` (admins; agents read the properties on each
//!   contact's page)

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::consent::ConsentRecord;
use crate::{Attachment, Channel, ConversationStatus, Millis};

/// One row of the directory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContactSummary {
    pub id: String,
    pub site_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    /// The channels the person has written on, in [`Channel`] order.
    pub channels: Vec<Channel>,
    /// Their last message, on any channel; none before they wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen_at: Option<Millis>,
    /// Whether one of their conversations is open.
    pub open: bool,
    /// When they entered the directory.
    pub listed_at: Millis,
}

/// `GET /api/agent/contacts`: a page of the directory, most recently seen first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContactList {
    pub contacts: Vec<ContactSummary>,
    /// Pass as `after` for the next page; none on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// The directory's query parameters, all optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactQuery {
    /// Only this site's contacts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// Words found in the name, e-mail, phone or any property's value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// A member's id, or `none` for contacts without an owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Only people who wrote on this channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// Only people seen since this time (milliseconds since the epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen_since: Option<Millis>,
    /// `true`: only people with an open conversation; `false`: only those without.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<bool>,
    /// The [`ContactList::next`] of the page before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// `GET /api/agent/contacts/{id}`: everything the team holds of one person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContactPage {
    pub contact: ContactSummary,
    /// The verified address, when the site's backend identified them (`docs/identity.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_email: Option<String>,
    /// The site's properties, each with this contact's value when it has one.
    pub properties: Vec<PropertyValue>,
    /// Their conversations on every channel that the reader sees, newest first.
    pub conversations: Vec<ContactConversation>,
    /// The consent they gave, one record per conversation that asked, newest first.
    pub consents: Vec<ContactConsent>,
    /// Where their explicit consent on Messenger stands, per Page they wrote to (a Page with
    /// explicit consent asks once, and holds their messages until they agree).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub meta_consents: Vec<MetaConsent>,
    /// The files in their conversations that the reader sees, newest first.
    pub files: Vec<ContactFile>,
    /// When the contact was made (their first visit or message).
    pub created_at: Millis,
    /// The merges into this contact that can still be undone, newest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merges: Vec<ContactMerge>,
}

/// One of a contact's conversations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactConversation {
    pub id: String,
    pub channel: Channel,
    pub status: ConversationStatus,
    pub created_at: Millis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_message_at: Option<Millis>,
    pub preview: String,
}

/// A consent record and the conversation it was given in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactConsent {
    pub conversation_id: String,
    #[serde(flatten)]
    pub record: ConsentRecord,
}

/// A person's explicit consent on a Meta channel, per account (Page) they wrote to: when they
/// were asked, and when they agreed, to which words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetaConsent {
    pub channel: Channel,
    /// The Page (or number) id.
    pub account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asked_at: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreed_at: Option<Millis>,
    /// The consent text as they saw it when they agreed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// A file from a contact's conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactFile {
    pub conversation_id: String,
    #[serde(flatten)]
    pub file: Attachment,
    pub created_at: Millis,
}

/// `PUT /api/agent/contacts/{id}`: what changes. A field left out stays as it is and an empty
/// string clears it (`owner_id` too); `properties` sets the values it names (`null` or `""`
/// clears one) and leaves the others. So a bot or an API client can write one property without
/// knowing the rest.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactEdit {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, Option<serde_json::Value>>,
}

/// What a property holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PropertyKind {
    /// One line of text, at most 1,000 characters.
    Text,
    /// A finite number, sent as a JSON number.
    Number,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// One of the property's `options`.
    Choice,
}

/// A contact property the site's admins defined.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Property {
    /// Its name in the API and in chatflows (`plan`, `company_size`): lower-case letters,
    /// digits and `_`, starting with a letter; fixed once made.
    pub key: String,
    /// Its name for people.
    pub label: String,
    pub kind: PropertyKind,
    /// A choice's options, in the order they are offered; empty for the other kinds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

/// `GET /api/admin/sites/{site}/contact-properties`: the site's properties, in the order admins
/// made them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertyList {
    pub properties: Vec<Property>,
}

/// `POST /api/admin/sites/{site}/contact-properties` (with `key` and `kind`) and `PUT …/{key}`
/// (label and options; the key and kind stay as made).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertyInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<PropertyKind>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

/// A property with one contact's value (none when unset). Numbers are JSON numbers; text,
/// dates and choices are strings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PropertyValue {
    #[serde(flatten)]
    pub property: Property,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
}

/// `POST /api/agent/contacts/{id}/merge`: contact `from` is the same person as this one; its
/// ways in (browsers, Messenger and WhatsApp ids), conversations, consent records and property
/// values move here, and it is gone. Where both have a value, this contact's stays unless
/// `take` names the field (`name`, `email`, `phone`, `owner_id`, or `properties.{key}`); where
/// only `from` has one, it is taken.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeContacts {
    pub from: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub take: Vec<String>,
}

/// A merge into a contact, undoable by any member who sees the contact for 30 days
/// (`POST /api/agent/contact-merges/{id}/undo` → the contact's [`ContactPage`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactMerge {
    pub id: String,
    /// The contact merged away, as it was called then.
    pub from_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_name: Option<String>,
    /// The member who merged; none when Porchlight did (a verified address or number matched).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_by: Option<String>,
    pub merged_at: Millis,
    /// After this, it can no longer be undone.
    pub undo_until: Millis,
}

/// How long a merge can be undone.
pub const MERGE_UNDO_MS: Millis = 30 * 24 * 60 * 60 * 1000;

/// One conversation in an export (`conversations/{id}.json` of the zip): everything stored of
/// it. An admin's export of a contact also has the team's notes and the e-mails sent from it;
/// a visitor's download of their own conversation has neither.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConversationExport {
    pub id: String,
    pub channel: Channel,
    pub status: ConversationStatus,
    pub created_at: Millis,
    /// Where a website chat started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
    pub messages: Vec<crate::Message>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<crate::api::Note>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<crate::api::EmailRecord>,
    /// The consent given in it, when the site asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<ConsentRecord>,
}

/// `export.json` of a zip: what it is, when it was made, and the files it leaves out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportManifest {
    /// `contact` (an admin's export of a person) or `conversation` (a visitor's download).
    pub kind: String,
    pub exported_at: Millis,
    /// The conversations' files, as `files/{conversation}/{file id}/{name}` in the zip.
    pub files: Vec<ContactFile>,
    /// Files left out because the export had reached its size (ids; fetch them one by one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files_left_out: Vec<String>,
}

/// `POST /api/admin/contacts/{id}/erase` (→ 200 when done at once, 202 while parts are retried)
/// and `GET /api/admin/erasures`: a contact's erasure, as the accounts keep it. It names nobody:
/// who asked, when, and how much went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Erasure {
    pub id: String,
    pub site_id: String,
    /// `contact` (an admin erased a person) or `retention` (closed conversations past the
    /// site's retention, erased by the cron).
    pub kind: String,
    /// The admin who erased; none once they left the team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_by: Option<String>,
    pub requested_at: Millis,
    /// None while a part is still being retried (by the cron, with growing delays).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<Millis>,
    pub conversations: u32,
    pub files: u32,
    /// Why the last attempt stopped short, while it is being retried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

/// `GET /api/admin/erasures`: the latest erasures, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureList {
    pub erasures: Vec<Erasure>,
}

/// A visitor's request that their data be erased (`POST /api/widget/conversations/{id}/erasure`
/// from the widget), waiting for an admin: `GET /api/admin/erasure-requests` lists them;
/// `POST …/{id}/confirm` erases the contact (→ [`Erasure`]); `POST …/{id}/decline` keeps it,
/// recorded with who declined and when (→ 204).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureRequest {
    pub id: String,
    pub site_id: String,
    pub contact_id: String,
    /// The contact's name (or e-mail, or phone) when the request was listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_name: Option<String>,
    /// The conversation the visitor asked from.
    pub conversation_id: String,
    pub requested_at: Millis,
}

/// `GET /api/admin/erasure-requests`: the requests waiting, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureRequestList {
    pub requests: Vec<ErasureRequest>,
}
