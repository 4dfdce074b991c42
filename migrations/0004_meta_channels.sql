-- Messenger and WhatsApp land in the same inbox as website chats.
-- SQLite cannot change a CHECK constraint or a NOT NULL in place, so `conversations` is rebuilt:
-- `channel` also takes 'messenger' and 'whatsapp', and `visitor_id` (the widget's visitor) is
-- NULL on those channels, whose person is a Meta contact instead.
PRAGMA defer_foreign_keys = true;

CREATE TABLE conversations_next (
    id                   TEXT PRIMARY KEY,
    site_id              TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    visitor_id           TEXT REFERENCES visitors (id) ON DELETE CASCADE,
    channel              TEXT NOT NULL CHECK (channel IN ('chat', 'messenger', 'whatsapp')),
    status               TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    page_url             TEXT,
    referrer             TEXT,
    locale               TEXT,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    last_message_at      INTEGER,
    last_message_preview TEXT,
    last_seq             INTEGER NOT NULL DEFAULT 0,
    consent_mode         TEXT CHECK (consent_mode IN ('implicit', 'explicit')),
    consent_version      INTEGER,
    consent_at           INTEGER,
    contact_name         TEXT,
    CHECK ((channel = 'chat') = (visitor_id IS NOT NULL))
);
INSERT INTO conversations_next (id, site_id, visitor_id, channel, status, page_url, referrer, locale,
    created_at, updated_at, last_message_at, last_message_preview, last_seq, consent_mode,
    consent_version, consent_at)
SELECT id, site_id, visitor_id, channel, status, page_url, referrer, locale, created_at, updated_at,
    last_message_at, last_message_preview, last_seq, consent_mode, consent_version, consent_at
FROM conversations;
DROP TABLE conversations;
ALTER TABLE conversations_next RENAME TO conversations;
CREATE INDEX conversations_activity ON conversations (last_message_at DESC);
CREATE INDEX conversations_visitor ON conversations (visitor_id, created_at DESC);

-- A Messenger Page or a WhatsApp number, connected to a site's inbox. The access token is sealed
-- (AES-256-GCM, key from the TOKEN_KEY secret, the row id as associated data) and never returned.
CREATE TABLE meta_connections (
    id                  TEXT PRIMARY KEY,
    site_id             TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    channel             TEXT NOT NULL CHECK (channel IN ('messenger', 'whatsapp')),
    account_id          TEXT NOT NULL,      -- Page id, or WhatsApp phone number id
    business_account_id TEXT,               -- WhatsApp Business Account id
    name                TEXT NOT NULL,
    token_sealed        TEXT NOT NULL,
    token_state         TEXT NOT NULL DEFAULT 'valid' CHECK (token_state IN ('valid', 'expired')),
    created_at          INTEGER NOT NULL,
    UNIQUE (channel, account_id)
);

-- A person on a Meta channel, keyed as Meta keys them: (Page, PSID) or (phone number id, wa_id),
-- with their current conversation (a new one after the last was closed).
CREATE TABLE meta_contacts (
    channel         TEXT NOT NULL CHECK (channel IN ('messenger', 'whatsapp')),
    account_id      TEXT NOT NULL,
    contact_id      TEXT NOT NULL,
    name            TEXT,
    conversation_id TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (channel, account_id, contact_id)
);

-- Webhook events that could not be routed (no connection for their Page or number): kept, not
-- dropped, so an admin who connects the account late can see what arrived.
CREATE TABLE meta_unrouted (
    dedupe_key  TEXT PRIMARY KEY,
    channel     TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    event       TEXT NOT NULL,
    received_at INTEGER NOT NULL
);
