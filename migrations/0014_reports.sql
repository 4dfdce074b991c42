-- Reports: when each conversation first got an agent's reply and when it was (last) closed,
-- and who replied in it (per agent: their first reply and how many). Kept by the conversation
-- object as messages are published; conversations from before this migration have none.
ALTER TABLE conversations ADD COLUMN first_response_at INTEGER;
ALTER TABLE conversations ADD COLUMN closed_at INTEGER;
CREATE INDEX conversations_created ON conversations (created_at);
CREATE INDEX conversations_closed ON conversations (closed_at);

CREATE TABLE conversation_agents (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    agent_id        TEXT NOT NULL,
    agent_name      TEXT NOT NULL,
    replies         INTEGER NOT NULL,
    first_reply_at  INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, agent_id)
);
