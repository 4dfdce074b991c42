-- What the team knows of a chat's visitor (agents fill these in), and every e-mail sent from a
-- conversation: queued first (so nothing accepted is lost), then sent or failed by the OUTBOUND
-- queue's consumer, which tries each at most a bounded number of times (`attempts`).
ALTER TABLE visitors ADD COLUMN name TEXT;
ALTER TABLE visitors ADD COLUMN email TEXT;

CREATE TABLE emails (
    id              TEXT PRIMARY KEY,               -- also the provider's idempotency key
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('transcript')),
    to_address      TEXT NOT NULL,
    subject         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    error           TEXT,
    requested_by    TEXT,                           -- the agent's name; NULL when sent on close
    attempts        INTEGER NOT NULL DEFAULT 0,
    provider_id     TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX emails_by_conversation ON emails (conversation_id, created_at DESC);
