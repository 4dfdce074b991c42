-- @mentions in internal notes: one row per mentioned member and note, kept until they have seen
-- it, so a member who was away finds their mentions when they come back. `note` is the note as
-- written (protocol::api::Note, JSON); the conversation's Durable Object holds the notes
-- themselves.
CREATE TABLE mentions (
    agent_id        TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    note_id         INTEGER NOT NULL,
    note            TEXT NOT NULL,
    at              INTEGER NOT NULL,
    seen_at         INTEGER,
    PRIMARY KEY (agent_id, conversation_id, note_id)
);
CREATE INDEX mentions_unseen ON mentions (agent_id, seen_at, at);
