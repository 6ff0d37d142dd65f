-- The vocabulary of the search index, for typo correction: every word of
-- the indexed articles as they write it (lower case, accents kept:
-- "retraite" and "retraité" are two rows), and how many articles hold it. The store keeps it in the
-- transaction that indexes the articles, from the words each article's
-- visibility row remembers, and fills it when it rebuilds the index (the
-- analysis version changes with this migration).
--
-- The visibility rows also learn each article's rubrique, which the
-- search filters read without touching the articles.

-- +goose Up
CREATE TABLE search_vocabulary (
    form TEXT PRIMARY KEY,
    docs INTEGER NOT NULL
) WITHOUT ROWID;

ALTER TABLE article_search_visibility ADD COLUMN category TEXT NOT NULL DEFAULT '';
-- The distinct forms of the article's words that are in the vocabulary,
-- separated by spaces: what to count down when the article changes or goes.
ALTER TABLE article_search_visibility ADD COLUMN words TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE article_search_visibility DROP COLUMN words;
ALTER TABLE article_search_visibility DROP COLUMN category;
DROP TABLE search_vocabulary;
UPDATE meta SET value = 'fr-snowball-1' WHERE key = 'search_index';
