//! The agent's conversation list, kept from two sources that race: the inbox socket's
//! [`InboxFrame`]s (opened first, so no change is missed) and the `GET` of the list (a snapshot
//! that may be older than frames already received). Rows are keyed by conversation id; a row
//! never goes back to an older state. Pure, tested natively.

use protocol::api::ConversationSummary;
use protocol::frame::InboxFrame;

/// Conversation rows, newest activity first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConversationIndex {
    rows: Vec<ConversationSummary>,
}

impl ConversationIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Rows, newest activity first (ties by id, so the order is stable).
    pub fn rows(&self) -> &[ConversationSummary] {
        &self.rows
    }

    /// The row with this id.
    pub fn get(&self, id: &str) -> Option<&ConversationSummary> {
        self.rows.iter().find(|r| r.id == id)
    }

    /// Applies a live frame: it replaces the row unless that row has newer messages. A frame
    /// with the same `last_seq` wins (a status change carries no new message). Frames that are
    /// not about a row (a sign-out) are the app's, and change nothing here.
    pub fn apply(&mut self, frame: InboxFrame) {
        match frame {
            InboxFrame::Conversation(row) => self.upsert(row, true),
            InboxFrame::SignedOut(_) => {}
        }
    }

    /// Merges a fetched snapshot. Rows already known keep their state unless the snapshot's
    /// is strictly newer: frames received while the request was in flight are fresher.
    pub fn merge(&mut self, snapshot: Vec<ConversationSummary>) {
        for row in snapshot {
            self.upsert(row, false);
        }
    }

    fn upsert(&mut self, row: ConversationSummary, wins_ties: bool) {
        match self.rows.iter_mut().find(|r| r.id == row.id) {
            Some(known) => {
                let newer =
                    row.last_seq > known.last_seq || (row.last_seq == known.last_seq && wins_ties);
                if newer {
                    *known = row;
                }
            }
            None => self.rows.push(row),
        }
        self.rows.sort_by(|a, b| {
            b.last_message_at
                .cmp(&a.last_message_at)
                .then_with(|| a.id.cmp(&b.id))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::{Channel, ConversationStatus, Millis, Seq};

    fn row(id: &str, last_seq: Seq, at: Millis, status: ConversationStatus) -> ConversationSummary {
        ConversationSummary {
            id: id.into(),
            site_id: "s".into(),
            channel: Channel::Chat,
            status,
            created_at: 0,
            last_message_at: at,
            last_message_preview: format!("{id}@{last_seq}"),
            last_seq,
            page_url: None,
            consent: None,
            contact_name: None,
        }
    }

    fn ids(index: &ConversationIndex) -> Vec<&str> {
        index.rows().iter().map(|r| r.id.as_str()).collect()
    }

    #[test]
    fn newest_activity_comes_first() {
        let mut index = ConversationIndex::new();
        index.merge(vec![
            row("a", 1, 10, ConversationStatus::Open),
            row("b", 1, 30, ConversationStatus::Open),
            row("c", 1, 20, ConversationStatus::Open),
        ]);
        assert_eq!(ids(&index), ["b", "c", "a"]);
        index.apply(InboxFrame::Conversation(row(
            "a",
            2,
            40,
            ConversationStatus::Open,
        )));
        assert_eq!(ids(&index), ["a", "b", "c"]);
        assert_eq!(index.get("a").map(|r| r.last_seq), Some(2));
    }

    #[test]
    fn an_older_snapshot_does_not_undo_a_live_frame() {
        let mut index = ConversationIndex::new();
        index.apply(InboxFrame::Conversation(row(
            "a",
            5,
            50,
            ConversationStatus::Open,
        )));
        index.merge(vec![row("a", 4, 40, ConversationStatus::Open)]);
        assert_eq!(index.get("a").map(|r| r.last_seq), Some(5));
        index.apply(InboxFrame::Conversation(row(
            "a",
            5,
            50,
            ConversationStatus::Closed,
        )));
        index.merge(vec![row("a", 5, 50, ConversationStatus::Open)]);
        assert_eq!(
            index.get("a").map(|r| r.status),
            Some(ConversationStatus::Closed)
        );
        assert_eq!(index.rows().len(), 1);
    }

    #[test]
    fn a_stale_frame_does_not_undo_a_newer_row() {
        let mut index = ConversationIndex::new();
        index.merge(vec![row("a", 7, 70, ConversationStatus::Open)]);
        index.apply(InboxFrame::Conversation(row(
            "a",
            6,
            60,
            ConversationStatus::Open,
        )));
        assert_eq!(index.get("a").map(|r| r.last_seq), Some(7));
    }
}
