-- Full-text search over the articles. The index holds the stems of the
-- words (internal/search computes them, the same way for queries), not
-- the text itself, which stays in articles: the table is contentless, and
-- its rowid is the article's id. The store fills it in the transaction that
-- saves the articles, and rebuilds it when meta's 'search_index' does not
-- name the current analysis.

-- +goose Up
CREATE VIRTUAL TABLE article_search USING fts5 (
    title, summary, body, category, tags,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- What a search needs to know of each indexed article to keep only those
-- readers may see: a few bytes a row, where an article's row holds its
-- whole text. A search that matches thousands of articles reads this
-- small table, not thousands of articles.
CREATE TABLE article_search_visibility (
    id           INTEGER PRIMARY KEY, -- articles.id, and the index's rowid
    draft        INTEGER NOT NULL,
    published_at INTEGER NOT NULL,
    expires_at   INTEGER
);

-- +goose Down
DROP TABLE article_search_visibility;
DROP TABLE article_search;
DELETE FROM meta WHERE key = 'search_index';
