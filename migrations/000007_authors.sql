-- Authors (several per article, each with a page) and the outline of each
-- article body (its headings, for the contents list).

-- +goose Up
CREATE TABLE article_authors (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    author     TEXT NOT NULL, -- the slug of the name, also its URL
    name       TEXT NOT NULL, -- as the article writes it
    position   INTEGER NOT NULL,
    PRIMARY KEY (author, article_id)
) WITHOUT ROWID;
CREATE INDEX article_authors_by_article ON article_authors (article_id);

-- What content/auteurs/<slug>.md says of an author.
CREATE TABLE authors (
    slug         TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL,
    bio_html     TEXT NOT NULL,
    photo        TEXT NOT NULL,
    organization INTEGER NOT NULL,
    path         TEXT NOT NULL,
    hash         TEXT NOT NULL
) WITHOUT ROWID;

ALTER TABLE articles ADD COLUMN headings TEXT NOT NULL DEFAULT '[]'; -- JSON array of content.Heading

-- The next reload reads every file again (an unknown size forces it): that
-- fills the authors, whose slugs SQL cannot compute, and the headings. An
-- article whose file is broken at that moment keeps its text and loses its
-- author until the file is fixed.
ALTER TABLE articles DROP COLUMN author;
UPDATE files SET size = -1, hash = '';

-- +goose Down
ALTER TABLE articles ADD COLUMN author TEXT NOT NULL DEFAULT '';
UPDATE articles SET author = coalesce((SELECT name FROM article_authors t WHERE t.article_id = articles.id ORDER BY position LIMIT 1), '');
ALTER TABLE articles DROP COLUMN headings;
DROP TABLE authors;
DROP TABLE article_authors;
UPDATE files SET size = -1, hash = '';
