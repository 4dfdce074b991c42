//! The agent's conversation list, kept from two sources that race: the list socket's
//! [`ListFrame`]s (opened first, so no change is missed) and the `GET` of the list (a snapshot
//! that may be older than frames already received). Rows are keyed by conversation id; a row
//! never goes back to an older state. Pure, tested natively.

use protocol::api::ConversationSummary;
use protocol::frame::ListFrame;
use protocol::ConversationStatus;

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
    /// with the same `last_seq` wins (a status change carries no new message); a row that went
    /// out of sight is dropped. Frames that are not about a row (a sign-out) are the app's, and
    /// change nothing here.
    pub fn apply(&mut self, frame: ListFrame) {
        match frame {
            ListFrame::Conversation(row) => self.upsert(row, true),
            ListFrame::Gone(id) => self.rows.retain(|r| r.id != id),
            ListFrame::SignedOut(_) | ListFrame::Mention(_) | ListFrame::AccessChanged => {}
        }
    }

    /// Starts again from a snapshot: rows it lacks are dropped (after the inboxes the agent
    /// sees changed, some rows may no longer be theirs to see).
    pub fn reset(&mut self, snapshot: Vec<ConversationSummary>) {
        self.rows.clear();
        self.merge(snapshot);
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

/// A view of the inbox list: which rows it shows, for agent `me`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Open and assigned to nobody: the team's to pick up.
    Unassigned,
    /// Open and assigned to me.
    Mine,
    /// Every open conversation.
    Open,
    /// Every closed conversation.
    Closed,
}

impl View {
    pub fn shows(self, row: &ConversationSummary, me: &str) -> bool {
        let open = row.status == ConversationStatus::Open;
        match self {
            Self::Unassigned => open && row.assignee_id.is_none(),
            Self::Mine => open && row.assignee_id.as_deref() == Some(me),
            Self::Open => open,
            Self::Closed => !open,
        }
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
            assignee_id: None,
            last_author: None,
            inbox_id: "default".into(),
            team_id: None,
            bot_active: false,
        }
    }

    #[test]
    fn views_split_open_rows_by_assignee_and_keep_closed_apart() {
        let assigned = |id: &str, to: Option<&str>, status| ConversationSummary {
            assignee_id: to.map(Into::into),
            ..row(id, 1, 1, status)
        };
        let rows = [
            assigned("free", None, ConversationStatus::Open),
            assigned("mine", Some("me"), ConversationStatus::Open),
            assigned("theirs", Some("them"), ConversationStatus::Open),
            assigned("done", Some("me"), ConversationStatus::Closed),
        ];
        let shown = |view: View| -> Vec<&str> {
            rows.iter()
                .filter(|r| view.shows(r, "me"))
                .map(|r| r.id.as_str())
                .collect()
        };
        assert_eq!(shown(View::Unassigned), ["free"]);
        assert_eq!(shown(View::Mine), ["mine"]);
        assert_eq!(shown(View::Open), ["free", "mine", "theirs"]);
        assert_eq!(shown(View::Closed), ["done"]);
    }

    fn ids(index: &ConversationIndex) -> Vec<&str> {
        index.rows().iter().map(|r| r.id.as_str()).collect()
    }

    #[test]
    fn a_row_out_of_sight_goes_and_a_reset_keeps_only_the_snapshot() {
        let mut index = ConversationIndex::new();
        index.merge(vec![
            row("a", 1, 10, ConversationStatus::Open),
            row("b", 1, 20, ConversationStatus::Open),
        ]);
        index.apply(ListFrame::Gone("a".into()));
        assert_eq!(ids(&index), ["b"]);
        index.apply(ListFrame::Gone("unknown".into()));
        assert_eq!(ids(&index), ["b"]);
        index.reset(vec![row("c", 1, 5, ConversationStatus::Open)]);
        assert_eq!(ids(&index), ["c"]);
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
        index.apply(ListFrame::Conversation(row(
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
        index.apply(ListFrame::Conversation(row(
            "a",
            5,
            50,
            ConversationStatus::Open,
        )));
        index.merge(vec![row("a", 4, 40, ConversationStatus::Open)]);
        assert_eq!(index.get("a").map(|r| r.last_seq), Some(5));
        index.apply(ListFrame::Conversation(row(
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
        index.apply(ListFrame::Conversation(row(
            "a",
            6,
            60,
            ConversationStatus::Open,
        )));
        assert_eq!(index.get("a").map(|r| r.last_seq), Some(7));
    }
}
