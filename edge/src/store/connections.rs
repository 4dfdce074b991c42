//! Messenger Pages and WhatsApp numbers connected to a site (`meta_connections`, migration 0004;
//! inbox 0018, flow 0019), with their sealed tokens; each Meta contact's current conversation
//! (`meta_contacts`, 0004; one open conversation each, 0028); and events for accounts nobody
//! connected (`meta_unrouted`, 0004), kept rather than dropped.

use protocol::api::{Connection, TokenState};
use protocol::{Channel, ConversationStatus, Millis};
use serde::Deserialize;
use worker::{D1Database, Result};

use super::{changes, channel_name, now, num, opt_text, stmt, text};

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

/// A new conversation for a Meta sender, made their current one, in one transaction.
pub struct NewMetaConversation<'a> {
    pub id: &'a str,
    pub site_id: &'a str,
    pub channel: Channel,
    pub account_id: &'a str,
    /// Meta's id for the sender (a PSID, or a WhatsApp number).
    pub contact_id: &'a str,
    pub contact_name: Option<&'a str>,
    /// The contact to make when the sender is new (`ct_…`, unused otherwise).
    pub new_contact: &'a str,
    pub at: Millis,
}

/// Inserts the conversation (unless the sender has an open one: false), with the sender's
/// contact: the one their last conversation has, or, for a new sender, a new listed contact
/// with the name Meta gave and, on WhatsApp, their number as the phone.
pub async fn insert_meta_conversation(
    db: &D1Database,
    c: &NewMetaConversation<'_>,
) -> Result<bool> {
    let channel = text(channel_name(c.channel));
    let known = "(SELECT contact_id FROM conversations \
         WHERE channel = ?1 AND meta_account_id = ?2 AND meta_contact_id = ?3 \
         AND contact_id IS NOT NULL ORDER BY created_at DESC LIMIT 1)";
    // A new sender's contact, made first (the conversation refers to it) and removed again at
    // the end if the conversation was not inserted after all.
    let contact = stmt(
        db,
        &format!(
            "INSERT INTO contacts (id, site_id, name, phone, listed_at, created_at, updated_at) \
             SELECT ?4, ?5, ?6, CASE WHEN ?1 = 'whatsapp' THEN '+' || ?3 END, ?7, ?7, ?7 \
             WHERE {known} IS NULL"
        ),
        &[
            channel.clone(),
            text(c.account_id),
            text(c.contact_id),
            text(c.new_contact),
            text(c.site_id),
            opt_text(c.contact_name),
            num(c.at),
        ],
    )?;
    // The person's one open conversation is unique (migration 0028): a second one is not
    // inserted, and the sender keeps pointing at the first.
    let conversation = stmt(
        db,
        &format!(
            "INSERT OR IGNORE INTO conversations (id, site_id, visitor_id, channel, status, \
             created_at, updated_at, last_seq, contact_name, meta_account_id, meta_contact_id, \
             inbox_id, contact_id) \
             SELECT ?4, ?5, NULL, ?1, 'open', ?6, ?6, 0, ?7, ?2, ?3, m.inbox_id, \
                 COALESCE({known}, ?8) \
             FROM meta_connections m WHERE m.channel = ?1 AND m.account_id = ?2"
        ),
        &[
            channel.clone(),
            text(c.account_id),
            text(c.contact_id),
            text(c.id),
            text(c.site_id),
            num(c.at),
            opt_text(c.contact_name),
            text(c.new_contact),
        ],
    )?;
    let sender = stmt(
        db,
        "INSERT INTO meta_contacts (channel, account_id, contact_id, name, conversation_id, created_at) \
         SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM conversations WHERE id = ?5) \
         ON CONFLICT (channel, account_id, contact_id) \
         DO UPDATE SET conversation_id = excluded.conversation_id, \
         name = COALESCE(excluded.name, meta_contacts.name)",
        &[
            channel,
            text(c.account_id),
            text(c.contact_id),
            opt_text(c.contact_name),
            text(c.id),
            num(c.at),
        ],
    )?;
    let unused = stmt(
        db,
        "DELETE FROM contacts WHERE id = ?1 \
         AND NOT EXISTS (SELECT 1 FROM conversations WHERE contact_id = ?1)",
        &[text(c.new_contact)],
    )?;
    let results = db
        .batch(vec![contact, conversation, sender, unused])
        .await?;
    Ok(results.get(1).map(changes) == Some(1))
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
