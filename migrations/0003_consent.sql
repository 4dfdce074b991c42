-- GDPR consent: every conversation records the mode, the text version its visitor saw, and
-- when; every version of a site's consent text is kept, so what a visitor agreed to can always
-- be shown.

ALTER TABLE conversations ADD COLUMN consent_mode TEXT CHECK (consent_mode IN ('implicit', 'explicit'));
ALTER TABLE conversations ADD COLUMN consent_version INTEGER;
ALTER TABLE conversations ADD COLUMN consent_at INTEGER;

CREATE TABLE consent_texts (
    site_id    TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    mode       TEXT NOT NULL CHECK (mode IN ('off', 'implicit', 'explicit')),
    text       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (site_id, version)
);
