-- Files sent in conversations. The bytes are in R2 under `sites/{site_id}/files/{id}`; this table
-- is the authority on what each file is and where it belongs. An upload is made before the
-- message that carries it (the first message of a conversation may be a file), so a file starts
-- unclaimed (`conversation_id` NULL) and is claimed by the one conversation whose message names
-- it. `uploaded_by` is `visitor:{id}` or `agent:{id}`, or '' for a visitor who had no token yet;
-- only its uploader (or, for '', any visitor of the site) may claim it.
CREATE TABLE attachments (
    id              TEXT PRIMARY KEY,
    site_id         TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    uploaded_by     TEXT NOT NULL,
    conversation_id TEXT REFERENCES conversations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size            INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX attachments_by_conversation ON attachments (conversation_id);
CREATE INDEX attachments_unclaimed ON attachments (created_at) WHERE conversation_id IS NULL;
