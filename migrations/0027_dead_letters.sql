-- Nothing ends in a queue nobody reads (edge/src/queues.rs). Each failed attempt at a queued
-- message notes its reason here under the message's key (its queue and the SHA-256 of its body);
-- when the queue gives up, the dead-letter queue's consumer marks the row dead (`dead_at`).
-- Admins see the dead rows in the inbox and send them back to their queue (`retried_at`).
-- Rows that never died are purged by housekeeping after a day.
CREATE TABLE dead_letters (
    key        TEXT PRIMARY KEY,                -- '{queue}.{sha256 of body, hex}'
    queue      TEXT NOT NULL,                   -- the queue it came from, e.g. porchlight-inbound
    body       TEXT NOT NULL,
    reason     TEXT,                            -- the last failure's, for people
    failures   INTEGER NOT NULL DEFAULT 0,
    first_at   INTEGER NOT NULL,
    last_at    INTEGER NOT NULL,
    dead_at    INTEGER,
    retried_at INTEGER
);
CREATE INDEX dead_letters_dead ON dead_letters (dead_at) WHERE dead_at IS NOT NULL;

-- When an e-mail was last attempted, so the sweep can tell one whose job was lost.
ALTER TABLE emails ADD COLUMN attempted_at INTEGER;
