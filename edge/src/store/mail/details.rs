//! The chat's visitor as the team knows them: the details agents fill in (name, e-mail,
//! contact owner), where the chat started and their other conversations, the owner a heading
//! shows, and making them a contact.

use protocol::api::{PastConversation, VisitorDetails};
use protocol::frame::AgentRef;
use protocol::Millis;
use serde::Deserialize;
use worker::{D1Database, Result};

use crate::store::{changes, num, opt_text, stmt, text, Viewer};

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
            "SELECT ct.name, ct.email, v.identity AS verified_email, c.page_url, c.referrer, \
             c.locale, c.user_agent, ct.listed_at IS NOT NULL AS contact, ct.owner_id, \
             (SELECT json_group_array(json_object('id', p.id, 'created_at', p.created_at, \
                 'status', p.status, 'preview', COALESCE(p.last_message_preview, ''))) FROM \
                 (SELECT * FROM conversations p WHERE p.contact_id = c.contact_id AND p.id != c.id \
                  AND p.last_seq > 0 AND {} ORDER BY p.created_at DESC LIMIT 20) p) AS previous \
             FROM conversations c JOIN visitors v ON v.id = c.visitor_id \
             JOIN contacts ct ON ct.id = c.contact_id WHERE c.id = ?1",
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

/// The owner of a conversation's contact, if they have one.
pub async fn contact_owner(db: &D1Database, conversation_id: &str) -> Result<Option<String>> {
    #[derive(Deserialize)]
    struct Row {
        owner_id: Option<String>,
    }
    let row: Option<Row> = stmt(
        db,
        "SELECT ct.owner_id FROM conversations c JOIN contacts ct ON ct.id = c.contact_id \
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
         JOIN contacts ct ON ct.id = v.contact_id JOIN agents a ON a.id = ct.owner_id \
         WHERE v.id = ?1 \
         AND json_extract(s.chat_settings, '$.heading_people.kind') = 'contact_owner'",
        &[text(visitor_id)],
    )?
    .first(None)
    .await
}

/// Sets the name, e-mail and owner of a chat's contact (`None` clears; the owner, already
/// checked to be a member); false when there is no such chat.
pub async fn set_visitor_details(
    db: &D1Database,
    conversation_id: &str,
    name: Option<&str>,
    email: Option<&str>,
    owner_id: Option<&str>,
) -> Result<bool> {
    let result = stmt(
        db,
        "UPDATE contacts SET name = ?2, email = ?3, owner_id = ?4, updated_at = ?5 \
         WHERE id = (SELECT contact_id FROM conversations WHERE id = ?1 AND visitor_id IS NOT NULL)",
        &[
            text(conversation_id),
            opt_text(name),
            opt_text(email),
            opt_text(owner_id),
            num(crate::store::now()),
        ],
    )?
    .run()
    .await?;
    Ok(changes(&result) == 1)
}

/// Sets the e-mail the visitor of chat `conversation_id` left in the chat as their contact's,
/// listing the contact in the directory (a lead the team can answer); false when there is no
/// such chat.
pub async fn set_left_email(
    db: &D1Database,
    conversation_id: &str,
    email: &str,
    now: Millis,
) -> Result<bool> {
    let result = stmt(
        db,
        "UPDATE contacts SET email = ?2, updated_at = ?3, listed_at = COALESCE(listed_at, ?3) \
         WHERE id = (SELECT contact_id FROM conversations WHERE id = ?1 AND visitor_id IS NOT NULL)",
        &[text(conversation_id), text(email), num(now)],
    )?
    .run()
    .await?;
    Ok(changes(&result) == 1)
}

/// Lists a chat's contact in the directory (once: the first time stands); false when there is
/// no such chat.
pub async fn make_contact(db: &D1Database, conversation_id: &str, now: Millis) -> Result<bool> {
    let result = stmt(
        db,
        "UPDATE contacts SET listed_at = COALESCE(listed_at, ?2) \
         WHERE id = (SELECT contact_id FROM conversations WHERE id = ?1 AND visitor_id IS NOT NULL)",
        &[text(conversation_id), num(now)],
    )?
    .run()
    .await?;
    Ok(changes(&result) == 1)
}
