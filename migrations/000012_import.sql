-- What imports from Hugo and WordPress bring along: an article's meta
-- description (Hugo's description, distinct from its summary) and the old
-- addresses of rubriques (WordPress's /category/slug/).

-- +goose Up
ALTER TABLE articles ADD COLUMN description TEXT NOT NULL DEFAULT '';

CREATE TABLE category_aliases (
    path     TEXT PRIMARY KEY,
    category TEXT NOT NULL REFERENCES categories (slug) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX category_aliases_by_category ON category_aliases (category);

-- +goose Down
DROP TABLE category_aliases;
ALTER TABLE articles DROP COLUMN description;
