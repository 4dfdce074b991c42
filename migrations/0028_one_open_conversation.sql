-- No contact or conversation is wedged or doubled (issue 20).
--
-- One person on Messenger or WhatsApp has at most one open conversation: two queue consumers
-- taking a new person's first events at once cannot each open one. Any doubles made before
-- this are closed, keeping each person's newest open.
UPDATE conversations SET status = 'closed', closed_at = COALESCE(closed_at, updated_at)
WHERE status = 'open' AND meta_contact_id IS NOT NULL AND id NOT IN (
    SELECT id FROM (
        SELECT id, ROW_NUMBER() OVER (
            PARTITION BY channel, meta_account_id, meta_contact_id ORDER BY created_at DESC, id
        ) AS n
        FROM conversations WHERE status = 'open' AND meta_contact_id IS NOT NULL
    ) WHERE n = 1
);
CREATE UNIQUE INDEX conversations_one_open_per_contact
    ON conversations (channel, meta_account_id, meta_contact_id)
    WHERE status = 'open' AND meta_contact_id IS NOT NULL;

-- Every Meta event taken into a conversation, by its key (Meta's id), so a redelivery after its
-- conversation closed opens no new one and sends no second instant reply. Kept a week (Meta
-- redelivers for up to a day and a half).
CREATE TABLE meta_events_taken (
    key             TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    at              INTEGER NOT NULL
);
CREATE INDEX meta_events_taken_at ON meta_events_taken (at);

-- A widget conversation is created once per first message (its client id): a retry after a
-- lost answer finds it, from the same client (`requester`: a digest of its address and
-- browser) within a few minutes, instead of creating a second conversation.
CREATE TABLE conversation_creations (
    site_id         TEXT NOT NULL,
    client_id       TEXT NOT NULL,
    visitor_id      TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    requester       TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (site_id, client_id)
);
CREATE INDEX conversation_creations_at ON conversation_creations (created_at);
