//! Replies on Messenger and WhatsApp: an agent's reply is checked against Meta's window
//! (`domain::meta::window`, decided in `rules`), then stored with its Send API requests in the
//! object's outbox in the same write; the alarm hands the outbox to the REPLIES queue
//! (`crate::replies`), retrying until it can. So an acknowledged reply is never lost. A
//! WhatsApp template reply, the one kind WhatsApp takes after its 24-hour window, goes the
//! same way.

use domain::meta::send::file_request;
use domain::meta::window::{reply_window, ReplyWindow};
use domain::meta::MetaChannel;
use domain::Rejection;
use protocol::api::{ErrorCode, MessageAccepted, SendMessage};
use protocol::Millis;
use worker::{console_error, Result};

use super::effects::Effect;
use super::rules::{self, HAND_OFF_RETRY_MS};
use super::Conversation;
use crate::contracts::conversation::{MetaParty, TemplateToStore};
use crate::error::ApiError;
use crate::participant::Participant;
use crate::{config, store};

impl Conversation {
    /// An agent's reply on Messenger or WhatsApp: refused when Meta's window does not take it,
    /// else stored with its Send API requests in the outbox, in one write, and handed off by
    /// the alarm. A resend of a stored reply is answered as a duplicate whatever the window. A
    /// file goes after the text (if any), from a signed link Meta fetches
    /// (`domain::files::file_link`).
    pub(super) async fn reply_on_meta(
        &self,
        who: &Participant,
        send: &SendMessage,
        meta: &MetaParty,
        origin: Option<&str>,
    ) -> std::result::Result<MessageAccepted, ApiError> {
        if let Some(message) = self.log.find(who, &send.client_id)? {
            return Ok(MessageAccepted {
                message,
                duplicate: true,
            });
        }
        let window = reply_window(
            meta.channel.into(),
            self.log.last_contact_at()?,
            store::now(),
        )
        .unwrap_or(ReplyWindow::Closed);
        let mut requests = rules::meta_reply(
            meta.channel,
            &meta.contact,
            window,
            who.is_automated(),
            &send.body,
            send.attachment.is_some(),
        )?;
        let file = match &send.attachment {
            Some(upload) => {
                let file = self.claim(who, upload).await?;
                let url = self.file_url(origin, &file)?;
                requests.extend(file_request(
                    meta.channel,
                    &meta.contact,
                    &file,
                    &url,
                    window,
                ));
                Some(file)
            }
            None => None,
        };
        self.store_reply(who, send, file, serde_json::to_string(&requests)?)
            .await
    }

    /// The signed, expiring link Meta fetches `file` from, on the Worker's public `origin`.
    pub(super) fn file_url(
        &self,
        origin: Option<&str>,
        file: &protocol::Attachment,
    ) -> std::result::Result<String, ApiError> {
        let key = self
            .env
            .secret(config::TOKEN_KEY)
            .map(|k| k.to_string())
            .unwrap_or_default();
        let conversation = self
            .log
            .identity()?
            .map(|i| i.conversation_id)
            .unwrap_or_default();
        let path = domain::files::file_link(
            key.as_bytes(),
            &conversation,
            &file.id,
            store::now() + domain::files::FILE_LINK_TTL_MS,
        );
        match (origin, path) {
            (Some(origin), Some(path)) => Ok(format!("{origin}{path}")),
            _ => Err(ApiError::new(
                ErrorCode::NotConfigured,
                "Files on Messenger and WhatsApp need the TOKEN_KEY secret.",
            )),
        }
    }

    /// An agent's WhatsApp template reply: taken whatever the window (that is what templates
    /// are for), stored with its Send API request in the outbox, in one write. A media header's
    /// file is claimed like a reply's attachment, kept with the message, and fetched by Meta
    /// from a signed link on `origin`.
    pub(super) async fn send_template(
        &self,
        who: &Participant,
        template: &TemplateToStore,
        origin: Option<&str>,
    ) -> std::result::Result<MessageAccepted, ApiError> {
        let meta = self
            .open_identity()?
            .meta
            .filter(|m| m.channel == MetaChannel::WhatsApp);
        let (Participant::Agent { .. }, Some(meta)) = (who, meta) else {
            return Err(ApiError::new(
                ErrorCode::NotOnThisChannel,
                "Templates are WhatsApp's: this conversation is not on WhatsApp.",
            ));
        };
        if let Some(message) = self.log.find(who, &template.client_id)? {
            return Ok(MessageAccepted {
                message,
                duplicate: true,
            });
        }
        let (file, link) = match (&template.template.header, &template.header_file_id) {
            (Some(header), Some(upload)) => {
                let file = self.claim(who, upload).await?;
                if !domain::meta::templates::header_takes(header, &file.content_type) {
                    return Err(Rejection::field(
                        "header_file_id",
                        "is not a kind of file this template's header takes (a JPEG or PNG \
                         picture, an MP4 video, a PDF document)",
                    )
                    .into());
                }
                let link = self.file_url(origin, &file)?;
                (Some(file), Some(link))
            }
            _ => (None, None),
        };
        let header_file = match (&file, &link) {
            (Some(file), Some(link)) => Some(domain::meta::templates::HeaderFile {
                link,
                filename: &file.name,
            }),
            _ => None,
        };
        let request = domain::meta::templates::request(
            &template.template,
            &meta.contact,
            &template.values,
            &template.extras,
            header_file.as_ref(),
        );
        let send = SendMessage {
            client_id: template.client_id.clone(),
            body: template.body.clone(),
            attachment: None,
        };
        self.store_reply(who, &send, file, serde_json::to_string(&[request])?)
            .await
    }

    /// Stores an agent's reply on a Meta channel with its Send API requests (a JSON array) in
    /// the outbox, in one write, and wakes the alarm to hand them off ([`Self::hand_off`]).
    pub(super) async fn store_reply(
        &self,
        who: &Participant,
        send: &SendMessage,
        file: Option<protocol::Attachment>,
        requests: String,
    ) -> std::result::Result<MessageAccepted, ApiError> {
        let accepted = self.deliver(who, send, file, None).await?;
        if !accepted.duplicate {
            self.log.hold_outgoing(accepted.message.seq, &requests)?;
            self.wake_by(store::now()).await?;
        }
        Ok(accepted)
    }

    /// Run by the alarm: hands the outbox to the REPLIES queue, in order, stopping at the
    /// first failure; when to try again if one failed, or at once if a reply was stored
    /// meanwhile.
    pub(super) async fn hand_off(&self, now: Millis) -> Result<Option<Millis>> {
        let Some(init) = self.log.identity()? else {
            return Ok(None);
        };
        let id = init.conversation_id.clone();
        let effects = self.effects(init);
        for (seq, requests) in self.log.outgoing()? {
            if let Err(e) = effects.run(Effect::HandOff { seq, requests }).await {
                console_error!(
                    "reply {seq} of {id} not handed off, will retry: {}",
                    e.message
                );
                return Ok(Some(now + HAND_OFF_RETRY_MS));
            }
        }
        // A reply stored while this ran goes at once.
        Ok((!self.log.outgoing()?.is_empty()).then_some(now))
    }
}
