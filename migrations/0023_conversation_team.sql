-- A conversation may be assigned to a team (of those that see its inbox) beside or instead of
-- a member: the team's members pick it up, or routing gives it to the least busy of them.
ALTER TABLE conversations ADD COLUMN team_id TEXT REFERENCES teams (id) ON DELETE SET NULL;
CREATE INDEX conversations_team ON conversations (team_id, status);
