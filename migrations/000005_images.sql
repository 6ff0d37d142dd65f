-- Covers: what pages show under them, the point a crop keeps, and their
-- size, read once at ingest instead of from disk at every render.

-- +goose Up
ALTER TABLE articles ADD COLUMN image_caption TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN image_credit TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN image_focus TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN image_width INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN image_height INTEGER NOT NULL DEFAULT 0;
-- Articles stored before this migration lack these facts: forgetting the
-- files' hashes makes the next pass parse every article again.
UPDATE files SET hash = '';

-- +goose Down
ALTER TABLE articles DROP COLUMN image_height;
ALTER TABLE articles DROP COLUMN image_width;
ALTER TABLE articles DROP COLUMN image_focus;
ALTER TABLE articles DROP COLUMN image_credit;
ALTER TABLE articles DROP COLUMN image_caption;
