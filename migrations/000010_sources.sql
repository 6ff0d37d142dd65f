-- The sources an article rests on (front matter sources:), in the editor's
-- order: listed under the article and given as JSON-LD citation.

-- +goose Up
CREATE TABLE article_sources (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    title      TEXT NOT NULL,
    url        TEXT NOT NULL,
    PRIMARY KEY (article_id, position)
) WITHOUT ROWID;

-- Sources, and the French typography the parser now applies, come from the
-- files: forget what was known of them, so that the next sync reads and
-- parses every file again, however unchanged.
UPDATE files SET hash = '', size = -1, mtime_ns = -1;

-- +goose Down
DROP TABLE article_sources;
