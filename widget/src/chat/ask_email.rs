//! The visitor's e-mail, for the `ask_email` part (`crate::ask_email` draws it): whether the
//! team has one (then the chat never asks), leaving one, and "Not now", which is remembered
//! on the device for the conversation it was said in (`crate::visitor`: the visitor's own act,
//! like the chime's choice), so a reload does not ask again but a new conversation may.

use client::http::{self, HttpError};
use leptos::prelude::*;
use protocol::api::{ErrorCode, VisitorEmail};
use protocol::routes;

use super::{encode, Chat};
use crate::visitor;

/// Why an address was not saved.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum NotSaved {
    /// It is not an e-mail address.
    Invalid,
    /// Anything else: the network, a limit, the conversation gone.
    Failed,
}

impl Chat {
    /// The site's wait before asking, when it asks now (tracked).
    pub fn ask_email_after_ms(self) -> Option<u32> {
        self.config
            .with(|c| c.as_ref().and_then(|c| c.ask_email_after_ms))
    }

    /// The e-mail the team has for the visitor (`Ok(None)`: none); `Err` when it could not be
    /// read, or there is no conversation yet.
    pub async fn known_email(self) -> Result<Option<String>, HttpError> {
        let (conversation, token) = self.conversation_and_token().ok_or(HttpError::Network)?;
        let path = routes::WidgetEmail::new(&conversation).path_with(encode);
        let known: VisitorEmail = http::get_fresh_json(&path, Some(&token)).await?;
        Ok(known.email)
    }

    /// Leaves `email` with the team; the address as stored.
    pub async fn leave_email(self, email: String) -> Result<String, NotSaved> {
        let (conversation, token) = self.conversation_and_token().ok_or(NotSaved::Failed)?;
        let path = routes::SetWidgetEmail::new(&conversation).path_with(encode);
        let body = VisitorEmail { email: Some(email) };
        match http::put_json_as::<_, VisitorEmail>(&path, &body, Some(&token)).await {
            Ok(VisitorEmail {
                email: Some(stored),
            }) => Ok(stored),
            Err(e) if e.code() == Some(ErrorCode::InvalidField) => Err(NotSaved::Invalid),
            _ => Err(NotSaved::Failed),
        }
    }

    /// Whether the visitor said "Not now" in this conversation.
    pub fn email_skipped(self) -> bool {
        let conversation = self.conversation_and_token().map(|(c, _)| c);
        let site = self.params.with_value(|p| p.site.clone());
        conversation.is_some() && visitor::email_skipped_in(&site) == conversation
    }

    /// Remembers "Not now" for this conversation.
    pub fn skip_email(self) {
        if let Some((conversation, _)) = self.conversation_and_token() {
            self.params
                .with_value(|p| visitor::remember_email_skipped(&p.site, &conversation));
        }
    }
}
