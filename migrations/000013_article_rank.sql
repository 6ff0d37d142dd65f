-- What ranking the articles to read next needs of each candidate, apart
-- from its row: an article's row is large (its body), so that reading it
-- for each of the thousands of articles that share a popular tag was most
-- of an article page's rendering on a large site. Related reads this index
-- instead, and the rows of the few articles it shows.

-- +goose Up
CREATE INDEX articles_rank ON articles (id, category, published_at, draft, expires_at);

-- +goose Down
DROP INDEX articles_rank;
