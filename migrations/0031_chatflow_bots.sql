-- Chatflow bots (issue 24). A website chat started on a bot flow's page keeps the flow and the
-- published version it started with (no reference: deleting a flow leaves its conversations,
-- and the conversation's object keeps the version's script). What its sessions did, action by
-- action and how each ended, is kept for the reports per flow and version.
ALTER TABLE conversations ADD COLUMN bot_flow_id TEXT;
ALTER TABLE conversations ADD COLUMN bot_version INTEGER;
-- 1 while its bot's session runs (the bot holds the conversation; the inbox offers "Take over").
ALTER TABLE conversations ADD COLUMN bot_active INTEGER NOT NULL DEFAULT 0;

-- `kind`: `started` (a session began), `reached` (it reached `action`) or `finished` (it ended
-- with `outcome`, a domain::bot::Outcome).
CREATE TABLE bot_events (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    flow_id         TEXT NOT NULL,
    version         INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    action          TEXT,
    outcome         TEXT,
    at              INTEGER NOT NULL
);
CREATE INDEX bot_events_by_flow ON bot_events (flow_id, version, at);
CREATE INDEX bot_events_by_conversation ON bot_events (conversation_id);

-- The site's webhook secret (Standard Webhooks, `whsec_…`), sealed like the identity secret:
-- its chatflow bots' calls to the site's own system are signed with it.
ALTER TABLE sites ADD COLUMN webhook_secret TEXT;
ALTER TABLE sites ADD COLUMN webhook_secret_at INTEGER;
