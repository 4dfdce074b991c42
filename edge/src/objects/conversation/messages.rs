//! Messages in: a participant's send validated, its upload claimed, stored once per
//! participant and client id, and delivered to everyone here; then published (see `index`),
//! and, in a website chat that replies by e-mail, followed by the e-mail (see `rules`).

use domain::message::validate_send;
use protocol::api::{ErrorCode, MessageAccepted, ReplyChannel, SendMessage};
use protocol::frame::ServerFrame;
use protocol::{ConversationStatus, Message};
use worker::console_error;

use super::effects::Effect;
use super::rules::{self, FollowUp};
use super::Conversation;
use crate::contracts::conversation::Init;
use crate::error::ApiError;
use crate::participant::Participant;
use crate::{config, store};

impl Conversation {
    /// Validates and stores a send (once per participant and client id), then delivers it. A
    /// named upload is claimed for this conversation first; a resend of a stored message does
    /// not claim again. `origin` is the Worker's public origin the send came through.
    pub(super) async fn accept(
        &self,
        who: &Participant,
        send: &SendMessage,
        origin: Option<&str>,
    ) -> std::result::Result<MessageAccepted, ApiError> {
        let send = validate_send(send)?;
        if matches!(who, Participant::Agent { .. }) {
            if let Some(meta) = self.open_identity()?.meta {
                return self.reply_on_meta(who, &send, &meta, origin).await;
            }
        }
        let accepted = match &send.attachment {
            None => self.deliver(who, &send, None, None).await?,
            Some(upload) => {
                if let Some(message) = self.log.find(who, &send.client_id)? {
                    return Ok(MessageAccepted {
                        message,
                        duplicate: true,
                    });
                }
                let file = self.claim(who, upload).await?;
                self.deliver(who, &send, Some(file), None).await?
            }
        };
        if !accepted.duplicate {
            self.follow_reply_by(who, &accepted.message, origin).await?;
            self.tell_bot(who, &accepted.message).await;
        }
        Ok(accepted)
    }

    /// A new message, told to the conversation's bot (if it has one): the visitor's words are
    /// its answers; a member writing takes the conversation over. The message is stored and
    /// acknowledged whatever the bot makes of it: a bot step that fails is said in the log.
    async fn tell_bot(&self, who: &Participant, message: &Message) {
        let event = match who {
            Participant::Visitor { .. } => domain::bot::Event::Answer(message.body.clone()),
            Participant::Agent { .. } if !who.is_automated() => domain::bot::Event::TakenOver,
            _ => return,
        };
        if let Err(e) = self.bot_event(event).await {
            console_error!(
                "the bot did not take message {}: {}",
                message.seq,
                e.message
            );
        }
    }

    /// After a new message in a website chat that replies by e-mail (see [`rules::follow_up`]):
    /// an agent's goes to the visitor by e-mail too; the visitor's own, from the widget,
    /// switches replies back to the chat. If the e-mail cannot go (the address was removed
    /// since), replies switch back to the chat and the agents are told; the message itself is
    /// stored either way.
    pub(super) async fn follow_reply_by(
        &self,
        who: &Participant,
        message: &Message,
        origin: Option<&str>,
    ) -> std::result::Result<(), ApiError> {
        match rules::follow_up(self.log.reply_by()?, who) {
            FollowUp::Nothing => return Ok(()),
            FollowUp::EmailReply => {
                let Participant::Agent { name, .. } = who else {
                    return Ok(());
                };
                let init = self.open_identity()?;
                let id = init.conversation_id.clone();
                let email = Effect::EmailReply {
                    seq: message.seq,
                    agent: name.clone(),
                    origin: origin.map(str::to_owned),
                };
                let Err(e) = self.effects(init).run(email).await else {
                    return Ok(());
                };
                console_error!(
                    "reply {} of {id} did not go by e-mail: {}",
                    message.seq,
                    e.message
                );
            }
            FollowUp::BackToChat => {}
        }
        if self.log.set_reply_by(ReplyChannel::Chat)? {
            self.announce_reach(None)?;
        }
        Ok(())
    }

    /// Claims upload `upload` of `who` for this conversation (once: a claimed upload is no
    /// one else's to send).
    pub(super) async fn claim(
        &self,
        who: &Participant,
        upload: &str,
    ) -> std::result::Result<protocol::Attachment, ApiError> {
        let init = self.open_identity()?;
        let (kind, id) = who.scope();
        let db = self.env.d1(config::DB)?;
        let file = store::claim_attachment(
            &db,
            upload,
            &init.site_id,
            &init.conversation_id,
            &format!("{kind}:{id}"),
            matches!(who, Participant::Visitor { .. }),
        )
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::UnknownUpload,
                "No such upload, or it is not yours to send here.",
            )
        })?;
        Ok(file)
    }

    /// The conversation's identity while it takes messages: unknown or closed is an error.
    pub(super) fn open_identity(&self) -> std::result::Result<Init, ApiError> {
        let Some(init) = self.log.identity()? else {
            return Err(ApiError::unknown_conversation());
        };
        if self.log.status()? == ConversationStatus::Closed {
            return Err(ApiError::new(
                ErrorCode::ConversationClosed,
                "This conversation is closed.",
            ));
        }
        Ok(init)
    }

    /// Stores a message once per participant and client id (`at`, if given, is its own time)
    /// and delivers it to every participant; the inbox index follows (see [`index`]).
    pub(super) async fn deliver(
        &self,
        who: &Participant,
        send: &SendMessage,
        attachment: Option<protocol::Attachment>,
        at: Option<protocol::Millis>,
    ) -> std::result::Result<MessageAccepted, ApiError> {
        let init = self.open_identity()?;
        let (message, duplicate) = self.log.append(who, send, attachment, at, Vec::new())?;
        self.delivered(init, message, duplicate).await
    }

    /// A bot's message, with the answers it offers as buttons, stored and delivered as any.
    pub(super) async fn deliver_bot(
        &self,
        who: &Participant,
        send: &SendMessage,
        choices: Vec<String>,
    ) -> std::result::Result<MessageAccepted, ApiError> {
        let init = self.open_identity()?;
        let (message, duplicate) = self.log.append(who, send, None, None, choices)?;
        self.delivered(init, message, duplicate).await
    }

    async fn delivered(
        &self,
        init: Init,
        message: Message,
        duplicate: bool,
    ) -> std::result::Result<MessageAccepted, ApiError> {
        if !duplicate {
            self.broadcast(&ServerFrame::Message(message.clone()));
            self.publish_later(init, message.clone()).await?;
        }
        Ok(MessageAccepted { message, duplicate })
    }
}
