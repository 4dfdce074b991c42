-- Per-part delivery: a reply split into several Send API messages (Messenger text over 2,000
-- characters, or text and a file) moves on only as far as its least advanced part (failed if
-- any part failed). Each part's own state is kept with its Meta id.
ALTER TABLE meta_send_ids ADD COLUMN state TEXT NOT NULL DEFAULT 'sent';
