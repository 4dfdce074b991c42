-- Identified visitors and allowed domains (the embed's identity: docs/identity.md).
--
-- A visitor may now hold several bearer tokens: one per device or browser where the site
-- identified them (an identified visitor is one contact across devices). Every token is looked
-- up here; `visitors.token_hash` keeps the token each visitor was created with, and new
-- visitors still write it there too (it stays NOT NULL UNIQUE), but nothing reads it any more.
CREATE TABLE visitor_tokens (
    token_hash TEXT PRIMARY KEY,                    -- SHA-256 of the token; the token is never stored
    visitor_id TEXT NOT NULL REFERENCES visitors (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
);
CREATE INDEX visitor_tokens_visitor ON visitor_tokens (visitor_id);
INSERT INTO visitor_tokens (token_hash, visitor_id, created_at)
    SELECT token_hash, id, created_at FROM visitors;

-- The address the site's backend vouched for (HMAC-verified, trimmed, lowercased): at most one
-- visitor per address and site, so every device of that user finds the same one. Set only on
-- verification, never by an agent (they edit `visitors.email`).
ALTER TABLE visitors ADD COLUMN identity TEXT;
CREATE UNIQUE INDEX visitors_identity ON visitors (site_id, identity) WHERE identity IS NOT NULL;

-- The site's identity secret, sealed at rest like Meta tokens (AES-256-GCM under TOKEN_KEY, the
-- site id as associated data), and when it was made.
ALTER TABLE sites ADD COLUMN identity_secret TEXT;
ALTER TABLE sites ADD COLUMN identity_secret_at INTEGER;
