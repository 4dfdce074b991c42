-- A website chat can continue by e-mail: an agent's reply goes to the visitor as an e-mail of
-- kind 'reply', naming the message it carries (`message_seq`, in the conversation's log); its
-- `link` is the Worker's public origin, where the reply's file is linked from.
PRAGMA defer_foreign_keys = true;
CREATE TABLE emails_next (
    id              TEXT PRIMARY KEY,               -- also the provider's idempotency key
    conversation_id TEXT REFERENCES conversations (id) ON DELETE CASCADE,
    invitation_id   TEXT REFERENCES invitations (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL
                    CHECK (kind IN ('transcript', 'assignment', 'invitation', 'reply')),
    to_address      TEXT NOT NULL,
    subject         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    error           TEXT,
    requested_by    TEXT,                           -- the agent's name; NULL when automatic
    attempts        INTEGER NOT NULL DEFAULT 0,
    provider_id     TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER,
    link            TEXT,                           -- assignment: the inbox; invitation: sealed;
                                                    -- reply: the Worker's origin
    message_seq     INTEGER,                        -- reply: the message it carries
    CHECK ((conversation_id IS NULL) != (invitation_id IS NULL)),
    CHECK ((kind = 'reply') = (message_seq IS NOT NULL))
);
INSERT INTO emails_next (id, conversation_id, invitation_id, kind, to_address, subject, status,
    error, requested_by, attempts, provider_id, created_at, sent_at, link)
SELECT id, conversation_id, invitation_id, kind, to_address, subject, status, error,
    requested_by, attempts, provider_id, created_at, sent_at, link
FROM emails;
DROP TABLE emails;
ALTER TABLE emails_next RENAME TO emails;
CREATE INDEX emails_by_conversation ON emails (conversation_id, created_at DESC);
CREATE INDEX emails_by_invitation ON emails (invitation_id);
