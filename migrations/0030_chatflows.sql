-- Chatflows (issue 24): what a visitor meets on a page, live chat or bot. Each flow has a draft
-- (protocol::flows::Chatflow as JSON), edited freely, and published versions, frozen: only a
-- published version runs, and a session keeps the version it started on. `published` is the
-- version that runs now (none: never published).
CREATE TABLE chatflows (
    id          TEXT PRIMARY KEY,
    site_id     TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    draft       TEXT NOT NULL,
    published   INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX chatflows_by_site ON chatflows (site_id, created_at);

-- Every published version, never changed: rolling back publishes an old one again as new.
CREATE TABLE chatflow_versions (
    flow_id      TEXT NOT NULL REFERENCES chatflows (id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    flow         TEXT NOT NULL,
    published_at INTEGER NOT NULL,
    published_by TEXT NOT NULL,
    PRIMARY KEY (flow_id, version)
);
