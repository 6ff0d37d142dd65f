-- Indexes for what search engines and feed readers ask of every page.

-- +goose Up
-- The next article to expire bounds how long every page may be cached.
CREATE INDEX articles_by_expiry ON articles (expires_at) WHERE expires_at IS NOT NULL;
-- Articles sharing a title get a distinct page <title>.
CREATE INDEX articles_by_title ON articles (title);

-- +goose Down
DROP INDEX articles_by_title;
DROP INDEX articles_by_expiry;
