//! Access where data flows. An agent's socket carries this conversation only while the session
//! it was opened with may see it (`store::access`): its session is kept in the socket's tags
//! and the socket is listed in D1 (`thread_sockets`) while it is open.
//!
//! Access is taken away in three ways, and each ends the socket within a second:
//! - a change to who may see what (a member removed or demoted, inboxes or teams changed, the
//!   conversation moved, a session signed out): the inbox hub asks every listed conversation
//!   whose holder lost access to check its sockets again (`Call::CheckAccess`, [`recheck`]);
//! - the session's expiry: the object's alarm is set for the earliest one ([`end_expired`]);
//! - and, so that nothing slips through between a change and that check, every frame that
//!   would store something (a send, a read position) is checked first ([`may_still_see`]); a
//!   frame whose access is gone is refused, stores nothing, and its socket is closed.
//!
//! [`recheck`]: Conversation::recheck_access
//! [`end_expired`]: Conversation::end_expired
//! [`may_still_see`]: Conversation::may_still_see

use protocol::api::ErrorCode;
use protocol::frame::ServerFrame;
use protocol::Millis;
use worker::{console_error, Result, WebSocket};

use super::Conversation;
use crate::participant::Participant;
use crate::store::access::{self, Holder};
use crate::{config, store};

/// The close code of a socket whose access was taken away (a private-use code).
pub const ACCESS_ENDED_CLOSE: u16 = 4003;

/// The tag prefixes of an agent socket's session digest and its expiry (milliseconds).
const SESSION_TAG: &str = "session=";
const EXPIRES_TAG: &str = "expires=";

/// What an agent socket is held under.
pub(super) struct Hold {
    pub session: String,
    pub expires_at: Millis,
}

impl Hold {
    /// The socket tags that keep it.
    pub fn tags(&self) -> [String; 2] {
        [
            format!("{SESSION_TAG}{}", self.session),
            format!("{EXPIRES_TAG}{}", self.expires_at),
        ]
    }
}

impl Conversation {
    /// For an agent's socket about to open: lists it under the session the front Worker
    /// verified; `None` when the session has ended since (the socket must not open). Once it
    /// is accepted, [`Self::wake_by`] its expiry.
    pub(super) async fn admit(
        &self,
        session: Option<String>,
        who: &Participant,
    ) -> Result<Option<Hold>> {
        let Participant::Agent { id, .. } = who else {
            return Ok(None);
        };
        let (Some(session), Some(conversation)) = (session, self.log.identity()?) else {
            return Ok(None);
        };
        let holder = Holder {
            agent_id: id,
            session: &session,
        };
        let db = self.env.d1(config::DB)?;
        let Some(expires_at) = access::opened(&db, &conversation.conversation_id, &holder).await?
        else {
            return Ok(None);
        };
        Ok(Some(Hold {
            session,
            expires_at,
        }))
    }

    /// Whether the agent behind `ws` may still see this conversation (always, for a visitor).
    /// When not, the socket is told and closed: the caller stores nothing.
    pub(super) async fn may_still_see(&self, ws: &WebSocket, who: &Participant) -> Result<bool> {
        let Participant::Agent { id, .. } = who else {
            return Ok(true);
        };
        let (session, conversation) = (self.session_of(ws), self.log.identity()?);
        let allowed = match (&session, conversation) {
            (Some(session), Some(conversation)) => {
                let holder = Holder {
                    agent_id: id,
                    session,
                };
                let db = self.env.d1(config::DB)?;
                access::may_see(&db, &conversation.conversation_id, &holder, store::now()).await?
            }
            _ => false,
        };
        if !allowed {
            self.end_access(std::slice::from_ref(ws)).await;
        }
        Ok(allowed)
    }

    /// `POST /access`: checks every agent socket against D1 again and closes those whose
    /// access has gone.
    pub(super) async fn recheck_access(&self) -> Result<()> {
        let Some(conversation) = self.log.identity()? else {
            return Ok(());
        };
        let sockets: Vec<(WebSocket, String, String)> = self
            .state
            .get_websockets()
            .into_iter()
            .filter_map(|ws| {
                let Ok(Some(Participant::Agent { id, .. })) = ws.deserialize_attachment() else {
                    return None;
                };
                let session = self.session_of(&ws).unwrap_or_default();
                Some((ws, id, session))
            })
            .collect();
        let holders: Vec<Holder> = sockets
            .iter()
            .map(|(_, agent_id, session)| Holder { agent_id, session })
            .collect();
        let db = self.env.d1(config::DB)?;
        let seeing =
            access::still_seeing(&db, &conversation.conversation_id, &holders, store::now())
                .await?;
        let gone: Vec<WebSocket> = sockets
            .iter()
            .filter(|(_, _, session)| !seeing.contains(session))
            .map(|(ws, _, _)| ws.clone())
            .collect();
        self.end_access(&gone).await;
        // Listings of sockets no longer here whose access has gone too (so the hub stops
        // asking).
        access::forget_revoked(&db, &conversation.conversation_id, store::now()).await
    }

    /// Closes the agent sockets whose session has expired by `now`.
    pub(super) async fn end_expired(&self, now: Millis) {
        let expired: Vec<WebSocket> = self
            .state
            .get_websockets()
            .into_iter()
            .filter(|ws| self.expiry_of(ws).is_some_and(|at| at <= now))
            .collect();
        self.end_access(&expired).await;
    }

    /// When the next open agent socket's session expires.
    pub(super) fn next_expiry(&self) -> Option<Millis> {
        self.state
            .get_websockets()
            .iter()
            .filter(|ws| ws.as_ref().ready_state() <= 1)
            .filter_map(|ws| self.expiry_of(ws))
            .min()
    }

    /// Tells each socket its access has ended, closes it, forgets it in D1 and tells the
    /// others who is still here.
    pub(super) async fn end_access(&self, sockets: &[WebSocket]) {
        if sockets.is_empty() {
            return;
        }
        let ended = ServerFrame::Error {
            code: ErrorCode::Forbidden,
            message: "Your access to this conversation has ended.".to_owned(),
            client_id: None,
        };
        let text = serde_json::to_string(&ended).unwrap_or_default();
        for ws in sockets {
            // The peer may be gone already; the socket is closed either way.
            let _ = ws.send_with_str(&text);
            let _ = ws.close(Some(ACCESS_ENDED_CLOSE), Some("access ended"));
        }
        for ws in sockets {
            self.leave(ws);
            if let Err(e) = self.unlist(ws).await {
                console_error!("a closed socket stays listed until the next check: {e}");
            }
        }
    }

    /// Forgets an agent socket's listing in D1 once no other open socket holds its session.
    pub(super) async fn unlist(&self, ws: &WebSocket) -> Result<()> {
        let Some(session) = self.session_of(ws) else {
            return Ok(());
        };
        let held_elsewhere = self.state.get_websockets().iter().any(|other| {
            other != ws
                && other.as_ref().ready_state() <= 1
                && self.session_of(other).as_deref() == Some(session.as_str())
        });
        if held_elsewhere {
            return Ok(());
        }
        let Some(conversation) = self.log.identity()? else {
            return Ok(());
        };
        let db = self.env.d1(config::DB)?;
        access::closed(&db, &conversation.conversation_id, &[&session]).await
    }

    /// Makes sure the alarm runs by `at` (it may run earlier for other work).
    pub(super) async fn wake_by(&self, at: Millis) -> Result<()> {
        crate::alarms::wake_by(&self.state.storage(), at).await
    }

    pub(super) fn session_of(&self, ws: &WebSocket) -> Option<String> {
        self.tag(ws, SESSION_TAG)
    }

    pub(super) fn expiry_of(&self, ws: &WebSocket) -> Option<Millis> {
        self.tag(ws, EXPIRES_TAG)?.parse().ok()
    }

    /// The value of `ws`'s tag that starts with `prefix`.
    pub(super) fn tag(&self, ws: &WebSocket, prefix: &str) -> Option<String> {
        self.state
            .get_tags(ws)
            .into_iter()
            .find_map(|t| t.strip_prefix(prefix).map(str::to_owned))
    }
}
