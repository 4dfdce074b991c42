-- What happens on a Messenger Page or WhatsApp number before an agent answers (its "flow",
-- protocol::api::ChannelFlow as JSON): Messenger's greeting, an instant reply after a
-- conversation's first message, and GDPR consent.
ALTER TABLE meta_connections ADD COLUMN flow TEXT NOT NULL DEFAULT '{}';

-- Explicit consent on Messenger, per person: when they were asked (the "I agree" quick reply
-- is sent once), and when they agreed, to which text.
CREATE TABLE meta_consent (
    channel       TEXT NOT NULL,
    account_id    TEXT NOT NULL,
    contact_id    TEXT NOT NULL,
    asked_at      INTEGER,
    consented_at  INTEGER,
    consent_text  TEXT,
    PRIMARY KEY (channel, account_id, contact_id)
);

-- Messages of a person who has not agreed yet: held, never dropped, and taken into the inbox
-- in their own order once they agree.
CREATE TABLE meta_held (
    dedupe_key  TEXT PRIMARY KEY,
    channel     TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    contact_id  TEXT NOT NULL,
    at          INTEGER NOT NULL,
    event       TEXT NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE INDEX meta_held_by_contact ON meta_held (channel, account_id, contact_id, at);
