//! What e-mails read from their conversation's Durable Object when they are sent (a
//! transcript reads every message with `ConversationStub::all_messages`): a reply with what the visitor last wrote before it and where
//! their answer goes (a reply by e-mail).

use domain::email::inbound;
use protocol::api::MessagePage;
use protocol::Author;

use crate::config::App;
use crate::contracts::conversation::{Call, ConversationStub};
use crate::error::ApiResult;
use crate::store;

/// How far back a reply e-mail looks for what the visitor last wrote, in messages.
const EARLIER_WINDOW: protocol::Seq = 20;

/// What a reply e-mail carries, read from the conversation.
pub struct ReplyParts {
    pub agent: String,
    pub body: String,
    /// The reply's file: its name and a signed link on the Worker's origin.
    pub file: Option<(String, String)>,
    /// What the visitor last wrote before it.
    pub earlier: Option<String>,
    /// Where the visitor's answer goes.
    pub address: String,
}

/// The reply at `seq` of `conversation_id`, and its reply address; `Err` says why it cannot go
/// (for the thread), which trying again would not change.
pub async fn reply_email(
    app: &App,
    conversation_id: &str,
    seq: protocol::Seq,
    origin: &Option<String>,
) -> ApiResult<std::result::Result<ReplyParts, &'static str>> {
    let Some((key, domain)) = app.reply_addressing() else {
        return Ok(Err(
            "Replies by e-mail need MAIL_INBOUND_DOMAIN and the TOKEN_KEY secret.",
        ));
    };
    let Some(address) = inbound::reply_address(key.as_bytes(), conversation_id, &domain) else {
        return Ok(Err("Replies by e-mail need the TOKEN_KEY secret."));
    };
    let after = seq.saturating_sub(EARLIER_WINDOW);
    let mut page = ConversationStub::of(&app.conversations, conversation_id)?
        .call(&Call::History { after })
        .await?;
    let page: MessagePage = page.json().await?;
    let Some(message) = page.messages.iter().find(|m| m.seq == seq) else {
        return Ok(Err("The reply is no longer in the conversation."));
    };
    let Author::Agent { name: agent, .. } = &message.author else {
        return Ok(Err("Only agents' replies go by e-mail."));
    };
    let earlier = page
        .messages
        .iter()
        .rfind(|m| m.seq < seq && m.author == Author::Visitor && !m.body.trim().is_empty())
        .map(|m| m.body.clone());
    let file = match (&message.attachment, origin) {
        (Some(file), Some(origin)) => domain::files::file_link(
            key.as_bytes(),
            conversation_id,
            &file.id,
            store::now() + domain::files::FILE_LINK_TTL_MS,
        )
        .map(|path| (file.name.clone(), format!("{origin}{path}"))),
        _ => None,
    };
    Ok(Ok(ReplyParts {
        agent: agent.clone(),
        body: message.body.clone(),
        file,
        earlier,
        address,
    }))
}
