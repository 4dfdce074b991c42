//! Internal notes in the inbox's thread: a set kept by id (the list fetched on opening and the
//! live frames may both bring one), placed among the messages after the message that was the
//! last when each was written; and the `@` being typed in a note, for the mention picker.

use protocol::api::Note;

use crate::Entry;

/// The thread's notes, by id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Notes {
    notes: Vec<Note>,
}

impl Notes {
    /// Adds notes not yet held; returns whether any was new.
    pub fn add(&mut self, notes: impl IntoIterator<Item = Note>) -> bool {
        let mut changed = false;
        for note in notes {
            if let Err(at) = self.notes.binary_search_by_key(&note.id, |n| n.id) {
                self.notes.insert(at, note);
                changed = true;
            }
        }
        changed
    }

    pub fn all(&self) -> &[Note] {
        &self.notes
    }
}

/// One line of a thread: a message (stored or on its way) or a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ThreadItem {
    Message(Entry),
    Note(Note),
}

impl ThreadItem {
    /// A key for a keyed list: unique, and new whenever the line's content changes.
    pub fn key(&self) -> String {
        match self {
            Self::Message(entry) => entry.key.clone(),
            Self::Note(note) => format!("note-{}", note.id),
        }
    }
}

/// Messages in their order with each note after the message it followed (notes written before
/// any message first); messages still on their way stay last.
pub fn interleave(entries: &[Entry], notes: &[Note]) -> Vec<ThreadItem> {
    let mut items = Vec::with_capacity(entries.len() + notes.len());
    let mut pending_notes = notes.iter().peekable();
    for entry in entries {
        // Before message `seq` (or a pending one): every note written before it existed.
        while let Some(note) =
            pending_notes.next_if(|n| entry.seq.is_none_or(|seq| n.after_seq < seq))
        {
            items.push(ThreadItem::Note(note.clone()));
        }
        items.push(ThreadItem::Message(entry.clone()));
    }
    items.extend(pending_notes.cloned().map(ThreadItem::Note));
    items
}

/// The name being typed after an `@` that ends `before_caret` (the text before the caret), if
/// the `@` starts the text or follows a space: `"ask @an"` → `"an"`, `"mail a@b"` → none. A
/// name may have spaces ("@Ann L"), so the query runs to the caret, at most 40 characters.
pub fn mention_query(before_caret: &str) -> Option<&str> {
    let at = before_caret.rfind('@')?;
    let query = &before_caret[at + 1..];
    let starts = before_caret[..at]
        .chars()
        .next_back()
        .is_none_or(|c| c.is_whitespace() || c == '(');
    (starts && query.chars().count() <= 40 && !query.contains('\n') && !query.starts_with(' '))
        .then_some(query)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Delivery;
    use protocol::frame::AgentRef;
    use protocol::{Author, Seq};

    fn note(id: u64, after_seq: Seq) -> Note {
        Note {
            id,
            client_id: format!("n{id}"),
            author: AgentRef {
                id: "a".into(),
                name: "Ann".into(),
            },
            body: format!("note {id}"),
            links: Vec::new(),
            mentions: Vec::new(),
            after_seq,
            at: 0,
        }
    }

    fn entry(seq: Option<Seq>) -> Entry {
        Entry {
            key: format!("m{seq:?}"),
            seq,
            client_id: format!("c{seq:?}"),
            author: Author::Visitor,
            body: String::new(),
            links: Vec::new(),
            attachment: None,
            choices: Vec::new(),
            sent_at: seq.map(|_| 0),
            delivery: if seq.is_some() {
                Delivery::Sent
            } else {
                Delivery::Pending
            },
        }
    }

    fn keys(items: &[ThreadItem]) -> Vec<String> {
        items.iter().map(ThreadItem::key).collect()
    }

    #[test]
    fn notes_follow_the_message_that_was_last_when_written() {
        let entries = [entry(Some(1)), entry(Some(2)), entry(Some(3)), entry(None)];
        let notes = [note(1, 0), note(2, 1), note(3, 1), note(4, 3)];
        assert_eq!(
            keys(&interleave(&entries, &notes)),
            ["note-1", "mSome(1)", "note-2", "note-3", "mSome(2)", "mSome(3)", "note-4", "mNone"]
        );
        // A note after messages this view has not loaded yet goes last.
        assert_eq!(
            keys(&interleave(&entries[..1], &[note(9, 5)])),
            ["mSome(1)", "note-9"]
        );
        assert_eq!(keys(&interleave(&[], &[note(1, 0)])), ["note-1"]);
    }

    #[test]
    fn a_note_is_held_once_in_id_order() {
        let mut notes = Notes::default();
        assert!(notes.add([note(2, 0), note(1, 0)]));
        assert!(!notes.add([note(1, 0)]));
        assert!(notes.add([note(1, 0), note(3, 0)]));
        let ids: Vec<u64> = notes.all().iter().map(|n| n.id).collect();
        assert_eq!(ids, [1, 2, 3]);
    }

    #[test]
    fn the_mention_being_typed() {
        assert_eq!(mention_query("@"), Some(""));
        assert_eq!(mention_query("ask @an"), Some("an"));
        assert_eq!(mention_query("ask @Ann L"), Some("Ann L"));
        assert_eq!(mention_query("(@bo"), Some("bo"));
        assert_eq!(mention_query("mail a@b"), None);
        assert_eq!(mention_query("no at sign"), None);
        assert_eq!(mention_query("@ann\nnext line"), None);
        assert_eq!(mention_query("@ spaced"), None);
    }
}
