-- Porchlight's D1 schema: what must be queried across conversations. The message log of each
-- conversation lives in that conversation's Durable Object; `conversations` here is the inbox
-- index the Durable Object keeps current. Times are milliseconds since the Unix epoch (UTC).

CREATE TABLE sites (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    heading         TEXT NOT NULL,
    welcome_message TEXT NOT NULL,
    accent_color    TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);

CREATE TABLE agents (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,           -- normalised (trimmed, lower case)
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'agent')),
    password_hash TEXT NOT NULL,                  -- pbkdf2-sha256$ITER$SALT$HASH
    created_at    INTEGER NOT NULL
);

-- Sessions are looked up by the SHA-256 of the cookie's token; the token itself is never stored.
CREATE TABLE agent_sessions (
    token_hash TEXT PRIMARY KEY,
    agent_id   TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX agent_sessions_agent ON agent_sessions (agent_id);

-- A visitor is created with their first conversation; the widget keeps the bearer token.
CREATE TABLE visitors (
    id         TEXT PRIMARY KEY,
    site_id    TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE conversations (
    id                   TEXT PRIMARY KEY,
    site_id              TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    visitor_id           TEXT NOT NULL REFERENCES visitors (id) ON DELETE CASCADE,
    channel              TEXT NOT NULL CHECK (channel IN ('chat')),
    status               TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    page_url             TEXT,
    referrer             TEXT,
    locale               TEXT,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    last_message_at      INTEGER,
    last_message_preview TEXT,
    last_seq             INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX conversations_activity ON conversations (last_message_at DESC);
CREATE INDEX conversations_visitor ON conversations (visitor_id, created_at DESC);
