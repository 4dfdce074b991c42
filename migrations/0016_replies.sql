-- Replies out on Messenger and WhatsApp.
--
-- A Meta conversation remembers whose it is (the Page or number, and the person), so a reply can
-- be addressed after the contact has moved on to a newer conversation.
ALTER TABLE conversations ADD COLUMN meta_account_id TEXT;
ALTER TABLE conversations ADD COLUMN meta_contact_id TEXT;
UPDATE conversations SET
    meta_account_id = (SELECT k.account_id FROM meta_contacts k WHERE k.conversation_id = conversations.id),
    meta_contact_id = (SELECT k.contact_id FROM meta_contacts k WHERE k.conversation_id = conversations.id)
WHERE channel IN ('messenger', 'whatsapp');

-- One agent reply on a Meta channel (the message `seq` of `conversation_id`): the Send API
-- requests decided when it was accepted (`requests`, a JSON array of `parts`, sent in order;
-- `parts_sent` of them went), and where it stands. The REPLIES queue's consumer leases a row
-- (`leased_until`) for one attempt, so a redelivered job never sends a part twice.
CREATE TABLE meta_sends (
    id              TEXT PRIMARY KEY,               -- '{conversation_id}:{seq}'
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    requests        TEXT NOT NULL,
    parts           INTEGER NOT NULL,
    parts_sent      INTEGER NOT NULL DEFAULT 0,
    state           TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'delivered', 'read', 'failed')),
    error           TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    leased_until    INTEGER,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX meta_sends_by_conversation ON meta_sends (conversation_id, seq);

-- Meta's id (`mid` or `wamid`) of each part sent, so statuses, deliveries and echoes find it.
CREATE TABLE meta_send_ids (
    external_id TEXT PRIMARY KEY,
    send_id     TEXT NOT NULL REFERENCES meta_sends (id) ON DELETE CASCADE
);
CREATE INDEX meta_send_ids_by_send ON meta_send_ids (send_id);
