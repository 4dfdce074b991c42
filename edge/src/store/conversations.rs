//! The inbox index (`conversations`, migrations 0001 and 0004, and the columns added since): one
//! row per conversation, kept current by the conversation's Durable Object as messages are
//! published and its status changes, with each message's text for search (`message_text`,
//! `message_search`, migration 0012). The message log itself lives in the Durable Object.
//!
//! [`SummaryRow`] and [`SUMMARY_COLUMNS`] are the row as the inbox list shows it, shared with
//! [`super::assignment`] and [`super::inboxes`], whose changes answer with the row.

use protocol::api::{ConversationRef, ConversationSummary, LastAuthor};
use protocol::settings::ConsentMode;
use protocol::{Author, Channel, ConversationStatus, Message, Millis, Seq};
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement, Result};

use super::{consent, now, num, opt_text, reports, stmt, text, Viewer};

/// What a new conversation row records.
pub struct NewConversation<'a> {
    pub id: &'a str,
    pub site_id: &'a str,
    pub visitor_id: &'a str,
    pub page_url: Option<&'a str>,
    pub referrer: Option<&'a str>,
    pub locale: Option<&'a str>,
    /// The consent the visitor gave (mode and text version), if the site asks for it.
    pub consent: Option<(ConsentMode, u32)>,
    pub at: Millis,
    /// The browser's `User-Agent`.
    pub user_agent: Option<&'a str>,
    /// The inbox of the chatflow it started in; none: the site's.
    pub inbox_id: Option<&'a str>,
}

pub fn insert_conversation(
    db: &D1Database,
    c: &NewConversation<'_>,
) -> Result<D1PreparedStatement> {
    let [consent_mode, consent_version, consent_at] =
        consent::conversation_columns(c.consent, c.at);
    stmt(
        db,
        "INSERT INTO conversations (id, site_id, visitor_id, channel, status, page_url, referrer, \
         locale, created_at, updated_at, last_seq, consent_mode, consent_version, consent_at, \
         inbox_id, user_agent, contact_id) \
         SELECT ?1, ?2, ?3, 'chat', 'open', ?4, ?5, ?6, ?7, ?7, 0, ?8, ?9, ?10, \
             COALESCE(?12, s.inbox_id), ?11, \
             (SELECT contact_id FROM visitors WHERE id = ?3) \
         FROM sites s WHERE s.id = ?2",
        &[
            text(c.id),
            text(c.site_id),
            text(c.visitor_id),
            opt_text(c.page_url),
            opt_text(c.referrer),
            opt_text(c.locale),
            num(c.at),
            consent_mode,
            consent_version,
            consent_at,
            opt_text(c.user_agent),
            opt_text(c.inbox_id),
        ],
    )
}

#[derive(Deserialize)]
struct Found {
    #[allow(dead_code)] // only its presence matters
    found: i64,
}

/// Whether conversation `id` belongs to `visitor_id`.
pub async fn is_visitors_conversation(db: &D1Database, id: &str, visitor_id: &str) -> Result<bool> {
    let row: Option<Found> = stmt(
        db,
        "SELECT 1 AS found FROM conversations WHERE id = ?1 AND visitor_id = ?2",
        &[text(id), text(visitor_id)],
    )?
    .first(None)
    .await?;
    Ok(row.is_some())
}

/// Whether conversation `id` exists and is in an inbox `viewer` sees.
pub async fn conversation_visible(db: &D1Database, id: &str, viewer: &Viewer<'_>) -> Result<bool> {
    let row: Option<Found> = stmt(
        db,
        &format!(
            "SELECT 1 AS found FROM conversations WHERE id = ?1 AND {}",
            viewer.sees("inbox_id", 2)
        ),
        &[text(id), viewer.admin_arg(), text(viewer.agent_id)],
    )?
    .first(None)
    .await?;
    Ok(row.is_some())
}

#[derive(Deserialize)]
struct RefRow {
    id: String,
    status: ConversationStatus,
    last_seq: Seq,
}

/// The visitor's most recently started conversation.
pub async fn latest_conversation(
    db: &D1Database,
    visitor_id: &str,
) -> Result<Option<ConversationRef>> {
    let row: Option<RefRow> = stmt(
        db,
        "SELECT id, status, last_seq FROM conversations WHERE visitor_id = ?1 \
         ORDER BY created_at DESC, id DESC LIMIT 1",
        &[text(visitor_id)],
    )?
    .first(None)
    .await?;
    Ok(row.map(|r| ConversationRef {
        id: r.id,
        status: r.status,
        last_seq: r.last_seq,
    }))
}

#[derive(Deserialize)]
pub(super) struct SummaryRow {
    id: String,
    site_id: String,
    channel: Channel,
    status: ConversationStatus,
    created_at: Millis,
    last_message_at: Option<Millis>,
    last_message_preview: Option<String>,
    last_seq: Seq,
    page_url: Option<String>,
    consent_mode: Option<ConsentMode>,
    consent_version: Option<u32>,
    consent_at: Option<Millis>,
    contact_name: Option<String>,
    assignee_id: Option<String>,
    last_author: Option<LastAuthor>,
    inbox_id: String,
    team_id: Option<String>,
    bot_active: i64,
}

impl From<SummaryRow> for ConversationSummary {
    fn from(r: SummaryRow) -> Self {
        Self {
            id: r.id,
            site_id: r.site_id,
            channel: r.channel,
            status: r.status,
            created_at: r.created_at,
            last_message_at: r.last_message_at.unwrap_or(r.created_at),
            last_message_preview: r.last_message_preview.unwrap_or_default(),
            last_seq: r.last_seq,
            page_url: r.page_url,
            consent: consent::record(r.consent_mode, r.consent_version, r.consent_at),
            contact_name: r.contact_name,
            assignee_id: r.assignee_id,
            last_author: r.last_author,
            inbox_id: r.inbox_id,
            team_id: r.team_id,
            bot_active: r.bot_active == 1,
        }
    }
}

pub(super) const SUMMARY_COLUMNS: &str = "id, site_id, channel, status, created_at, last_message_at, \
                               last_message_preview, last_seq, page_url, consent_mode, \
                               consent_version, consent_at, contact_name, assignee_id, last_author, \
                               inbox_id, team_id, bot_active";

/// Conversations with at least one message in the inboxes `viewer` sees (only `inbox` when
/// given), newest activity first.
pub async fn list_conversations(
    db: &D1Database,
    viewer: &Viewer<'_>,
    inbox: Option<&str>,
    limit: u32,
) -> Result<Vec<ConversationSummary>> {
    let rows: Vec<SummaryRow> = stmt(
        db,
        &format!(
            "SELECT {SUMMARY_COLUMNS} FROM conversations WHERE last_seq > 0 AND {} \
             AND (?4 IS NULL OR inbox_id = ?4) \
             ORDER BY last_message_at DESC, id DESC LIMIT ?1",
            viewer.sees("inbox_id", 2)
        ),
        &[
            num(i64::from(limit)),
            viewer.admin_arg(),
            text(viewer.agent_id),
            opt_text(inbox),
        ],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Conversations whose messages contain every word of `fts` (an FTS5 expression from
/// `domain::search`), or whose visitor's name or e-mail, or Meta contact's name, is `like`;
/// newest activity first.
pub async fn search_conversations(
    db: &D1Database,
    viewer: &Viewer<'_>,
    inbox: Option<&str>,
    fts: Option<&str>,
    like: &str,
    limit: u32,
) -> Result<Vec<ConversationSummary>> {
    let text_match = if fts.is_some() {
        "id IN (SELECT t.conversation_id FROM message_search s \
         JOIN message_text t ON t.rowid = s.rowid WHERE message_search MATCH ?1) OR "
    } else {
        ""
    };
    let rows: Vec<SummaryRow> = stmt(
        db,
        &format!(
            "SELECT {SUMMARY_COLUMNS} FROM conversations WHERE last_seq > 0 AND {} \
             AND (?6 IS NULL OR inbox_id = ?6) AND ({text_match} \
             contact_id IN (SELECT id FROM contacts WHERE name LIKE ?2 ESCAPE '\\' \
                 OR email LIKE ?2 ESCAPE '\\' OR phone LIKE ?2 ESCAPE '\\') \
             OR contact_name LIKE ?2 ESCAPE '\\') \
             ORDER BY last_message_at DESC, id DESC LIMIT ?3",
            viewer.sees("inbox_id", 4)
        ),
        &[
            text(fts.unwrap_or("")),
            text(like),
            num(i64::from(limit)),
            viewer.admin_arg(),
            text(viewer.agent_id),
            opt_text(inbox),
        ],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Brings the index up to date with a stored message, in one transaction: its text for search
/// (once per message: the table's key ignores a second insert), an agent's reply for reports,
/// and the conversation's row, which only moves forward (a late update for an older message
/// never overwrites a newer one). Returns the row as it now is, or `None` when this update was
/// stale.
pub async fn publish_message(
    db: &D1Database,
    id: &str,
    message: &Message,
    preview: &str,
) -> Result<Option<ConversationSummary>> {
    let mut batch = Vec::new();
    let searchable = match &message.attachment {
        Some(file) => format!("{} {}", message.body, file.name),
        None => message.body.clone(),
    };
    if !searchable.trim().is_empty() {
        batch.push(stmt(
            db,
            "INSERT OR IGNORE INTO message_text (conversation_id, seq, body) VALUES (?1, ?2, ?3)",
            &[text(id), num(message.seq as i64), text(&searchable)],
        )?);
    }
    if let Author::Agent { id: agent, name } = &message.author {
        // The flow's automated messages are nobody's replies.
        if !agent.starts_with(crate::participant::AUTOMATED_PREFIX) {
            batch.extend(reports::agent_reply(db, id, agent, name, message.sent_at)?);
        }
    }
    let last_author = match message.author {
        Author::Visitor => "visitor",
        Author::Agent { .. } => "agent",
        Author::Bot { .. } => "bot",
    };
    batch.push(stmt(
        db,
        &format!(
            "UPDATE conversations SET last_seq = ?2, last_message_at = ?3, updated_at = ?3, \
             last_message_preview = ?4, last_author = ?5 WHERE id = ?1 AND last_seq < ?2 \
             RETURNING {SUMMARY_COLUMNS}"
        ),
        &[
            text(id),
            num(message.seq as i64),
            num(message.sent_at),
            text(preview),
            text(last_author),
        ],
    )?);
    let results = db.batch(batch).await?;
    let rows: Vec<SummaryRow> = match results.last() {
        Some(r) => r.results()?,
        None => Vec::new(),
    };
    Ok(rows.into_iter().next().map(Into::into))
}

/// Sets a conversation's status in the index; returns the row as it now is.
pub async fn set_conversation_status(
    db: &D1Database,
    id: &str,
    status: ConversationStatus,
) -> Result<Option<ConversationSummary>> {
    let value = match status {
        ConversationStatus::Open => "open",
        ConversationStatus::Closed => "closed",
    };
    let row: Option<SummaryRow> = stmt(
        db,
        &format!(
            "UPDATE conversations SET status = ?2, updated_at = ?3, closed_at = CASE \
             WHEN ?2 = 'open' THEN NULL WHEN status = 'closed' THEN closed_at ELSE ?3 END \
             WHERE id = ?1 RETURNING {SUMMARY_COLUMNS}"
        ),
        &[text(id), text(value), num(now())],
    )?
    .first(None)
    .await?;
    Ok(row.map(Into::into))
}

/// The site of a conversation, or `None`.
pub async fn conversation_site(db: &D1Database, conversation_id: &str) -> Result<Option<String>> {
    #[derive(Deserialize)]
    struct Row {
        site_id: String,
    }
    let row: Option<Row> = stmt(
        db,
        "SELECT site_id FROM conversations WHERE id = ?1",
        &[text(conversation_id)],
    )?
    .first(None)
    .await?;
    Ok(row.map(|r| r.site_id))
}
