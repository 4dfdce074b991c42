-- A site's chat settings become one JSON document (protocol::settings::ChatSettings), so new
-- settings need no migration; and agents get their available/away toggle.

ALTER TABLE sites ADD COLUMN chat_settings TEXT NOT NULL DEFAULT '{}';
UPDATE sites SET chat_settings = json_object(
    'heading', heading,
    'welcome', json_object('message', welcome_message),
    'branding', json_object('accent_color', accent_color)
);
ALTER TABLE sites DROP COLUMN heading;
ALTER TABLE sites DROP COLUMN welcome_message;
ALTER TABLE sites DROP COLUMN accent_color;

ALTER TABLE agents ADD COLUMN status TEXT NOT NULL DEFAULT 'available'
    CHECK (status IN ('available', 'away'));
