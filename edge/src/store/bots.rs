//! What chatflow bots read and write in D1 (migration 0031): the published version a
//! conversation starts with, what a bot saves on the conversation's contact, and what its
//! sessions did, for the reports.

use domain::bot::Outcome;
use protocol::api::ConversationSummary;
use protocol::flows::Chatflow;
use protocol::Millis;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement, Result};

use super::conversations::{SummaryRow, SUMMARY_COLUMNS};
use super::{changes, num, opt_num, opt_text, stmt, text};

/// A published version of a flow, with the name of its site (what a bot is called when its
/// script names nobody).
pub struct BotVersion {
    pub version: u32,
    pub flow: Chatflow,
    pub site_name: String,
}

/// Version `version` of flow `flow_id` (none: the one published now, if the flow runs), if it
/// is still kept (deleting a flow deletes its versions).
pub async fn version(
    db: &D1Database,
    flow_id: &str,
    version: Option<u32>,
) -> Result<Option<BotVersion>> {
    #[derive(Deserialize)]
    struct Row {
        version: u32,
        flow: String,
        site_name: String,
    }
    let row: Option<Row> = stmt(
        db,
        "SELECT v.version, v.flow, s.name AS site_name FROM chatflow_versions v \
         JOIN chatflows f ON f.id = v.flow_id JOIN sites s ON s.id = f.site_id \
         WHERE v.flow_id = ?1 AND v.version = COALESCE(?2, f.published)",
        &[text(flow_id), opt_num(version.map(i64::from))],
    )?
    .first(None)
    .await?;
    row.map(|r| {
        Ok(BotVersion {
            version: r.version,
            flow: serde_json::from_str(&r.flow)?,
            site_name: r.site_name,
        })
    })
    .transpose()
}

/// The bot a website chat started with (its flow and version), if any.
pub async fn of_conversation(db: &D1Database, id: &str) -> Result<Option<(String, u32)>> {
    #[derive(Deserialize)]
    struct Row {
        bot_flow_id: Option<String>,
        bot_version: Option<u32>,
    }
    let row: Option<Row> = stmt(
        db,
        "SELECT bot_flow_id, bot_version FROM conversations WHERE id = ?1",
        &[text(id)],
    )?
    .first(None)
    .await?;
    Ok(row.and_then(|r| Some((r.bot_flow_id?, r.bot_version?))))
}

/// The statement recording that conversation `id` starts with `flow_id`'s `version`, for the
/// creation's batch.
pub fn set_of_conversation(
    db: &D1Database,
    id: &str,
    flow_id: &str,
    version: u32,
) -> Result<D1PreparedStatement> {
    stmt(
        db,
        "UPDATE conversations SET bot_flow_id = ?2, bot_version = ?3 WHERE id = ?1",
        &[text(id), text(flow_id), num(i64::from(version))],
    )
}

/// What a bot reads of its conversation's row.
#[derive(Deserialize)]
pub struct BotConversation {
    pub contact_id: Option<String>,
    pub page_url: Option<String>,
}

/// Conversation `id`'s contact and page (none of either when there is no such row).
pub async fn conversation(db: &D1Database, id: &str) -> Result<BotConversation> {
    let row: Option<BotConversation> = stmt(
        db,
        "SELECT contact_id, page_url FROM conversations WHERE id = ?1",
        &[text(id)],
    )?
    .first(None)
    .await?;
    Ok(row.unwrap_or(BotConversation {
        contact_id: None,
        page_url: None,
    }))
}

/// Conversation `id` as the inbox list shows it.
pub async fn summary(db: &D1Database, id: &str) -> Result<Option<ConversationSummary>> {
    let row: Option<SummaryRow> = stmt(
        db,
        &format!("SELECT {SUMMARY_COLUMNS} FROM conversations WHERE id = ?1"),
        &[text(id)],
    )?
    .first(None)
    .await?;
    Ok(row.map(Into::into))
}

/// The contact's `name`, `email`, `phone` and property values, as a bot's branches read them.
pub async fn contact_fields(
    db: &D1Database,
    contact_id: &str,
) -> Result<std::collections::BTreeMap<String, String>> {
    #[derive(Deserialize)]
    struct Row {
        key: String,
        value: Option<String>,
    }
    let rows: Vec<Row> = stmt(
        db,
        "SELECT 'name' AS key, name AS value FROM contacts WHERE id = ?1 \
         UNION ALL SELECT 'email', email FROM contacts WHERE id = ?1 \
         UNION ALL SELECT 'phone', phone FROM contacts WHERE id = ?1 \
         UNION ALL SELECT key, value FROM contact_values WHERE contact_id = ?1",
        &[text(contact_id)],
    )?
    .all()
    .await?
    .results()?;
    Ok(rows
        .into_iter()
        .filter_map(|r| Some((r.key, r.value?)))
        .collect())
}

/// Sets contact `contact_id`'s `name`, `email` (listing the contact: a lead) or `phone`; false
/// for another key.
pub async fn set_contact_field(
    db: &D1Database,
    contact_id: &str,
    key: &str,
    value: &str,
    now: Millis,
) -> Result<bool> {
    let sql = match key {
        "name" => "UPDATE contacts SET name = ?2, updated_at = ?3 WHERE id = ?1",
        "email" => {
            "UPDATE contacts SET email = ?2, updated_at = ?3, \
             listed_at = COALESCE(listed_at, ?3) WHERE id = ?1"
        }
        "phone" => "UPDATE contacts SET phone = ?2, updated_at = ?3 WHERE id = ?1",
        _ => return Ok(false),
    };
    let result = stmt(db, sql, &[text(contact_id), text(value), num(now)])?
        .run()
        .await?;
    Ok(changes(&result) >= 1)
}

/// What a session did: it started, reached an action, or ended so.
pub enum BotEvent<'a> {
    Started,
    Reached(&'a str),
    Finished(Outcome),
}

/// Records what conversation `id`'s session on `flow_id`'s `version` did, at `at`, in one
/// batch, with whether the bot holds the conversation now: it does after an action reached,
/// until its session ends.
pub async fn record(
    db: &D1Database,
    id: &str,
    flow_id: &str,
    version: u32,
    events: &[BotEvent<'_>],
    at: Millis,
) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let statements = events
        .iter()
        .map(|event| {
            let (kind, action, outcome) = match event {
                BotEvent::Started => ("started", None, None),
                BotEvent::Reached(action) => ("reached", Some(*action), None),
                BotEvent::Finished(outcome) => ("finished", None, Some(outcome.as_str())),
            };
            stmt(
                db,
                "INSERT INTO bot_events \
                 (conversation_id, flow_id, version, kind, action, outcome, at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                &[
                    text(id),
                    text(flow_id),
                    num(i64::from(version)),
                    text(kind),
                    opt_text(action),
                    opt_text(outcome),
                    num(at),
                ],
            )
        })
        .collect::<Result<Vec<_>>>()?;
    let mut statements = statements;
    let holds = !matches!(events.last(), Some(BotEvent::Finished(_)));
    statements.push(stmt(
        db,
        "UPDATE conversations SET bot_active = ?2 WHERE id = ?1",
        &[text(id), num(i64::from(holds))],
    )?);
    db.batch(statements).await?;
    Ok(())
}

/// Flow `flow_id`'s sessions' events counted by version, kind, action and outcome.
pub async fn counts(db: &D1Database, flow_id: &str) -> Result<Vec<domain::bot::EventCount>> {
    stmt(
        db,
        "SELECT version, kind, action, outcome, COUNT(*) AS n FROM bot_events \
         WHERE flow_id = ?1 GROUP BY version, kind, action, outcome",
        &[text(flow_id)],
    )?
    .all()
    .await?
    .results()
}
