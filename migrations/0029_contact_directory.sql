-- Contacts (issue 23): one person per row, whatever channel they write on.
--
-- Until now a person was a `visitors` row (a browser on the website, with the details agents
-- filled in) or a `meta_contacts` row (a Messenger or WhatsApp sender), never both. Now the
-- person is a `contacts` row, and each of those is one of their ways in:
-- - `visitors.contact_id`: the browsers (each with its tokens) a person chats from on the
--   website. Still what decides which conversations a browser may open: an agent's merge never
--   lets one browser read another's chats; the site's verified identity does (`identity`).
-- - their Messenger and WhatsApp ids (`meta_contacts`), through their conversations.
-- - `conversations.contact_id`: every conversation, on every channel.
-- What the team knows of the person (name, e-mail, phone, owner, and whether they are listed in
-- the directory) moves from `visitors` to `contacts`.
CREATE TABLE contacts (
    id         TEXT PRIMARY KEY,
    site_id    TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    name       TEXT,
    -- Trimmed and lowercased (`domain::credentials::normalise_email`).
    email      TEXT,
    -- E.164 (`+46701234567`); a WhatsApp sender's is their number, which the channel verified.
    phone      TEXT,
    owner_id   TEXT REFERENCES agents (id) ON DELETE SET NULL,
    -- When the person entered the directory: an agent made them a contact, the site's backend
    -- identified them, or they wrote on Messenger or WhatsApp. NULL: an anonymous visitor.
    listed_at  INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX contacts_directory ON contacts (site_id, listed_at) WHERE listed_at IS NOT NULL;
CREATE INDEX contacts_email ON contacts (site_id, email) WHERE email IS NOT NULL;
CREATE INDEX contacts_phone ON contacts (site_id, phone) WHERE phone IS NOT NULL;
CREATE INDEX contacts_owner ON contacts (owner_id) WHERE owner_id IS NOT NULL;

-- Every visitor becomes a contact of their own, with what was known of them.
INSERT INTO contacts (id, site_id, name, email, owner_id, listed_at, created_at, updated_at)
SELECT 'ct_' || id, site_id, name, email, owner_id, contact_at, created_at, created_at
FROM visitors;
ALTER TABLE visitors ADD COLUMN contact_id TEXT REFERENCES contacts (id);
UPDATE visitors SET contact_id = 'ct_' || id;
CREATE INDEX visitors_contact ON visitors (contact_id);
-- What moved is dropped from `visitors`, but for `owner_id`: SQLite drops a foreign-key column
-- only by rebuilding the table, and dropping the old `visitors` would delete its tokens and
-- conversations (ON DELETE CASCADE fires on DROP TABLE). It is emptied and never read again.
ALTER TABLE visitors DROP COLUMN name;
ALTER TABLE visitors DROP COLUMN email;
ALTER TABLE visitors DROP COLUMN contact_at;
UPDATE visitors SET owner_id = NULL;

-- Every conversation has its contact. A website chat's is its visitor's.
ALTER TABLE conversations ADD COLUMN contact_id TEXT REFERENCES contacts (id);
UPDATE conversations SET contact_id = (SELECT contact_id FROM visitors v WHERE v.id = visitor_id)
WHERE visitor_id IS NOT NULL;

-- Every Messenger or WhatsApp sender (`meta_contacts`: Meta's id for them is its `contact_id`)
-- becomes a listed contact, with the name Meta gave; a WhatsApp sender's id is their phone
-- number. A sender's contact is the one their conversations have: a new conversation takes
-- the contact of the sender's last one (`store::connections`), so a merge, which moves
-- conversations, moves the sender with them.
CREATE TABLE meta_senders_migrated (
    channel    TEXT NOT NULL,
    account_id TEXT NOT NULL,
    contact_id TEXT NOT NULL,
    id         TEXT NOT NULL
);
INSERT INTO meta_senders_migrated (channel, account_id, contact_id, id)
SELECT channel, account_id, contact_id, 'ct_' || lower(hex(randomblob(12))) FROM meta_contacts;
INSERT INTO contacts (id, site_id, name, phone, listed_at, created_at, updated_at)
SELECT s.id, c.site_id, k.name,
       CASE WHEN k.channel = 'whatsapp' THEN '+' || k.contact_id END,
       k.created_at, k.created_at, k.created_at
FROM meta_senders_migrated s
JOIN meta_contacts k
  ON k.channel = s.channel AND k.account_id = s.account_id AND k.contact_id = s.contact_id
JOIN conversations c ON c.id = k.conversation_id;
UPDATE conversations SET contact_id = (
    SELECT s.id FROM meta_senders_migrated s JOIN contacts ct ON ct.id = s.id
    WHERE s.channel = conversations.channel AND s.account_id = conversations.meta_account_id
      AND s.contact_id = conversations.meta_contact_id)
WHERE visitor_id IS NULL;
DROP TABLE meta_senders_migrated;

CREATE INDEX conversations_contact ON conversations (contact_id, created_at DESC);
CREATE INDEX conversations_meta_sender
    ON conversations (channel, meta_account_id, meta_contact_id, created_at DESC)
    WHERE meta_contact_id IS NOT NULL;

-- A site's own contact properties (text, number, date, choice), defined by its admins, and each
-- contact's values of them. A value is kept as text: a number in its shortest decimal form, a
-- date as `YYYY-MM-DD`, a choice as the option (`domain::contacts` checks each against its kind).
CREATE TABLE contact_properties (
    site_id    TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    label      TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('text', 'number', 'date', 'choice')),
    -- A choice's options, a JSON array of strings; '[]' for the other kinds.
    options    TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL,
    PRIMARY KEY (site_id, key)
);

CREATE TABLE contact_values (
    contact_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    site_id    TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (contact_id, key),
    FOREIGN KEY (site_id, key) REFERENCES contact_properties (site_id, key) ON DELETE CASCADE
);
CREATE INDEX contact_values_property ON contact_values (site_id, key);

-- Two contacts found to be one person, merged (by a member, or by Porchlight when a verified
-- address or number matches), with what undoing it needs for 30 days: the contact that was
-- merged away as it was (`from_contact`: its fields and property values, JSON), the kept
-- contact's before and after (`into_before`, `merged`), and the visitors and conversations that
-- moved. `into_id` has no foreign key: a kept contact merged into another later is gone until
-- that later merge is undone, which makes it again under its id.
CREATE TABLE contact_merges (
    id            TEXT PRIMARY KEY,
    site_id       TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    into_id       TEXT NOT NULL,
    from_id       TEXT NOT NULL,
    from_contact  TEXT NOT NULL,
    into_before   TEXT NOT NULL,
    merged        TEXT NOT NULL,
    visitors      TEXT NOT NULL,
    conversations TEXT NOT NULL,
    -- The member who merged them; NULL when Porchlight did, on a verified match.
    merged_by     TEXT REFERENCES agents (id) ON DELETE SET NULL,
    merged_at     INTEGER NOT NULL,
    undone_at     INTEGER
);
CREATE INDEX contact_merges_into ON contact_merges (into_id, merged_at DESC);

-- A contact's erasure. While it runs, `plan` (JSON) says what is being erased: the contact, its
-- visitors, conversations, Messenger and WhatsApp ids and files; each step can be done again, and
-- the cron retries what failed (`next_at`, with growing delays) until it is complete. Once done,
-- only what the accounts need stays: who asked, when, when it completed, and how much went
-- (`plan` is emptied). No personal data stays.
CREATE TABLE erasures (
    id            TEXT PRIMARY KEY,
    site_id       TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    -- `contact`: an admin erased a person; `retention`: the site's retention erased closed
    -- conversations past their time (`requested_by` NULL).
    kind          TEXT NOT NULL DEFAULT 'contact' CHECK (kind IN ('contact', 'retention')),
    requested_by  TEXT REFERENCES agents (id) ON DELETE SET NULL,
    requested_at  INTEGER NOT NULL,
    completed_at  INTEGER,
    conversations INTEGER NOT NULL,
    files         INTEGER NOT NULL,
    plan          TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at       INTEGER,
    last_error    TEXT
);
CREATE INDEX erasures_due ON erasures (next_at) WHERE completed_at IS NULL;

-- A visitor's request, from the widget, that their data be erased: it waits for an admin, who
-- erases the contact (the request goes with them) or declines it (kept, with who and when).
-- One waiting request per contact.
CREATE TABLE erasure_requests (
    id              TEXT PRIMARY KEY,
    site_id         TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    contact_id      TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL,
    requested_at    INTEGER NOT NULL,
    declined_at     INTEGER,
    declined_by     TEXT REFERENCES agents (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX erasure_requests_waiting ON erasure_requests (contact_id)
    WHERE declined_at IS NULL;
