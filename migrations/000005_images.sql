-- Covers: what pages show under them, the point a crop keeps, and their
-- size, read once at ingest instead of from disk at every render.

-- +goose Up
ALTER TABLE articles ADD COLUMN image_caption TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN image_credit TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN image_focus TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN image_width INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN image_height INTEGER NOT NULL DEFAULT 0;
-- The site-local images of each article's text, for the image library.
CREATE TABLE article_images (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    path       TEXT NOT NULL, -- in the content folder: media/x.jpg
    PRIMARY KEY (article_id, path)
) WITHOUT ROWID;
-- Articles stored before this migration lack these facts: forgetting the
-- files' hashes makes the next pass parse every article again.
UPDATE files SET hash = '';

-- +goose Down
DROP TABLE article_images;
ALTER TABLE articles DROP COLUMN image_height;
ALTER TABLE articles DROP COLUMN image_width;
ALTER TABLE articles DROP COLUMN image_focus;
ALTER TABLE articles DROP COLUMN image_credit;
ALTER TABLE articles DROP COLUMN image_caption;
