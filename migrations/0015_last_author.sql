-- Who wrote each conversation's last message ('visitor' or 'agent'), so an agent's inbox can
-- alert them to a visitor's message and not to their own reply.
ALTER TABLE conversations ADD COLUMN last_author TEXT CHECK (last_author IN ('visitor', 'agent'));
