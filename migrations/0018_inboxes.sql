-- Inboxes and teams: least privilege for agents.
--
-- An inbox is where channels deliver (a site's chat, each Messenger Page, each WhatsApp number
-- connects to exactly one) and who may see what arrives there. An inbox is open to every member
-- (`everyone`) or only to the members given it by name and the members of the teams given it.
-- Admins see every inbox. A conversation stays in the inbox it started in until someone with
-- access to both moves it.
--
-- Teams are named groups of members, deployment-wide: they give inbox access, and routing rules
-- may name them.
--
-- The deployment's first inbox, `default`, is open to everyone, so a deployment that had one
-- shared inbox keeps behaving exactly as before; every existing site, connection and
-- conversation is put in it.

CREATE TABLE inboxes (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    everyone   INTEGER NOT NULL DEFAULT 0 CHECK (everyone IN (0, 1)),
    created_at INTEGER NOT NULL
);
INSERT INTO inboxes (id, name, everyone, created_at)
SELECT 'default', 'Support', 1, COALESCE((SELECT MIN(created_at) FROM sites), 0);

CREATE TABLE teams (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at INTEGER NOT NULL
);

CREATE TABLE team_members (
    team_id  TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, agent_id)
);
CREATE INDEX team_members_by_agent ON team_members (agent_id);

CREATE TABLE inbox_members (
    inbox_id TEXT NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    PRIMARY KEY (inbox_id, agent_id)
);
CREATE INDEX inbox_members_by_agent ON inbox_members (agent_id);

CREATE TABLE inbox_teams (
    inbox_id TEXT NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
    team_id  TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    PRIMARY KEY (inbox_id, team_id)
);

-- Who sees which inbox, admins aside: every member for an open inbox, else the members given it
-- and the members of its teams. Every access check reads this one view.
CREATE VIEW inbox_access (inbox_id, agent_id) AS
    SELECT i.id, a.id FROM inboxes i JOIN agents a WHERE i.everyone = 1
    UNION
    SELECT inbox_id, agent_id FROM inbox_members
    UNION
    SELECT it.inbox_id, tm.agent_id FROM inbox_teams it
        JOIN team_members tm ON tm.team_id = it.team_id;

-- SQLite cannot add a column with both a foreign key and a default, so these three are kept
-- true by the Worker: an inbox that anything still points at is never deleted (see
-- store::inboxes::delete, which moves everything first).
ALTER TABLE sites ADD COLUMN inbox_id TEXT NOT NULL DEFAULT 'default';
ALTER TABLE meta_connections ADD COLUMN inbox_id TEXT NOT NULL DEFAULT 'default';
ALTER TABLE conversations ADD COLUMN inbox_id TEXT NOT NULL DEFAULT 'default';
CREATE INDEX conversations_inbox ON conversations (inbox_id, last_message_at DESC);

-- An invitation may give the new member inboxes and teams from the start (JSON arrays of ids,
-- checked when the invitation is made and again when it is accepted).
ALTER TABLE invitations ADD COLUMN inbox_ids TEXT NOT NULL DEFAULT '[]';
ALTER TABLE invitations ADD COLUMN team_ids TEXT NOT NULL DEFAULT '[]';
