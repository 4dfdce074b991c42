//! Contacts (`contacts`, migration 0029): the directory, one contact's page, and editing a
//! contact. The site's property definitions are [`super::properties`]'.
//!
//! Who sees a contact: an admin sees every one; an agent sees those they own, those with a
//! conversation in an inbox they see, and those with no conversation yet; the conversations and
//! files on a contact's page are only those in inboxes the reader sees.

use protocol::api::{
    ContactConsent, ContactConversation, ContactFile, ContactQuery, ContactSummary,
};
use protocol::consent::ConsentRecord;
use protocol::settings::ConsentMode;
use protocol::{Attachment, Channel, ConversationStatus, Millis};
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement, Result};

use super::{channel_name, num, opt_num, opt_text, stmt, text, Viewer};

/// The condition that the reader (admin flag at `?{at}`, id at `?{at + 1}`) sees contact `ct`.
fn sees_contact(viewer: &Viewer<'_>, at: usize) -> String {
    format!(
        "(?{at} = 1 OR ct.owner_id = ?{me} \
          OR EXISTS (SELECT 1 FROM conversations v WHERE v.contact_id = ct.id AND {sees}) \
          OR NOT EXISTS (SELECT 1 FROM conversations v WHERE v.contact_id = ct.id))",
        me = at + 1,
        sees = viewer.sees("v.inbox_id", at),
    )
}

/// A contact's row with what is derived from their conversations.
const SUMMARY: &str = "SELECT ct.id, ct.site_id, ct.name, ct.email, ct.phone, ct.owner_id, \
     ct.listed_at, ct.created_at, \
     (SELECT MAX(c.last_message_at) FROM conversations c WHERE c.contact_id = ct.id) \
         AS last_seen_at, \
     EXISTS (SELECT 1 FROM conversations c WHERE c.contact_id = ct.id AND c.status = 'open') \
         AS open, \
     (SELECT json_group_array(channel) FROM (SELECT DISTINCT c.channel FROM conversations c \
         WHERE c.contact_id = ct.id AND c.last_seq > 0)) AS channels \
     FROM contacts ct";

#[derive(Deserialize)]
struct SummaryRow {
    id: String,
    site_id: String,
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    owner_id: Option<String>,
    listed_at: Option<Millis>,
    created_at: Millis,
    last_seen_at: Option<Millis>,
    open: i64,
    /// A JSON array of channel names.
    channels: String,
}

impl SummaryRow {
    fn summary(self) -> Result<ContactSummary> {
        let mut channels: Vec<Channel> = serde_json::from_str(&self.channels)?;
        channels.sort_by_key(|c| *c as u8);
        Ok(ContactSummary {
            id: self.id,
            site_id: self.site_id,
            name: self.name,
            email: self.email,
            phone: self.phone,
            owner_id: self.owner_id,
            channels,
            last_seen_at: self.last_seen_at,
            open: self.open == 1,
            listed_at: self.listed_at.unwrap_or(self.created_at),
        })
    }
}

/// Where a page of the directory starts: after this sort key and id.
pub struct Cursor {
    pub seen: Millis,
    pub id: String,
}

/// The directory's search, as `LIKE` patterns: the words as typed, and their digits alone when
/// they have some (for phone numbers typed with spaces).
pub struct Search {
    pub like: String,
    pub digits: Option<String>,
}

/// A page of listed contacts the reader sees that match `query` (`search`: its `q`), most
/// recently seen first (never seen: by when they were listed), `limit` at most.
pub async fn directory(
    db: &D1Database,
    viewer: &Viewer<'_>,
    query: &ContactQuery,
    search: Option<&Search>,
    after: Option<&Cursor>,
    limit: u32,
) -> Result<Vec<ContactSummary>> {
    let rows: Vec<SummaryRow> = stmt(
        db,
        &format!(
            "SELECT * FROM ({SUMMARY} WHERE ct.listed_at IS NOT NULL \
                 AND (?3 IS NULL OR ct.site_id = ?3) AND {} \
                 AND (?4 IS NULL OR ct.name LIKE ?4 ESCAPE '\\' OR ct.email LIKE ?4 ESCAPE '\\' \
                      OR ct.phone LIKE ?4 ESCAPE '\\' OR (?5 IS NOT NULL AND ct.phone LIKE ?5) \
                      OR EXISTS (SELECT 1 FROM contact_values cv WHERE cv.contact_id = ct.id \
                                 AND cv.value LIKE ?4 ESCAPE '\\')) \
                 AND (?6 IS NULL OR (?6 = 'none' AND ct.owner_id IS NULL) OR ct.owner_id = ?6) \
                 AND (?7 IS NULL OR EXISTS (SELECT 1 FROM conversations c \
                      WHERE c.contact_id = ct.id AND c.channel = ?7))) \
             WHERE (?8 IS NULL OR last_seen_at >= ?8) AND (?9 IS NULL OR open = ?9) \
               AND (?10 IS NULL OR COALESCE(last_seen_at, listed_at) < ?10 \
                    OR (COALESCE(last_seen_at, listed_at) = ?10 AND id < ?11)) \
             ORDER BY COALESCE(last_seen_at, listed_at) DESC, id DESC LIMIT ?12",
            sees_contact(viewer, 1)
        ),
        &[
            viewer.admin_arg(),
            text(viewer.agent_id),
            opt_text(query.site.as_deref()),
            opt_text(search.map(|s| s.like.as_str())),
            opt_text(search.and_then(|s| s.digits.as_deref())),
            opt_text(query.owner.as_deref()),
            opt_text(query.channel.map(channel_name)),
            opt_num(query.seen_since),
            opt_num(query.open.map(i64::from)),
            opt_num(after.map(|a| a.seen)),
            opt_text(after.map(|a| a.id.as_str())),
            num(i64::from(limit)),
        ],
    )?
    .all()
    .await?
    .results()?;
    rows.into_iter().map(SummaryRow::summary).collect()
}

/// A contact the reader sees, with when they were made and their verified address.
pub struct Found {
    pub summary: ContactSummary,
    pub created_at: Millis,
    pub verified_email: Option<String>,
}

/// Contact `id` if the reader sees it.
pub async fn contact(db: &D1Database, viewer: &Viewer<'_>, id: &str) -> Result<Option<Found>> {
    #[derive(Deserialize)]
    struct Row {
        #[serde(flatten)]
        summary: SummaryRow,
        verified_email: Option<String>,
    }
    let row: Option<Row> = stmt(
        db,
        &format!(
            "SELECT s.*, (SELECT identity FROM visitors WHERE contact_id = s.id \
                 AND identity IS NOT NULL LIMIT 1) AS verified_email \
             FROM ({SUMMARY} WHERE ct.id = ?3 AND {}) s",
            sees_contact(viewer, 1)
        ),
        &[viewer.admin_arg(), text(viewer.agent_id), text(id)],
    )?
    .first(None)
    .await?;
    row.map(|r| {
        let created_at = r.summary.created_at;
        Ok(Found {
            summary: r.summary.summary()?,
            created_at,
            verified_email: r.verified_email,
        })
    })
    .transpose()
}

/// Contact `id`'s conversations in inboxes the reader sees, newest first.
pub async fn conversations(
    db: &D1Database,
    viewer: &Viewer<'_>,
    id: &str,
) -> Result<Vec<ContactConversation>> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        channel: Channel,
        status: ConversationStatus,
        created_at: Millis,
        last_message_at: Option<Millis>,
        preview: Option<String>,
    }
    let rows: Vec<Row> = stmt(
        db,
        &format!(
            "SELECT id, channel, status, created_at, last_message_at, \
             last_message_preview AS preview FROM conversations \
             WHERE contact_id = ?3 AND {} ORDER BY created_at DESC LIMIT 200",
            viewer.sees("inbox_id", 1)
        ),
        &[viewer.admin_arg(), text(viewer.agent_id), text(id)],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows
        .into_iter()
        .map(|r| ContactConversation {
            id: r.id,
            channel: r.channel,
            status: r.status,
            created_at: r.created_at,
            last_message_at: r.last_message_at,
            preview: r.preview.unwrap_or_default(),
        })
        .collect())
}

/// The consent contact `id` gave in their website chats (mode, text version, time), newest
/// first: every conversation records its own (`conversations.consent_*`, migration 0003).
pub async fn consents(db: &D1Database, id: &str) -> Result<Vec<ContactConsent>> {
    #[derive(Deserialize)]
    struct Row {
        conversation_id: String,
        mode: ConsentMode,
        version: u32,
        at: Millis,
    }
    let rows: Vec<Row> = stmt(
        db,
        "SELECT id AS conversation_id, consent_mode AS mode, consent_version AS version, \
         consent_at AS at FROM conversations WHERE contact_id = ?1 \
         AND consent_mode IS NOT NULL AND consent_version IS NOT NULL AND consent_at IS NOT NULL \
         ORDER BY consent_at DESC",
        &[text(id)],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows
        .into_iter()
        .map(|r| ContactConsent {
            conversation_id: r.conversation_id,
            record: ConsentRecord {
                mode: r.mode,
                version: r.version,
                at: r.at,
            },
        })
        .collect())
}

/// The files in contact `id`'s conversations that the reader sees, newest first.
pub async fn files(db: &D1Database, viewer: &Viewer<'_>, id: &str) -> Result<Vec<ContactFile>> {
    #[derive(Deserialize)]
    struct Row {
        conversation_id: String,
        id: String,
        name: String,
        content_type: String,
        size: u64,
        created_at: Millis,
    }
    let rows: Vec<Row> = stmt(
        db,
        &format!(
            "SELECT a.conversation_id, a.id, a.name, a.content_type, a.size, a.created_at \
             FROM attachments a JOIN conversations c ON c.id = a.conversation_id \
             WHERE c.contact_id = ?3 AND {} ORDER BY a.created_at DESC LIMIT 500",
            viewer.sees("c.inbox_id", 1)
        ),
        &[viewer.admin_arg(), text(viewer.agent_id), text(id)],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows
        .into_iter()
        .map(|r| ContactFile {
            conversation_id: r.conversation_id,
            file: Attachment {
                id: r.id,
                name: r.name,
                content_type: r.content_type,
                size: r.size,
            },
            created_at: r.created_at,
        })
        .collect())
}

/// What an edit sets on a contact (each already checked): `None` clears.
pub struct Details<'a> {
    pub name: Option<&'a str>,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub owner_id: Option<&'a str>,
}

/// The statement setting contact `id`'s details, for the caller's batch.
pub fn set_details(
    db: &D1Database,
    id: &str,
    details: &Details<'_>,
    at: Millis,
) -> Result<D1PreparedStatement> {
    stmt(
        db,
        "UPDATE contacts SET name = ?2, email = ?3, phone = ?4, owner_id = ?5, updated_at = ?6 \
         WHERE id = ?1",
        &[
            text(id),
            opt_text(details.name),
            opt_text(details.email),
            opt_text(details.phone),
            opt_text(details.owner_id),
            num(at),
        ],
    )
}

/// The other contacts of `contact_id`'s site whose `column` (`email` or `phone`) is `value`,
/// oldest first (at most a few: what matters is whether there is exactly one).
pub async fn others_with(
    db: &D1Database,
    contact_id: &str,
    column: &str,
    value: &str,
) -> Result<Vec<String>> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
    }
    let column = match column {
        "email" => "email",
        _ => "phone",
    };
    let rows: Vec<Row> = stmt(
        db,
        &format!(
            "SELECT o.id FROM contacts o JOIN contacts me ON me.id = ?1 \
             WHERE o.site_id = me.site_id AND o.id != me.id AND o.{column} = ?2 \
             ORDER BY o.created_at LIMIT 3"
        ),
        &[text(contact_id), text(value)],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// A conversation as an export reads it from D1.
#[derive(Deserialize)]
pub struct ExportRow {
    pub id: String,
    pub site_id: String,
    pub channel: Channel,
    pub status: ConversationStatus,
    pub created_at: Millis,
    pub page_url: Option<String>,
    consent_mode: Option<ConsentMode>,
    consent_version: Option<u32>,
    consent_at: Option<Millis>,
}

impl ExportRow {
    /// The consent given in it, if the site asked.
    pub fn consent(&self) -> Option<ConsentRecord> {
        Some(ConsentRecord {
            mode: self.consent_mode?,
            version: self.consent_version?,
            at: self.consent_at?,
        })
    }
}

/// Every conversation of `contact_id`, or conversation `conversation_id`, oldest first.
pub async fn export_rows(
    db: &D1Database,
    contact_id: Option<&str>,
    conversation_id: Option<&str>,
) -> Result<Vec<ExportRow>> {
    stmt(
        db,
        "SELECT id, site_id, channel, status, created_at, page_url, consent_mode, \
         consent_version, consent_at FROM conversations \
         WHERE (?1 IS NOT NULL AND contact_id = ?1) OR (?2 IS NOT NULL AND id = ?2) \
         ORDER BY created_at",
        &[opt_text(contact_id), opt_text(conversation_id)],
    )?
    .all()
    .await?
    .results()
}

/// The files of conversation `id`, oldest first.
pub async fn conversation_files(db: &D1Database, id: &str) -> Result<Vec<ContactFile>> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        name: String,
        content_type: String,
        size: u64,
        created_at: Millis,
    }
    let rows: Vec<Row> = stmt(
        db,
        "SELECT id, name, content_type, size, created_at FROM attachments \
         WHERE conversation_id = ?1 ORDER BY created_at",
        &[text(id)],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows
        .into_iter()
        .map(|r| ContactFile {
            conversation_id: id.to_owned(),
            file: Attachment {
                id: r.id,
                name: r.name,
                content_type: r.content_type,
                size: r.size,
            },
            created_at: r.created_at,
        })
        .collect())
}
