//! Erasing the conversation (its person's erasure, `crate::erasure`): the participants' sockets
//! are closed as access ending (the visitor's widget and the agents' threads stop showing it),
//! the alarm is cancelled, so nothing is published or sent afterwards, and the storage is
//! deleted: messages, notes, read positions, the outbox. Repeating it finds nothing left.

use worker::Result;

use super::access::ACCESS_ENDED_CLOSE;
use super::Conversation;

impl Conversation {
    pub(super) async fn erase(&self) -> Result<()> {
        for ws in self.state.get_websockets() {
            let _ = ws.close(Some(ACCESS_ENDED_CLOSE), Some("erased"));
        }
        let storage = self.state.storage();
        storage.delete_alarm().await?;
        storage.delete_all().await
    }
}
