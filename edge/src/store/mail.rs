//! The visitor's details agents fill in, and the record of e-mails sent from conversations.

use protocol::api::{EmailKind, EmailRecord, EmailStatus, PastConversation, VisitorDetails};
use protocol::frame::AgentRef;
use protocol::Millis;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, Result};

use super::{changes, num, opt_text, stmt, text, Viewer};

/// The chat's visitor as the team knows them, with where the chat started and their other
/// conversations that `viewer` sees; `None` when the conversation is not a website chat (or
/// does not exist).
pub async fn visitor_details(
    db: &D1Database,
    conversation_id: &str,
    viewer: &Viewer<'_>,
) -> Result<Option<VisitorDetails>> {
    #[derive(Deserialize)]
    struct Row {
        name: Option<String>,
        email: Option<String>,
        verified_email: Option<String>,
        page_url: Option<String>,
        referrer: Option<String>,
        locale: Option<String>,
        user_agent: Option<String>,
        contact: i64,
        owner_id: Option<String>,
        /// A JSON array of `PastConversation`s.
        previous: String,
    }
    let row: Option<Row> = stmt(
        db,
        &format!(
            "SELECT v.name, v.email, v.identity AS verified_email, c.page_url, c.referrer, \
             c.locale, c.user_agent, v.contact_at IS NOT NULL AS contact, v.owner_id, \
             (SELECT json_group_array(json_object('id', p.id, 'created_at', p.created_at, \
                 'status', p.status, 'preview', COALESCE(p.last_message_preview, ''))) FROM \
                 (SELECT * FROM conversations p WHERE p.visitor_id = c.visitor_id AND p.id != c.id \
                  AND p.last_seq > 0 AND {} ORDER BY p.created_at DESC LIMIT 20) p) AS previous \
             FROM conversations c \
             JOIN visitors v ON v.id = c.visitor_id WHERE c.id = ?1",
            viewer.sees("p.inbox_id", 2)
        ),
        &[
            text(conversation_id),
            viewer.admin_arg(),
            text(viewer.agent_id),
        ],
    )?
    .first(None)
    .await?;
    row.map(|r| {
        Ok(VisitorDetails {
            name: r.name,
            email: r.email,
            verified_email: r.verified_email,
            page_url: r.page_url,
            referrer: r.referrer,
            locale: r.locale,
            user_agent: r.user_agent,
            contact: r.contact == 1,
            owner_id: r.owner_id,
            previous: serde_json::from_str::<Vec<PastConversation>>(&r.previous)?,
        })
    })
    .transpose()
}

/// The contact owner of a chat's visitor, if they have one.
pub async fn contact_owner(db: &D1Database, conversation_id: &str) -> Result<Option<String>> {
    #[derive(Deserialize)]
    struct Row {
        owner_id: Option<String>,
    }
    let row: Option<Row> = stmt(
        db,
        "SELECT v.owner_id FROM conversations c JOIN visitors v ON v.id = c.visitor_id \
         WHERE c.id = ?1",
        &[text(conversation_id)],
    )?
    .first(None)
    .await?;
    Ok(row.and_then(|r| r.owner_id))
}

/// A visitor's contact owner, by name, when they have one and their site heads chats with
/// contact owners (`HeadingRule::ContactOwner`).
pub async fn heading_owner(db: &D1Database, visitor_id: &str) -> Result<Option<AgentRef>> {
    stmt(
        db,
        "SELECT a.id, a.name FROM visitors v JOIN sites s ON s.id = v.site_id \
         JOIN agents a ON a.id = v.owner_id WHERE v.id = ?1 \
         AND json_extract(s.chat_settings, '$.heading_people.kind') = 'contact_owner'",
        &[text(visitor_id)],
    )?
    .first(None)
    .await
}

/// Sets the chat visitor's name, e-mail and owner (`None` clears; the owner, already checked
/// to be a member); false when there is no such chat.
pub async fn set_visitor_details(
    db: &D1Database,
    conversation_id: &str,
    name: Option<&str>,
    email: Option<&str>,
    owner_id: Option<&str>,
) -> Result<bool> {
    let result = stmt(
        db,
        "UPDATE visitors SET name = ?2, email = ?3, owner_id = ?4 \
         WHERE id = (SELECT visitor_id FROM conversations WHERE id = ?1)",
        &[
            text(conversation_id),
            opt_text(name),
            opt_text(email),
            opt_text(owner_id),
        ],
    )?
    .run()
    .await?;
    Ok(changes(&result) == 1)
}

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
        "SELECT c.site_id, c.page_url, c.created_at, v.email AS visitor_email, \
         COALESCE(v.name, c.contact_name) AS with_name, c.last_message_preview AS preview \
         FROM conversations c LEFT JOIN visitors v ON v.id = c.visitor_id WHERE c.id = ?1",
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
        "SELECT c.site_id, c.visitor_id, COALESCE(v.email, v.identity) AS email \
         FROM conversations c JOIN visitors v ON v.id = c.visitor_id \
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

/// A queued e-mail being attempted.
#[derive(Deserialize)]
pub struct Attempt {
    pub conversation_id: Option<String>,
    pub invitation_id: Option<String>,
    pub kind: EmailKind,
    pub requested_by: Option<String>,
    pub link: Option<String>,
    pub to_address: String,
    pub subject: String,
    /// Attempts so far, this one included.
    pub attempts: u32,
    /// A reply's message.
    pub message_seq: Option<protocol::Seq>,
}

/// Counts an attempt at a queued e-mail; `None` when it is no longer queued (sent or failed
/// already: a redelivery has nothing to do).
pub async fn attempt_email(db: &D1Database, id: &str) -> Result<Option<Attempt>> {
    stmt(
        db,
        "UPDATE emails SET attempts = attempts + 1, attempted_at = ?2 \
         WHERE id = ?1 AND status = 'queued' \
         RETURNING conversation_id, invitation_id, kind, requested_by, link, to_address, subject, \
         attempts, message_seq",
        &[text(id), num(super::now())],
    )?
    .first(None)
    .await
}

/// Marks an e-mail sent (with the provider's id) or failed (with the reason).
pub async fn finish_email(
    db: &D1Database,
    id: &str,
    outcome: std::result::Result<&str, &str>,
    now: Millis,
) -> Result<()> {
    let (status, provider_id, error) = match outcome {
        Ok(provider_id) => ("sent", Some(provider_id), None),
        Err(reason) => ("failed", None, Some(reason)),
    };
    stmt(
        db,
        "UPDATE emails SET status = ?2, provider_id = ?3, error = ?4, \
         sent_at = CASE WHEN ?2 = 'sent' THEN ?5 ELSE NULL END WHERE id = ?1",
        &[
            text(id),
            text(status),
            opt_text(provider_id),
            opt_text(error),
            num(now),
        ],
    )?
    .run()
    .await?;
    Ok(())
}

/// Notes why the last attempt failed, while the e-mail waits for its retry.
pub async fn note_email_error(db: &D1Database, id: &str, error: &str) -> Result<()> {
    stmt(
        db,
        "UPDATE emails SET error = ?2 WHERE id = ?1 AND status = 'queued'",
        &[text(id), text(error)],
    )?
    .run()
    .await?;
    Ok(())
}

/// Makes a chat's visitor a contact (once: the first time stands); false when there is no such
/// chat.
pub async fn make_contact(db: &D1Database, conversation_id: &str, now: Millis) -> Result<bool> {
    let result = stmt(
        db,
        "UPDATE visitors SET contact_at = COALESCE(contact_at, ?2) \
         WHERE id = (SELECT visitor_id FROM conversations WHERE id = ?1)",
        &[text(conversation_id), num(now)],
    )?
    .run()
    .await?;
    Ok(changes(&result) == 1)
}

/// An e-mail nobody is working on any more: queued, and not attempted since `before` (its
/// queue job was lost, or ran out of the queue's retries).
#[derive(Deserialize)]
pub struct Overdue {
    pub id: String,
    pub attempts: u32,
}

/// Up to `limit` overdue e-mails, oldest first.
pub async fn overdue_emails(db: &D1Database, before: Millis, limit: u32) -> Result<Vec<Overdue>> {
    stmt(
        db,
        "SELECT id, attempts FROM emails WHERE status = 'queued' \
         AND COALESCE(attempted_at, created_at) < ?1 \
         ORDER BY COALESCE(attempted_at, created_at) LIMIT ?2",
        &[num(before), num(i64::from(limit))],
    )?
    .all()
    .await?
    .results()
}

/// Marks an overdue e-mail as looked at now, so the next sweep waits for its new job.
pub async fn touch_email(db: &D1Database, id: &str) -> Result<()> {
    stmt(
        db,
        "UPDATE emails SET attempted_at = ?2 WHERE id = ?1 AND status = 'queued'",
        &[text(id), num(super::now())],
    )?
    .run()
    .await?;
    Ok(())
}
