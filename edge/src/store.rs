//! Every D1 query, with bound parameters. D1 holds what must be queried across conversations:
//! sites, visitors, agents, sessions and the inbox index (one row per conversation, kept current
//! by the conversation's Durable Object). The message log itself lives in the Durable Object.

use domain::routing::Candidate;
use protocol::api::{
    AgentProfile, AgentStatus, Connection, ConsentRecord, ConversationRef, ConversationSummary,
    LastAuthor, Role, TokenState,
};
use protocol::settings::{ChatSettings, ConsentMode};
use protocol::{Attachment, Author, Channel, ConversationStatus, Message, Millis, Seq};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result, Result};

pub mod access;
pub mod dead_letters;
pub mod flow;
pub mod idempotency;
pub mod identity;
pub mod inboxes;
pub mod mail;
pub mod replies;
pub mod reports;
pub mod snippets;
pub mod team;

fn num(n: i64) -> JsValue {
    // D1 takes JS numbers; every value stored here (milliseconds, sequence numbers) is far below
    // 2^53, so the conversion is exact.
    JsValue::from_f64(n as f64)
}

fn text(s: &str) -> JsValue {
    JsValue::from_str(s)
}

fn opt_text(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::NULL, JsValue::from_str)
}

fn stmt(db: &D1Database, sql: &str, args: &[JsValue]) -> Result<D1PreparedStatement> {
    db.prepare(sql).bind(args)
}

/// How many rows a statement changed.
fn changes(result: &D1Result) -> usize {
    result
        .meta()
        .ok()
        .flatten()
        .and_then(|m| m.changes)
        .unwrap_or(0)
}

pub fn now() -> Millis {
    js_sys::Date::now() as Millis
}

// ---- sites ----

#[derive(Deserialize)]
struct SettingsRow {
    chat_settings: String,
}

/// A site's chat settings, or `None` when there is no such site.
pub async fn chat_settings(db: &D1Database, site_id: &str) -> Result<Option<ChatSettings>> {
    let row: Option<SettingsRow> = stmt(
        db,
        "SELECT chat_settings FROM sites WHERE id = ?1",
        &[text(site_id)],
    )?
    .first(None)
    .await?;
    row.map(|r| serde_json::from_str(&r.chat_settings).map_err(worker::Error::from))
        .transpose()
}

/// The first site's settings (a deployment has one site until several can be made).
pub async fn first_site_settings(db: &D1Database) -> Result<Option<ChatSettings>> {
    let row: Option<SettingsRow> = stmt(
        db,
        "SELECT chat_settings FROM sites ORDER BY created_at, id LIMIT 1",
        &[],
    )?
    .first(None)
    .await?;
    row.map(|r| serde_json::from_str(&r.chat_settings).map_err(worker::Error::from))
        .transpose()
}

/// Replaces a site's chat settings (already validated), and keeps the consent text when its
/// version is new, in one transaction; false when there is no such site.
pub async fn put_chat_settings(
    db: &D1Database,
    site_id: &str,
    settings: &ChatSettings,
    new_consent_version: bool,
) -> Result<bool> {
    let mut batch = vec![stmt(
        db,
        "UPDATE sites SET chat_settings = ?2 WHERE id = ?1",
        &[text(site_id), text(&serde_json::to_string(settings)?)],
    )?];
    if new_consent_version {
        batch.push(stmt(
            db,
            "INSERT INTO consent_texts (site_id, version, mode, text, created_at) \
             SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM sites WHERE id = ?1)",
            &[
                text(site_id),
                num(i64::from(settings.consent.version)),
                text(consent_mode(settings.consent.mode)),
                text(&settings.consent.text),
                num(now()),
            ],
        )?);
    }
    let results = db.batch(batch).await?;
    Ok(results.first().map(changes) == Some(1))
}

fn consent_mode(mode: ConsentMode) -> &'static str {
    match mode {
        ConsentMode::Off => "off",
        ConsentMode::Implicit => "implicit",
        ConsentMode::Explicit => "explicit",
    }
}

// ---- visitors ----

#[derive(Deserialize)]
pub struct VisitorRow {
    pub id: String,
    /// The verified address, when the site identified this visitor.
    #[serde(default)]
    pub identity: Option<String>,
}

/// The visitor of `site_id` holding a token with this digest (a visitor may hold several: one
/// per device where the site identified them).
pub async fn visitor_by_token(
    db: &D1Database,
    site_id: &str,
    token_digest: &str,
) -> Result<Option<VisitorRow>> {
    stmt(
        db,
        "SELECT v.id, v.identity FROM visitor_tokens t JOIN visitors v ON v.id = t.visitor_id \
         WHERE t.token_hash = ?1 AND v.site_id = ?2",
        &[text(token_digest), text(site_id)],
    )?
    .first(None)
    .await
}

/// The visitor holding a token with this digest, on any site.
pub async fn visitor_any_site(db: &D1Database, token_digest: &str) -> Result<Option<VisitorRow>> {
    stmt(
        db,
        "SELECT v.id, v.identity FROM visitor_tokens t JOIN visitors v ON v.id = t.visitor_id \
         WHERE t.token_hash = ?1",
        &[text(token_digest)],
    )?
    .first(None)
    .await
}

/// A new visitor holding one token (`identity`: the verified address, if the site vouched for
/// them), as statements for the caller's batch.
pub fn insert_visitor(
    db: &D1Database,
    id: &str,
    site_id: &str,
    token_digest: &str,
    identity: Option<&str>,
    at: Millis,
) -> Result<Vec<D1PreparedStatement>> {
    Ok(vec![
        stmt(
            db,
            "INSERT INTO visitors (id, site_id, token_hash, identity, email, created_at, contact_at) \
             VALUES (?1, ?2, ?3, ?4, ?4, ?5, CASE WHEN ?4 IS NULL THEN NULL ELSE ?5 END)",
            &[
                text(id),
                text(site_id),
                text(token_digest),
                opt_text(identity),
                num(at),
            ],
        )?,
        insert_visitor_token(db, id, token_digest, at)?,
    ])
}

/// One more token for a visitor (another device).
pub fn insert_visitor_token(
    db: &D1Database,
    visitor_id: &str,
    token_digest: &str,
    at: Millis,
) -> Result<D1PreparedStatement> {
    stmt(
        db,
        "INSERT INTO visitor_tokens (token_hash, visitor_id, created_at) VALUES (?1, ?2, ?3)",
        &[text(token_digest), text(visitor_id), num(at)],
    )
}

// ---- conversations (the inbox index) ----

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
}

pub fn insert_conversation(
    db: &D1Database,
    c: &NewConversation<'_>,
) -> Result<D1PreparedStatement> {
    stmt(
        db,
        "INSERT INTO conversations (id, site_id, visitor_id, channel, status, page_url, referrer, \
         locale, created_at, updated_at, last_seq, consent_mode, consent_version, consent_at, \
         inbox_id, user_agent) \
         SELECT ?1, ?2, ?3, 'chat', 'open', ?4, ?5, ?6, ?7, ?7, 0, ?8, ?9, ?10, s.inbox_id, ?11 \
         FROM sites s WHERE s.id = ?2",
        &[
            text(c.id),
            text(c.site_id),
            text(c.visitor_id),
            opt_text(c.page_url),
            opt_text(c.referrer),
            opt_text(c.locale),
            num(c.at),
            c.consent
                .map_or(JsValue::NULL, |(mode, _)| text(consent_mode(mode))),
            c.consent.map_or(JsValue::NULL, |(_, v)| num(i64::from(v))),
            c.consent.map_or(JsValue::NULL, |_| num(c.at)),
            opt_text(c.user_agent),
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

/// Whose eyes a query is for: admins see every inbox, other members the inboxes of
/// `inbox_access` (migration 0018).
pub struct Viewer<'a> {
    pub agent_id: &'a str,
    pub admin: bool,
}

impl<'a> Viewer<'a> {
    pub fn of(agent: &'a AgentRow) -> Self {
        Self {
            agent_id: &agent.id,
            admin: agent.role == Role::Admin,
        }
    }

    /// The condition that `column` names an inbox they see, with their admin flag bound at
    /// `?{at}` and their id at `?{at + 1}` (see [`Self::admin_arg`]).
    pub fn sees(&self, column: &str, at: usize) -> String {
        format!(
            "(?{at} = 1 OR {column} IN (SELECT inbox_id FROM inbox_access WHERE agent_id = ?{}))",
            at + 1
        )
    }

    pub fn admin_arg(&self) -> JsValue {
        num(i64::from(self.admin))
    }
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
struct SummaryRow {
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
            consent: match (r.consent_mode, r.consent_version, r.consent_at) {
                (Some(mode), Some(version), Some(at)) => Some(ConsentRecord { mode, version, at }),
                _ => None,
            },
            contact_name: r.contact_name,
            assignee_id: r.assignee_id,
            last_author: r.last_author,
            inbox_id: r.inbox_id,
            team_id: r.team_id,
        }
    }
}

const SUMMARY_COLUMNS: &str = "id, site_id, channel, status, created_at, last_message_at, \
                               last_message_preview, last_seq, page_url, consent_mode, \
                               consent_version, consent_at, contact_name, assignee_id, last_author, \
                               inbox_id, team_id";

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
             visitor_id IN (SELECT id FROM visitors WHERE name LIKE ?2 ESCAPE '\\' \
                 OR email LIKE ?2 ESCAPE '\\') \
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
    let by_agent = matches!(message.author, Author::Agent { .. });
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
            text(if by_agent { "agent" } else { "visitor" }),
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

// ---- agents and sessions ----

/// The columns of an [`AgentRow`].
const AGENT_COLUMNS: &str = "id, email, name, role, status, password_hash, avatar, chat_limit";

#[derive(Deserialize)]
pub struct AgentRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub status: AgentStatus,
    pub password_hash: String,
    /// The current profile picture's id (see [`avatar_key`]).
    pub avatar: Option<String>,
    pub chat_limit: Option<u32>,
}

impl AgentRow {
    pub fn profile(&self) -> AgentProfile {
        AgentProfile {
            id: self.id.clone(),
            email: self.email.clone(),
            name: self.name.clone(),
            role: self.role,
            status: self.status,
            avatar_url: self
                .avatar
                .as_ref()
                .map(|version| avatar_path(&self.id, version)),
            chat_limit: self.chat_limit,
        }
    }
}

/// Where an agent's profile picture is kept in R2.
pub fn avatar_key(agent_id: &str, version: &str) -> String {
    format!("avatars/{agent_id}/{version}")
}

/// Where it is served (`GET`, public).
pub fn avatar_path(agent_id: &str, version: &str) -> String {
    format!("/api/avatars/{agent_id}/{version}")
}

/// Sets (or with `None` removes) an agent's picture; the id of the one it replaced, if any.
pub async fn set_agent_avatar(
    db: &D1Database,
    agent_id: &str,
    version: Option<&str>,
) -> Result<Option<String>> {
    #[derive(Deserialize)]
    struct Row {
        avatar: Option<String>,
    }
    // One transaction: the picture read is the one replaced, whatever else happens at once.
    let results = db
        .batch(vec![
            stmt(
                db,
                "SELECT avatar FROM agents WHERE id = ?1",
                &[text(agent_id)],
            )?,
            stmt(
                db,
                "UPDATE agents SET avatar = ?2 WHERE id = ?1",
                &[text(agent_id), opt_text(version)],
            )?,
        ])
        .await?;
    let rows: Vec<Row> = match results.first() {
        Some(r) => r.results()?,
        None => Vec::new(),
    };
    Ok(rows.into_iter().next().and_then(|r| r.avatar))
}

pub async fn agent_by_email(db: &D1Database, email: &str) -> Result<Option<AgentRow>> {
    stmt(
        db,
        &format!("SELECT {AGENT_COLUMNS} FROM agents WHERE email = ?1"),
        &[text(email)],
    )?
    .first(None)
    .await
}

pub async fn insert_session(
    db: &D1Database,
    token_digest: &str,
    agent_id: &str,
    at: Millis,
    expires_at: Millis,
) -> Result<()> {
    stmt(
        db,
        "INSERT INTO agent_sessions (token_hash, agent_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        &[text(token_digest), text(agent_id), num(at), num(expires_at)],
    )?
    .run()
    .await?;
    Ok(())
}

/// The agent signed in with the session whose token has this digest, if it has not expired.
pub async fn session_agent(
    db: &D1Database,
    token_digest: &str,
    at: Millis,
) -> Result<Option<AgentRow>> {
    stmt(
        db,
        "SELECT a.id, a.email, a.name, a.role, a.status, a.password_hash, a.avatar, a.chat_limit \
         FROM agent_sessions s \
         JOIN agents a ON a.id = s.agent_id WHERE s.token_hash = ?1 AND s.expires_at > ?2",
        &[text(token_digest), num(at)],
    )?
    .first(None)
    .await
}

/// When the session with this token digest expires, if it has not ended.
pub async fn session_expiry(db: &D1Database, token_digest: &str) -> Result<Option<Millis>> {
    #[derive(Deserialize)]
    struct Row {
        expires_at: Millis,
    }
    let row: Option<Row> = stmt(
        db,
        "SELECT expires_at FROM agent_sessions WHERE token_hash = ?1 AND expires_at > ?2",
        &[text(token_digest), num(now())],
    )?
    .first(None)
    .await?;
    Ok(row.map(|r| r.expires_at))
}

/// Sets an agent's own available/away toggle.
pub async fn set_agent_status(db: &D1Database, agent_id: &str, status: AgentStatus) -> Result<()> {
    let value = match status {
        AgentStatus::Available => "available",
        AgentStatus::Away => "away",
    };
    stmt(
        db,
        "UPDATE agents SET status = ?2 WHERE id = ?1",
        &[text(agent_id), text(value)],
    )?
    .run()
    .await?;
    Ok(())
}

/// The members of inbox `inbox_id` (as `inbox_access` says: admins only when given it, since
/// seeing every inbox does not make one answer every inbox), or with `None` every member, as
/// routing and availability see them; `present` are the agents with the inbox app open (the
/// hub's to say), so `available` is their toggle and their presence together.
pub async fn routing_candidates(
    db: &D1Database,
    inbox_id: Option<&str>,
    present: &[String],
) -> Result<Vec<Candidate>> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        status: AgentStatus,
        chat_limit: Option<u32>,
        open_assigned: u32,
        last_routed_at: Option<Millis>,
        /// JSON arrays of ids.
        team_ids: String,
        inbox_ids: String,
    }
    let rows: Vec<Row> = stmt(
        db,
        "SELECT a.id, a.status, a.chat_limit, a.last_routed_at, \
         (SELECT COUNT(*) FROM conversations c WHERE c.assignee_id = a.id AND c.status = 'open') \
         AS open_assigned, \
         (SELECT json_group_array(team_id) FROM team_members t WHERE t.agent_id = a.id) AS team_ids, \
         (SELECT json_group_array(inbox_id) FROM inbox_access x WHERE x.agent_id = a.id) AS inbox_ids \
         FROM agents a \
         WHERE ?1 IS NULL OR a.id IN (SELECT agent_id FROM inbox_access WHERE inbox_id = ?1)",
        &[opt_text(inbox_id)],
    )?
    .all()
    .await?
    .results()?;
    rows.into_iter()
        .map(|r| {
            Ok(Candidate {
                available: r.status == AgentStatus::Available && present.contains(&r.id),
                id: r.id,
                open_assigned: r.open_assigned,
                chat_limit: r.chat_limit,
                last_routed_at: r.last_routed_at,
                team_ids: serde_json::from_str(&r.team_ids)?,
                inbox_ids: serde_json::from_str(&r.inbox_ids)?,
            })
        })
        .collect()
}

/// Gives a still unassigned conversation to `agent` by the routing rules, and notes when; the
/// row as it now is, or `None` if someone assigned it meanwhile (their choice stands).
pub async fn route_to(
    db: &D1Database,
    id: &str,
    agent: &str,
    now: Millis,
) -> Result<Option<ConversationSummary>> {
    let results = db
        .batch(vec![
            stmt(
                db,
                &format!(
                    "UPDATE conversations SET assignee_id = ?2, updated_at = ?3 \
                     WHERE id = ?1 AND assignee_id IS NULL RETURNING {SUMMARY_COLUMNS}"
                ),
                &[text(id), text(agent), num(now)],
            )?,
            stmt(
                db,
                "UPDATE agents SET last_routed_at = ?2 WHERE id = ?1 \
                 AND EXISTS (SELECT 1 FROM conversations WHERE id = ?3 AND assignee_id = ?1)",
                &[text(agent), num(now), text(id)],
            )?,
        ])
        .await?;
    let rows: Vec<SummaryRow> = match results.first() {
        Some(r) => r.results()?,
        None => Vec::new(),
    };
    Ok(rows.into_iter().next().map(Into::into))
}

/// Assigns a conversation to `agent` (or unassigns it with `None`); the row as it now is.
/// `Ok(None)` when the conversation or the agent does not exist, or the agent does not see the
/// conversation's inbox (nothing changed).
pub async fn assign(
    db: &D1Database,
    id: &str,
    agent: Option<&str>,
) -> Result<Option<ConversationSummary>> {
    let row: Option<SummaryRow> = stmt(
        db,
        &format!(
            "UPDATE conversations SET assignee_id = ?2, updated_at = ?3 WHERE id = ?1 \
             AND (?2 IS NULL OR EXISTS (SELECT 1 FROM agents a WHERE a.id = ?2 \
                 AND (a.role = 'admin' OR conversations.inbox_id IN \
                     (SELECT inbox_id FROM inbox_access WHERE agent_id = ?2)))) \
             RETURNING {SUMMARY_COLUMNS}"
        ),
        &[text(id), opt_text(agent), num(now())],
    )?
    .first(None)
    .await?;
    Ok(row.map(Into::into))
}

pub async fn delete_session(db: &D1Database, token_digest: &str) -> Result<()> {
    stmt(
        db,
        "DELETE FROM agent_sessions WHERE token_hash = ?1",
        &[text(token_digest)],
    )?
    .run()
    .await?;
    Ok(())
}

// ---- Meta connections ----

#[derive(Deserialize)]
pub struct ConnectionRow {
    pub id: String,
    pub site_id: String,
    pub channel: Channel,
    pub account_id: String,
    pub business_account_id: Option<String>,
    pub name: String,
    pub token_sealed: String,
    pub token_state: TokenState,
    pub created_at: Millis,
    pub inbox_id: String,
    /// `ChannelFlow` as JSON.
    #[serde(default)]
    pub flow: String,
}

impl ConnectionRow {
    /// Its flow (the default for a row that never had one).
    pub fn flow(&self) -> protocol::api::ChannelFlow {
        serde_json::from_str(&self.flow).unwrap_or_default()
    }

    /// As the admin API shows it: everything but the token.
    pub fn public(&self) -> Connection {
        Connection {
            id: self.id.clone(),
            site_id: self.site_id.clone(),
            channel: self.channel,
            account_id: self.account_id.clone(),
            business_account_id: self.business_account_id.clone(),
            name: self.name.clone(),
            token_state: self.token_state,
            created_at: self.created_at,
            inbox_id: self.inbox_id.clone(),
            flow: self.flow(),
        }
    }
}

fn channel_name(channel: Channel) -> &'static str {
    match channel {
        Channel::Chat => "chat",
        Channel::Messenger => "messenger",
        Channel::WhatsApp => "whatsapp",
    }
}

const CONNECTION_COLUMNS: &str = "id, site_id, channel, account_id, business_account_id, name, \
                                  token_sealed, token_state, created_at, inbox_id, flow";

/// Stores a connection; false when that Page or number is already connected.
pub async fn insert_connection(db: &D1Database, c: &ConnectionRow) -> Result<bool> {
    let result = stmt(
        db,
        &format!(
            "INSERT INTO meta_connections ({CONNECTION_COLUMNS}) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'valid', ?8, ?9, '{{}}') \
             ON CONFLICT (channel, account_id) DO NOTHING"
        ),
        &[
            text(&c.id),
            text(&c.site_id),
            text(channel_name(c.channel)),
            text(&c.account_id),
            opt_text(c.business_account_id.as_deref()),
            text(&c.name),
            text(&c.token_sealed),
            num(c.created_at),
            text(&c.inbox_id),
        ],
    )?
    .run()
    .await?;
    Ok(changes(&result) == 1)
}

/// A site's connections, oldest first.
pub async fn connections(db: &D1Database, site_id: &str) -> Result<Vec<ConnectionRow>> {
    stmt(
        db,
        &format!("SELECT {CONNECTION_COLUMNS} FROM meta_connections WHERE site_id = ?1 ORDER BY created_at"),
        &[text(site_id)],
    )?
    .all()
    .await?
    .results()
}

/// Removes a site's connection; false when there was none with that id on that site.
pub async fn delete_connection(db: &D1Database, site_id: &str, id: &str) -> Result<bool> {
    let result = stmt(
        db,
        "DELETE FROM meta_connections WHERE id = ?1 AND site_id = ?2",
        &[text(id), text(site_id)],
    )?
    .run()
    .await?;
    Ok(changes(&result) == 1)
}

/// Replaces a connection's sealed token and makes it valid again; the connection as it now
/// is, or `None` when the site has no such connection.
pub async fn replace_token(
    db: &D1Database,
    site_id: &str,
    id: &str,
    sealed: &str,
) -> Result<Option<ConnectionRow>> {
    stmt(
        db,
        &format!(
            "UPDATE meta_connections SET token_sealed = ?3, token_state = 'valid' \
             WHERE id = ?1 AND site_id = ?2 RETURNING {CONNECTION_COLUMNS}"
        ),
        &[text(id), text(site_id), text(sealed)],
    )?
    .first(None)
    .await
}

/// The connection a Meta conversation came in on, while it is connected.
pub async fn conversation_connection(
    db: &D1Database,
    conversation_id: &str,
) -> Result<Option<ConnectionRow>> {
    let columns = CONNECTION_COLUMNS
        .split(", ")
        .map(|c| format!("m.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    stmt(
        db,
        &format!(
            "SELECT {columns} FROM meta_connections m JOIN conversations c \
             ON c.meta_account_id = m.account_id AND c.channel = m.channel WHERE c.id = ?1"
        ),
        &[text(conversation_id)],
    )?
    .first(None)
    .await
}

/// The connection of a Page or number, if it is connected.
pub async fn connection_for(
    db: &D1Database,
    channel: Channel,
    account_id: &str,
) -> Result<Option<ConnectionRow>> {
    stmt(
        db,
        &format!(
            "SELECT {CONNECTION_COLUMNS} FROM meta_connections WHERE channel = ?1 AND account_id = ?2"
        ),
        &[text(channel_name(channel)), text(account_id)],
    )?
    .first(None)
    .await
}

#[derive(Deserialize)]
struct ContactRow {
    conversation_id: String,
    status: ConversationStatus,
}

/// A Meta contact's current conversation and whether it is still open.
pub async fn contact_conversation(
    db: &D1Database,
    channel: Channel,
    account_id: &str,
    contact_id: &str,
) -> Result<Option<(String, ConversationStatus)>> {
    let row: Option<ContactRow> = stmt(
        db,
        "SELECT k.conversation_id, c.status FROM meta_contacts k \
         JOIN conversations c ON c.id = k.conversation_id \
         WHERE k.channel = ?1 AND k.account_id = ?2 AND k.contact_id = ?3",
        &[
            text(channel_name(channel)),
            text(account_id),
            text(contact_id),
        ],
    )?
    .first(None)
    .await?;
    Ok(row.map(|r| (r.conversation_id, r.status)))
}

/// The Meta contact's open conversation, if any, from the index itself (the one the unique
/// index of migration 0028 allows).
pub async fn open_contact_conversation(
    db: &D1Database,
    channel: Channel,
    account_id: &str,
    contact_id: &str,
) -> Result<Option<String>> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
    }
    let row: Option<Row> = stmt(
        db,
        "SELECT id FROM conversations WHERE channel = ?1 AND meta_account_id = ?2 \
         AND meta_contact_id = ?3 AND status = 'open'",
        &[
            text(channel_name(channel)),
            text(account_id),
            text(contact_id),
        ],
    )?
    .first(None)
    .await?;
    Ok(row.map(|r| r.id))
}

/// A new conversation for a Meta contact, made their current one, in one transaction.
pub struct NewMetaConversation<'a> {
    pub id: &'a str,
    pub site_id: &'a str,
    pub channel: Channel,
    pub account_id: &'a str,
    pub contact_id: &'a str,
    pub contact_name: Option<&'a str>,
    pub at: Millis,
}

pub async fn insert_meta_conversation(
    db: &D1Database,
    c: &NewMetaConversation<'_>,
) -> Result<bool> {
    // The person's one open conversation is unique (migration 0028): a second one is not
    // inserted, and the contact keeps pointing at the first.
    let conversation = stmt(
        db,
        "INSERT OR IGNORE INTO conversations (id, site_id, visitor_id, channel, status, \
         created_at, updated_at, last_seq, contact_name, meta_account_id, meta_contact_id, \
         inbox_id) \
         SELECT ?1, ?2, NULL, ?3, 'open', ?4, ?4, 0, ?5, ?6, ?7, m.inbox_id \
         FROM meta_connections m WHERE m.channel = ?3 AND m.account_id = ?6",
        &[
            text(c.id),
            text(c.site_id),
            text(channel_name(c.channel)),
            num(c.at),
            opt_text(c.contact_name),
            text(c.account_id),
            text(c.contact_id),
        ],
    )?;
    let contact = stmt(
        db,
        "INSERT INTO meta_contacts (channel, account_id, contact_id, name, conversation_id, created_at) \
         SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM conversations WHERE id = ?5) \
         ON CONFLICT (channel, account_id, contact_id) \
         DO UPDATE SET conversation_id = excluded.conversation_id, \
         name = COALESCE(excluded.name, meta_contacts.name)",
        &[
            text(channel_name(c.channel)),
            text(c.account_id),
            text(c.contact_id),
            opt_text(c.contact_name),
            text(c.id),
            num(c.at),
        ],
    )?;
    let results = db.batch(vec![conversation, contact]).await?;
    Ok(results.first().map(changes) == Some(1))
}

/// Keeps an event for an account nobody connected (once per key).
pub async fn insert_unrouted(
    db: &D1Database,
    key: &str,
    channel: Channel,
    account_id: &str,
    event: &str,
) -> Result<()> {
    stmt(
        db,
        "INSERT OR IGNORE INTO meta_unrouted (dedupe_key, channel, account_id, event, received_at) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        &[text(key), text(channel_name(channel)), text(account_id), text(event), num(now())],
    )?
    .run()
    .await?;
    Ok(())
}

// ---- first-run setup ----

/// What setup creates: the first site and its first admin.
pub struct FirstRun<'a> {
    pub site_id: &'a str,
    pub settings: &'a ChatSettings,
    pub admin: &'a AgentRow,
    pub at: Millis,
}

/// Creates the site and admin only if no agent exists yet, atomically (one batch is one
/// transaction). Returns false when the deployment was already set up.
pub async fn first_run(db: &D1Database, f: &FirstRun<'_>) -> Result<bool> {
    let insert_admin = stmt(
        db,
        "INSERT INTO agents (id, email, name, role, password_hash, created_at) \
         SELECT ?1, ?2, ?3, 'admin', ?4, ?5 WHERE NOT EXISTS (SELECT 1 FROM agents)",
        &[
            text(&f.admin.id),
            text(&f.admin.email),
            text(&f.admin.name),
            text(&f.admin.password_hash),
            num(f.at),
        ],
    )?;
    let insert_site = stmt(
        db,
        "INSERT INTO sites (id, name, chat_settings, created_at) SELECT ?1, ?2, ?3, ?4 \
         WHERE (SELECT COUNT(*) FROM agents) = 1 AND EXISTS (SELECT 1 FROM agents WHERE id = ?5)",
        &[
            text(f.site_id),
            text(&f.settings.heading),
            text(&serde_json::to_string(f.settings)?),
            num(f.at),
            text(&f.admin.id),
        ],
    )?;
    let results = db.batch(vec![insert_admin, insert_site]).await?;
    Ok(results.first().map(changes) == Some(1))
}

// ---- attachments ----

/// A file's row, with the site its bytes are kept under.
#[derive(Deserialize)]
struct AttachmentRow {
    site_id: String,
    id: String,
    name: String,
    content_type: String,
    size: i64,
}

impl From<AttachmentRow> for Attachment {
    fn from(r: AttachmentRow) -> Self {
        Self {
            id: r.id,
            name: r.name,
            content_type: r.content_type,
            size: u64::try_from(r.size).unwrap_or(0),
        }
    }
}

/// Where a file's bytes are kept in R2.
pub fn attachment_key(site_id: &str, id: &str) -> String {
    format!("sites/{site_id}/files/{id}")
}

/// Records a file whose bytes are already in R2: an upload, in no conversation until a message
/// claims it (`conversation_id` none); or a file that came into a conversation from outside (a
/// visitor's e-mail answer), its at once. Recording an id again (a redelivery of that e-mail,
/// under the same id) changes nothing.
pub async fn insert_attachment(
    db: &D1Database,
    site_id: &str,
    uploaded_by: &str,
    conversation_id: Option<&str>,
    file: &Attachment,
) -> Result<()> {
    stmt(
        db,
        "INSERT INTO attachments (id, site_id, uploaded_by, conversation_id, name, content_type, \
         size, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (id) DO NOTHING",
        &[
            text(&file.id),
            text(site_id),
            text(uploaded_by),
            opt_text(conversation_id),
            text(&file.name),
            text(&file.content_type),
            num(i64::try_from(file.size).unwrap_or(i64::MAX)),
            num(now()),
        ],
    )?
    .run()
    .await?;
    Ok(())
}

/// Claims file `id` for a message of `conversation_id` sent by `uploader`: it must be of the
/// conversation's site, uploaded by the sender (or by a visitor before they had a token, when the
/// sender is a visitor), and in no other conversation. Claiming again for the same conversation
/// succeeds (a resent message). `None` when the file cannot be claimed.
pub async fn claim_attachment(
    db: &D1Database,
    id: &str,
    site_id: &str,
    conversation_id: &str,
    uploader: &str,
    may_claim_anonymous: bool,
) -> Result<Option<Attachment>> {
    let row: Option<AttachmentRow> = stmt(
        db,
        "UPDATE attachments SET conversation_id = ?3 \
         WHERE id = ?1 AND site_id = ?2 AND (conversation_id IS NULL OR conversation_id = ?3) \
         AND (uploaded_by = ?4 OR (?5 AND uploaded_by = '')) \
         RETURNING site_id, id, name, content_type, size",
        &[
            text(id),
            text(site_id),
            text(conversation_id),
            text(uploader),
            num(i64::from(may_claim_anonymous)),
        ],
    )?
    .first(None)
    .await?;
    Ok(row.map(Into::into))
}

/// A file of a conversation with the site it is kept under, or `None`.
pub async fn conversation_attachment(
    db: &D1Database,
    conversation_id: &str,
    id: &str,
) -> Result<Option<(String, Attachment)>> {
    let row: Option<AttachmentRow> = stmt(
        db,
        "SELECT site_id, id, name, content_type, size FROM attachments \
         WHERE id = ?1 AND conversation_id = ?2",
        &[text(id), text(conversation_id)],
    )?
    .first(None)
    .await?;
    Ok(row.map(|r| (r.site_id.clone(), r.into())))
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

/// `uploaded_by` of an upload whose time ran out: no one can claim it any more, and the next
/// sweep retries deleting its bytes should this one fail between R2 and D1.
const EXPIRED_UPLOADER: &str = "#expired";

/// Marks at most `limit` uploads made before `before` and never claimed as expired (they can
/// no longer be claimed), and returns every expired upload, up to `limit`, as (site, id).
pub async fn expire_unclaimed(
    db: &D1Database,
    before: Millis,
    limit: u32,
) -> Result<Vec<(String, String)>> {
    #[derive(Deserialize)]
    struct Row {
        site_id: String,
        id: String,
    }
    let results = db
        .batch(vec![
            stmt(
                db,
                "UPDATE attachments SET uploaded_by = ?1 WHERE id IN (\
                 SELECT id FROM attachments WHERE conversation_id IS NULL AND created_at < ?2 \
                 ORDER BY created_at LIMIT ?3)",
                &[text(EXPIRED_UPLOADER), num(before), num(i64::from(limit))],
            )?,
            stmt(
                db,
                "SELECT site_id, id FROM attachments \
                 WHERE conversation_id IS NULL AND uploaded_by = ?1 LIMIT ?2",
                &[text(EXPIRED_UPLOADER), num(i64::from(limit))],
            )?,
        ])
        .await?;
    let rows: Vec<Row> = match results.get(1) {
        Some(r) => r.results()?,
        None => Vec::new(),
    };
    Ok(rows.into_iter().map(|r| (r.site_id, r.id)).collect())
}

/// Deletes the rows of expired uploads (their bytes are already gone from R2).
pub async fn delete_expired(db: &D1Database, ids: &[String]) -> Result<()> {
    let statements = ids
        .iter()
        .map(|id| {
            stmt(
                db,
                "DELETE FROM attachments WHERE id = ?1 AND uploaded_by = ?2 \
                 AND conversation_id IS NULL",
                &[text(id), text(EXPIRED_UPLOADER)],
            )
        })
        .collect::<Result<Vec<_>>>()?;
    if !statements.is_empty() {
        db.batch(statements).await?;
    }
    Ok(())
}
