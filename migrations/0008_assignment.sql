-- Assignment: a conversation may be assigned to one member (NULL: unassigned, the team picks);
-- a member who leaves the team leaves their conversations unassigned. Each member may have a
-- chat limit, the most open conversations assigned to them at once (NULL: no limit); when
-- every available member is at theirs, the chat channel is "at capacity".

ALTER TABLE conversations ADD COLUMN assignee_id TEXT REFERENCES agents (id) ON DELETE SET NULL;
CREATE INDEX conversations_assignee ON conversations (assignee_id, status);

ALTER TABLE agents ADD COLUMN chat_limit INTEGER CHECK (chat_limit IS NULL OR chat_limit > 0);
