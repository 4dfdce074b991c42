-- The team: admins invite members by a link whose token is stored only as a SHA-256 digest
-- (one pending invitation per address; inviting again replaces it), and failed sign-ins are
-- counted per key (a digest of the account or of the client address, domain::throttle) in
-- fixed windows, so guessing is refused before any password is derived.

CREATE TABLE invitations (
    id         TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    email      TEXT NOT NULL UNIQUE,             -- normalised, as agents.email
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('admin', 'agent')),
    invited_by TEXT REFERENCES agents (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE login_failures (
    key   TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    since INTEGER NOT NULL                       -- when this window's first failure happened
);

CREATE INDEX agent_sessions_expiry ON agent_sessions (expires_at);
