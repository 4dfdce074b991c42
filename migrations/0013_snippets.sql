-- Snippets: the team's saved reusable replies. Any member writes one; its author or an admin
-- changes or deletes it.
CREATE TABLE snippets (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_by TEXT REFERENCES agents (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX snippets_by_name ON snippets (name COLLATE NOCASE);
