-- Contacts: a chat's visitor becomes a contact when an agent creates one (or when the site's
-- backend identifies them); a contact may have an owner, the member who looks after them. The
-- browser a chat started in is kept with the conversation.
ALTER TABLE visitors ADD COLUMN contact_at INTEGER;
ALTER TABLE visitors ADD COLUMN owner_id TEXT REFERENCES agents (id) ON DELETE SET NULL;
UPDATE visitors SET contact_at = created_at WHERE identity IS NOT NULL;
ALTER TABLE conversations ADD COLUMN user_agent TEXT;
