-- E-mail to a member when a conversation is assigned to them while they are away (their
-- toggle on away, or no inbox open): a second kind of e-mail, with the link to the inbox it
-- points at. SQLite cannot change a CHECK in place, so `emails` is rebuilt as it was, plus
-- the kind and the column.
PRAGMA defer_foreign_keys = true;

CREATE TABLE emails_next (
    id              TEXT PRIMARY KEY,               -- also the provider's idempotency key
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('transcript', 'assignment')),
    to_address      TEXT NOT NULL,
    subject         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    error           TEXT,
    requested_by    TEXT,                           -- the agent's name; NULL when automatic
    attempts        INTEGER NOT NULL DEFAULT 0,
    provider_id     TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER,
    link            TEXT                            -- assignment: the inbox's address
);
INSERT INTO emails_next (id, conversation_id, kind, to_address, subject, status, error,
    requested_by, attempts, provider_id, created_at, sent_at)
SELECT id, conversation_id, kind, to_address, subject, status, error, requested_by, attempts,
    provider_id, created_at, sent_at
FROM emails;
DROP TABLE emails;
ALTER TABLE emails_next RENAME TO emails;
CREATE INDEX emails_by_conversation ON emails (conversation_id, created_at DESC);
