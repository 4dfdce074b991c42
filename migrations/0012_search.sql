-- Search (GET /api/agent/conversations?q=): every message's text, once per (conversation, seq),
-- indexed by FTS5 through an external-content table kept in step by triggers, so an insert the
-- primary key ignores (a message published twice) indexes nothing twice. Messages stored
-- before this migration are known here only by their conversation's last preview.
CREATE TABLE message_text (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    body            TEXT NOT NULL,
    PRIMARY KEY (conversation_id, seq)
);

CREATE VIRTUAL TABLE message_search USING fts5(
    body,
    content = 'message_text',
    content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER message_text_added AFTER INSERT ON message_text BEGIN
    INSERT INTO message_search (rowid, body) VALUES (new.rowid, new.body);
END;

CREATE TRIGGER message_text_removed AFTER DELETE ON message_text BEGIN
    INSERT INTO message_search (message_search, rowid, body) VALUES ('delete', old.rowid, old.body);
END;

INSERT OR IGNORE INTO message_text (conversation_id, seq, body)
    SELECT id, last_seq, last_message_preview FROM conversations
    WHERE last_seq > 0 AND last_message_preview IS NOT NULL AND last_message_preview != '';
