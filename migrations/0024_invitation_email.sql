-- Invitations go by e-mail too. An e-mail now belongs to a conversation or to an invitation
-- (deleted with it: a withdrawn invitation's e-mail never goes out). The link in an invitation
-- e-mail carries the invitation's token, which is never stored in clear: `link` holds it sealed
-- (AES-256-GCM under TOKEN_KEY, the e-mail's id as associated data) until it is sent, then
-- nothing.
PRAGMA defer_foreign_keys = true;
CREATE TABLE emails_next (
    id              TEXT PRIMARY KEY,               -- also the provider's idempotency key
    conversation_id TEXT REFERENCES conversations (id) ON DELETE CASCADE,
    invitation_id   TEXT REFERENCES invitations (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('transcript', 'assignment', 'invitation')),
    to_address      TEXT NOT NULL,
    subject         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    error           TEXT,
    requested_by    TEXT,                           -- the agent's name; NULL when automatic
    attempts        INTEGER NOT NULL DEFAULT 0,
    provider_id     TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER,
    link            TEXT,                           -- assignment: the inbox; invitation: sealed
    CHECK ((conversation_id IS NULL) != (invitation_id IS NULL))
);
INSERT INTO emails_next (id, conversation_id, kind, to_address, subject, status, error,
    requested_by, attempts, provider_id, created_at, sent_at, link)
SELECT id, conversation_id, kind, to_address, subject, status, error, requested_by, attempts,
    provider_id, created_at, sent_at, link
FROM emails;
DROP TABLE emails;
ALTER TABLE emails_next RENAME TO emails;
CREATE INDEX emails_by_conversation ON emails (conversation_id, created_at DESC);
CREATE INDEX emails_by_invitation ON emails (invitation_id);
