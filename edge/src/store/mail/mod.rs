//! The record of e-mails sent from conversations (and invitations), and what an e-mail needs of
//! its conversation: a transcript's source, a reply's visitor, the team's sender.
//!
//! The rest is in submodules, their items re-exported here so `store::mail::x` works for every
//! caller:
//!
//! - `details`: the visitor's details agents fill in (name, e-mail, contact owner), and making
//!   them a contact.
//! - `attempts`: a queued e-mail's attempts: counted, finished, noted, and the overdue ones a
//!   sweep finds.

use protocol::api::{EmailKind, EmailRecord, EmailStatus};
use protocol::Millis;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, Result};

use super::{num, opt_text, stmt, text};

mod attempts;
mod details;

pub use attempts::{
    attempt_email, finish_email, note_email_error, overdue_emails, touch_email, Attempt, Overdue,
};
pub use details::{
    contact_owner, heading_owner, make_contact, set_left_email, set_visitor_details,
    visitor_details,
};

/// What a transcript needs of its conversation.
#[derive(Deserialize)]
pub struct TranscriptSource {
    pub site_id: String,
    pub page_url: Option<String>,
    pub created_at: Millis,
    pub visitor_email: Option<String>,
    /// Who is on the other side: the visitor's name as agents gave it, or the Meta contact's.
    pub with_name: Option<String>,
    pub preview: Option<String>,
}

pub async fn transcript_source(
    db: &D1Database,
    conversation_id: &str,
) -> Result<Option<TranscriptSource>> {
    stmt(
        db,
        "SELECT c.site_id, c.page_url, c.created_at, ct.email AS visitor_email, \
         COALESCE(ct.name, c.contact_name) AS with_name, c.last_message_preview AS preview \
         FROM conversations c LEFT JOIN contacts ct ON ct.id = c.contact_id WHERE c.id = ?1",
        &[text(conversation_id)],
    )?
    .first(None)
    .await
}

/// A website chat's visitor, as replies by e-mail reach them.
#[derive(Deserialize)]
pub struct ReplyTarget {
    pub site_id: String,
    pub visitor_id: String,
    /// The address the team filled in, else the one the site's backend vouched for.
    pub email: Option<String>,
}

/// The visitor of website chat `conversation_id`; `None` for another channel or no such chat.
pub async fn reply_target(db: &D1Database, conversation_id: &str) -> Result<Option<ReplyTarget>> {
    stmt(
        db,
        "SELECT c.site_id, c.visitor_id, COALESCE(ct.email, v.identity) AS email \
         FROM conversations c JOIN visitors v ON v.id = c.visitor_id \
         LEFT JOIN contacts ct ON ct.id = c.contact_id \
         WHERE c.id = ?1 AND c.channel = 'chat'",
        &[text(conversation_id)],
    )?
    .first(None)
    .await
}

const EMAIL_COLUMNS: &str =
    "id, kind, to_address, subject, status, error, requested_by, created_at, sent_at";

#[derive(Deserialize)]
struct EmailRow {
    id: String,
    kind: EmailKind,
    to_address: String,
    subject: String,
    status: EmailStatus,
    error: Option<String>,
    requested_by: Option<String>,
    created_at: Millis,
    sent_at: Option<Millis>,
}

impl From<EmailRow> for EmailRecord {
    fn from(r: EmailRow) -> Self {
        Self {
            id: r.id,
            kind: r.kind,
            to: r.to_address,
            subject: r.subject,
            status: r.status,
            error: r.error,
            requested_by: r.requested_by,
            created_at: r.created_at,
            sent_at: r.sent_at,
        }
    }
}

/// Records a queued e-mail (before it is put on the queue, so the record exists first);
/// `link` is an assignment notice's inbox address.
pub async fn insert_email(
    db: &D1Database,
    owner: EmailOwner<'_>,
    record: &EmailRecord,
    link: Option<&str>,
) -> Result<()> {
    let kind = match record.kind {
        EmailKind::Transcript => "transcript",
        EmailKind::Assignment => "assignment",
        EmailKind::Invitation => "invitation",
        EmailKind::Reply => "reply",
    };
    let (conversation_id, invitation_id, seq) = match owner {
        EmailOwner::Conversation(id) => (Some(id), None, None),
        EmailOwner::Reply(id, seq) => (Some(id), None, Some(seq)),
        EmailOwner::Invitation(id) => (None, Some(id), None),
    };
    stmt(
        db,
        "INSERT INTO emails (id, conversation_id, invitation_id, kind, to_address, subject, \
         status, requested_by, created_at, link, message_seq) \
         VALUES (?1, ?2, ?9, ?7, ?3, ?4, 'queued', ?5, ?6, ?8, ?10)",
        &[
            text(&record.id),
            opt_text(conversation_id),
            text(&record.to),
            text(&record.subject),
            opt_text(record.requested_by.as_deref()),
            num(record.created_at),
            text(kind),
            opt_text(link),
            opt_text(invitation_id),
            seq.map_or(JsValue::NULL, |s| num(i64::try_from(s).unwrap_or(i64::MAX))),
        ],
    )?
    .run()
    .await?;
    Ok(())
}

/// What an e-mail belongs to.
#[derive(Clone, Copy)]
pub enum EmailOwner<'a> {
    Conversation(&'a str),
    /// A reply by e-mail: the conversation, and the message the e-mail carries.
    Reply(&'a str, protocol::Seq),
    Invitation(&'a str),
}

/// Forgets an e-mail's link: an invitation's, sealed, once it is sent or failed.
pub async fn forget_link(db: &D1Database, id: &str) -> Result<()> {
    stmt(
        db,
        "UPDATE emails SET link = NULL WHERE id = ?1",
        &[text(id)],
    )?
    .run()
    .await?;
    Ok(())
}

/// The chat settings of the first site (the oldest) with a sender address: the team's e-mail
/// (invitations) goes from there.
pub async fn team_sender(db: &D1Database) -> Result<Option<protocol::settings::ChatSettings>> {
    #[derive(Deserialize)]
    struct Row {
        chat_settings: String,
    }
    let row: Option<Row> = stmt(
        db,
        "SELECT chat_settings FROM sites \
         WHERE COALESCE(json_extract(chat_settings, '$.email.from_address'), '') != '' \
         ORDER BY created_at, id LIMIT 1",
        &[],
    )?
    .first(None)
    .await?;
    row.map(|r| serde_json::from_str(&r.chat_settings).map_err(Into::into))
        .transpose()
}

/// A conversation's e-mails, newest first.
pub async fn emails(db: &D1Database, conversation_id: &str) -> Result<Vec<EmailRecord>> {
    let rows: Vec<EmailRow> = stmt(
        db,
        &format!(
            "SELECT {EMAIL_COLUMNS} FROM emails WHERE conversation_id = ?1 \
             ORDER BY created_at DESC, id"
        ),
        &[text(conversation_id)],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows.into_iter().map(Into::into).collect())
}
