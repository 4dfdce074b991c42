//! Erasing a contact from D1 (`erasures`, migration 0029): what the erasure plans to erase, the
//! statements that do it (each safe to run again), and the record the accounts keep.

use protocol::api::Erasure;
use protocol::Millis;
use serde::{Deserialize, Serialize};
use worker::{D1Database, Result};

use super::{num, opt_text, stmt, text};

/// A Messenger or WhatsApp sender, as Meta names them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sender {
    pub channel: String,
    pub account_id: String,
    pub sender_id: String,
}

/// What an erasure erases, fixed when it starts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The person erased; none for a retention run (conversations only).
    pub contact_id: Option<String>,
    pub visitors: Vec<String>,
    pub conversations: Vec<String>,
    /// R2 keys of the files.
    pub files: Vec<String>,
    pub senders: Vec<Sender>,
}

/// The plan for erasing contact `contact_id` (of `site_id`): its visitors, its conversations
/// (and those of its visitors), their files and the visitors' uploads not yet sent, and the
/// Meta senders of its conversations.
pub async fn plan(db: &D1Database, contact_id: &str) -> Result<Plan> {
    #[derive(Deserialize)]
    struct Row {
        visitors: String,
        conversations: String,
        files: String,
        senders: String,
    }
    let row: Option<Row> = stmt(
        db,
        "WITH v AS (SELECT id FROM visitors WHERE contact_id = ?1), \
              c AS (SELECT id, channel, meta_account_id, meta_contact_id FROM conversations \
                    WHERE contact_id = ?1 OR visitor_id IN (SELECT id FROM v)) \
         SELECT (SELECT json_group_array(id) FROM v) AS visitors, \
                (SELECT json_group_array(id) FROM c) AS conversations, \
                (SELECT json_group_array('sites/' || site_id || '/files/' || id) FROM attachments \
                 WHERE conversation_id IN (SELECT id FROM c) OR uploaded_by IN (SELECT id FROM v)) \
                    AS files, \
                (SELECT json_group_array(json_object('channel', channel, \
                    'account_id', meta_account_id, 'sender_id', meta_contact_id)) \
                 FROM (SELECT DISTINCT channel, meta_account_id, meta_contact_id FROM c \
                       WHERE meta_contact_id IS NOT NULL)) AS senders",
        &[text(contact_id)],
    )?
    .first(None)
    .await?;
    let Some(row) = row else {
        return Ok(Plan {
            contact_id: Some(contact_id.to_owned()),
            ..Plan::default()
        });
    };
    Ok(Plan {
        contact_id: Some(contact_id.to_owned()),
        visitors: serde_json::from_str(&row.visitors)?,
        conversations: serde_json::from_str(&row.conversations)?,
        files: serde_json::from_str(&row.files)?,
        senders: serde_json::from_str(&row.senders)?,
    })
}

/// Records a new erasure with its plan: an admin's (`by`) of a contact, or, without `by`, a
/// retention run's.
pub async fn insert(
    db: &D1Database,
    id: &str,
    site_id: &str,
    by: Option<&str>,
    plan: &Plan,
    at: Millis,
) -> Result<()> {
    stmt(
        db,
        "INSERT INTO erasures (id, site_id, kind, requested_by, requested_at, conversations, \
         files, plan, next_at) \
         VALUES (?1, ?2, CASE WHEN ?3 IS NULL THEN 'retention' ELSE 'contact' END, ?3, ?4, ?5, \
         ?6, ?7, ?4)",
        &[
            text(id),
            text(site_id),
            opt_text(by),
            num(at),
            num(plan.conversations.len() as i64),
            num(plan.files.len() as i64),
            text(&serde_json::to_string(plan)?),
        ],
    )?
    .run()
    .await?;
    Ok(())
}

/// Ends every browser's access at once: the visitors' tokens go first.
pub async fn revoke_tokens(db: &D1Database, plan: &Plan) -> Result<()> {
    stmt(
        db,
        "DELETE FROM visitor_tokens WHERE visitor_id IN (SELECT value FROM json_each(?1))",
        &[text(&serde_json::to_string(&plan.visitors)?)],
    )?
    .run()
    .await?;
    Ok(())
}

/// Deletes every row of the plan's person, in one batch: what names their conversations or
/// senders (held events, consent, ids taken, queue failures that carry them), the conversations
/// (with their search text, files' rows, e-mails, mentions, report facts and replies, by
/// cascade), the visitors, the merges into the contact, its values and the contact.
pub async fn delete_rows(db: &D1Database, plan: &Plan) -> Result<()> {
    let conversations = serde_json::to_string(&plan.conversations)?;
    let visitors = serde_json::to_string(&plan.visitors)?;
    let senders = serde_json::to_string(&plan.senders)?;
    let in_conversations = "IN (SELECT value FROM json_each(?1))";
    let sender_match = "EXISTS (SELECT 1 FROM json_each(?1) j \
         WHERE json_extract(j.value, '$.channel') = channel \
           AND json_extract(j.value, '$.account_id') = account_id \
           AND json_extract(j.value, '$.sender_id') = contact_id)";
    let by_conversation = |table: &str| -> Result<_> {
        stmt(
            db,
            &format!("DELETE FROM {table} WHERE conversation_id {in_conversations}"),
            &[text(&conversations)],
        )
    };
    let by_sender = |table: &str| -> Result<_> {
        stmt(
            db,
            &format!("DELETE FROM {table} WHERE {sender_match}"),
            &[text(&senders)],
        )
    };
    let mut named: Vec<String> = plan.conversations.clone();
    named.extend(plan.senders.iter().map(|s| s.sender_id.clone()));
    db.batch(vec![
        stmt(
            db,
            "DELETE FROM dead_letters WHERE EXISTS (SELECT 1 FROM json_each(?1) j \
             WHERE instr(dead_letters.body, j.value) > 0)",
            &[text(&serde_json::to_string(&named)?)],
        )?,
        by_sender("meta_held")?,
        by_sender("meta_consent")?,
        by_sender("meta_contacts")?,
        by_conversation("meta_contacts")?,
        by_conversation("meta_events_taken")?,
        by_conversation("thread_sockets")?,
        stmt(
            db,
            "DELETE FROM conversation_creations WHERE conversation_id IN \
             (SELECT value FROM json_each(?1)) OR visitor_id IN (SELECT value FROM json_each(?2))",
            &[text(&conversations), text(&visitors)],
        )?,
        stmt(
            db,
            "DELETE FROM attachments WHERE uploaded_by IN (SELECT value FROM json_each(?1))",
            &[text(&visitors)],
        )?,
        stmt(
            db,
            &format!("DELETE FROM conversations WHERE id {in_conversations}"),
            &[text(&conversations)],
        )?,
        stmt(
            db,
            "DELETE FROM visitors WHERE id IN (SELECT value FROM json_each(?1))",
            &[text(&visitors)],
        )?,
        stmt(
            db,
            "DELETE FROM contact_merges WHERE into_id = ?1 OR from_id = ?1",
            &[opt_text(plan.contact_id.as_deref())],
        )?,
        stmt(
            db,
            "DELETE FROM contacts WHERE id = ?1",
            &[opt_text(plan.contact_id.as_deref())],
        )?,
    ])
    .await?;
    Ok(())
}

/// Marks erasure `id` complete: its plan, the last that named anyone, is emptied.
pub async fn complete(db: &D1Database, id: &str, at: Millis) -> Result<()> {
    stmt(
        db,
        "UPDATE erasures SET completed_at = ?2, plan = NULL, next_at = NULL, last_error = NULL, \
         attempts = attempts + 1 WHERE id = ?1",
        &[text(id), num(at)],
    )?
    .run()
    .await?;
    Ok(())
}

/// Records a failed attempt: tried again at `next_at`.
pub async fn failed(db: &D1Database, id: &str, error: &str, next_at: Millis) -> Result<()> {
    stmt(
        db,
        "UPDATE erasures SET attempts = attempts + 1, last_error = ?2, next_at = ?3 \
         WHERE id = ?1 AND completed_at IS NULL",
        &[text(id), text(error), num(next_at)],
    )?
    .run()
    .await?;
    Ok(())
}

/// An erasure still to finish, with its plan and attempts so far.
#[derive(Deserialize)]
pub struct Pending {
    pub id: String,
    /// A [`Plan`], JSON.
    pub plan: String,
    pub attempts: i64,
}

/// Erasures due again at `now`, oldest first, at most `limit`.
pub async fn due(db: &D1Database, now: Millis, limit: u32) -> Result<Vec<Pending>> {
    stmt(
        db,
        "SELECT id, plan, attempts FROM erasures WHERE completed_at IS NULL AND next_at <= ?1 \
         AND plan IS NOT NULL ORDER BY next_at LIMIT ?2",
        &[num(now), num(i64::from(limit))],
    )?
    .all()
    .await?
    .results()
}

const COLUMNS: &str = "id, site_id, kind, requested_by, requested_at, completed_at, \
     conversations, files, last_error";

/// Erasure `id` as the accounts keep it.
pub async fn erasure(db: &D1Database, id: &str) -> Result<Option<Erasure>> {
    stmt(
        db,
        &format!("SELECT {COLUMNS} FROM erasures WHERE id = ?1"),
        &[text(id)],
    )?
    .first(None)
    .await
}

/// The latest erasures, newest first (`site_id`: of one site).
pub async fn list(db: &D1Database, site_id: Option<&str>, limit: u32) -> Result<Vec<Erasure>> {
    stmt(
        db,
        &format!(
            "SELECT {COLUMNS} FROM erasures WHERE ?1 IS NULL OR site_id = ?1 \
             ORDER BY requested_at DESC LIMIT ?2"
        ),
        &[opt_text(site_id), num(i64::from(limit))],
    )?
    .all()
    .await?
    .results()
}

/// Closed conversations past their site's retention at `now`, oldest first, at most `limit`,
/// with their sites and the R2 keys of their files; not those an unfinished erasure already
/// holds (the sweep finishes those).
pub async fn past_retention(db: &D1Database, now: Millis, limit: u32) -> Result<Vec<Retained>> {
    stmt(
        db,
        "SELECT c.id, c.site_id, (SELECT json_group_array('sites/' || a.site_id || '/files/' || \
             a.id) FROM attachments a WHERE a.conversation_id = c.id) AS files \
         FROM conversations c JOIN sites s ON s.id = c.site_id \
         WHERE c.status = 'closed' AND c.closed_at IS NOT NULL \
           AND json_extract(s.chat_settings, '$.retention.closed_days') IS NOT NULL \
           AND c.closed_at < ?1 - json_extract(s.chat_settings, '$.retention.closed_days') * 86400000 \
           AND NOT EXISTS (SELECT 1 FROM erasures e, \
                 json_each(json_extract(e.plan, '$.conversations')) j \
               WHERE e.completed_at IS NULL AND j.value = c.id) \
         ORDER BY c.closed_at LIMIT ?2",
        &[num(now), num(i64::from(limit))],
    )?
    .all()
    .await?
    .results()
}

/// A conversation past its site's retention.
#[derive(Deserialize)]
pub struct Retained {
    pub id: String,
    pub site_id: String,
    /// A JSON array of R2 keys.
    pub files: String,
}
