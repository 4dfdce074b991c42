-- Routing (domain::routing): when each member was last given a conversation by the rules, so
-- members with equally few open conversations take turns.
ALTER TABLE agents ADD COLUMN last_routed_at INTEGER;
