-- An agent's profile picture: the id of its current version, whose bytes are in R2 under
-- `avatars/{agent_id}/{avatar}` (a new picture is a new id, so its URL can be cached for ever);
-- NULL when the agent has none and their initials are shown instead.
ALTER TABLE agents ADD COLUMN avatar TEXT;
