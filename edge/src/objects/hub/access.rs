//! Who sees what, as the hub keeps it: each list socket remembers the inboxes its agent sees,
//! read again when access changes; a sign-out ends an agent's sockets of the sessions it names;
//! and after every such change, every thread whose holder lost access is ended where it flows
//! (the conversation checks its sockets again), so no thread outlives its access.

use futures_util::future::join_all;
use protocol::frame::{ListFrame, SignedOut};
use worker::{console_error, Result};

use super::{Hub, Viewer, SIGNED_OUT_CLOSE};
use crate::contracts::conversation::{Call, ConversationStub};
use crate::contracts::hub::Sessions;
use crate::edge_cache::Entry;
use crate::participant::Participant;
use crate::{config, store};

impl Hub {
    /// The inboxes agent `id` sees now.
    pub(super) async fn access_of(&self, id: &str) -> Result<Vec<String>> {
        let db = self.env.d1(config::DB)?;
        Ok(store::inboxes::access(&db, Some(id))
            .await?
            .into_iter()
            .find(|(agent, _)| agent == id)
            .map(|(_, inboxes)| inboxes)
            .unwrap_or_default())
    }

    /// Reads every agent's access again and tells each open inbox app to reload.
    pub(super) async fn reload_access(&self) -> Result<()> {
        let db = self.env.d1(config::DB)?;
        let access = store::inboxes::access(&db, None).await?;
        let text = serde_json::to_string(&ListFrame::AccessChanged)?;
        for (ws, mut viewer) in self.viewers() {
            let Participant::Agent { id, .. } = &viewer.who else {
                continue;
            };
            viewer.inboxes = access
                .iter()
                .find(|(agent, _)| agent == id)
                .map(|(_, inboxes)| inboxes.clone())
                .unwrap_or_default();
            ws.serialize_attachment(&viewer)?;
            let _ = ws.send_with_str(&text);
        }
        // Who answers which channel may have changed: availability is computed afresh.
        self.forget_presence().await;
        Ok(())
    }

    /// Tells each of the agent's sockets why, then closes it; they are no longer present.
    pub(super) async fn sign_out(
        &self,
        agent_id: &str,
        why: SignedOut,
        sessions: &Sessions,
    ) -> Result<()> {
        let text = serde_json::to_string(&ListFrame::SignedOut(why))?;
        for ws in self.state.get_websockets() {
            let Ok(Some(viewer)) = ws.deserialize_attachment::<Viewer>() else {
                continue;
            };
            let theirs = matches!(&viewer.who, Participant::Agent { id, .. } if id == agent_id);
            if theirs && sessions.cover(viewer.session.as_deref()) {
                // The peer may be gone already; the socket is closed either way.
                let _ = ws.send_with_str(&text);
                let _ = ws.close(Some(SIGNED_OUT_CLOSE), Some("signed out"));
                Entry::presence(&viewer.origin).forget().await;
            }
        }
        Ok(())
    }

    /// After a change to who may see what (already in D1): every conversation where an open
    /// thread's holder lost access checks its sockets and closes those (the conversation's
    /// `access`). All are asked at once, so access ends everywhere within a second.
    pub(super) async fn end_lost_access(&self) -> Result<()> {
        let app = config::App::new(self.env.clone())?;
        let revoked = store::access::revoked(&app.db, store::now()).await?;
        let checks = revoked.iter().map(|id| async {
            ConversationStub::of(&app.conversations, id)?
                .tell(&Call::CheckAccess)
                .await
        });
        for (id, checked) in revoked.iter().zip(join_all(checks).await) {
            if let Err(e) = checked {
                console_error!("the sockets of {id} were not checked: {}", e.message);
            }
        }
        Ok(())
    }
}
