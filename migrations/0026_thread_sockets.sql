-- Access ends everywhere when it is taken away. Each agent's open thread socket is listed here
-- by its conversation's Durable Object (one row per conversation and session), so that after
-- any change to who may see what (a member removed or demoted, inboxes or teams changed, a
-- conversation moved, a session ended) the Worker can find, in one query, every socket whose
-- holder no longer may see its conversation, and have each object close them
-- (edge/src/access.rs). A row outliving its socket is harmless: the object's check finds no
-- such socket and deletes it.
CREATE TABLE thread_sockets (
    conversation_id TEXT NOT NULL,
    session         TEXT NOT NULL,                  -- the session's token digest
    agent_id        TEXT NOT NULL,
    opened_at       INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, session)
);
CREATE INDEX thread_sockets_by_agent ON thread_sockets (agent_id);
