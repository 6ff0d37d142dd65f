-- The old addresses of an author's page (WordPress's /author/login), which
-- an author file lists under aliases, as articles and rubriques do.

-- +goose Up
CREATE TABLE author_aliases (
    path   TEXT PRIMARY KEY,
    author TEXT NOT NULL REFERENCES authors (slug) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX author_aliases_by_author ON author_aliases (author);

-- +goose Down
DROP TABLE author_aliases;
