-- The database is an index derived from content/: every table can be rebuilt
-- from the files, except the memory of old URLs (redirects, gone) that keeps
-- moved and deleted articles answering correctly.

-- +goose Up
CREATE TABLE site (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    title       TEXT NOT NULL,
    tagline     TEXT NOT NULL,
    description TEXT NOT NULL,
    base_url    TEXT NOT NULL,
    language    TEXT NOT NULL,
    timezone    TEXT NOT NULL
);

CREATE TABLE categories (
    slug        TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    description TEXT NOT NULL,
    weight      INTEGER NOT NULL,
    intro_html  TEXT NOT NULL,
    path        TEXT NOT NULL,
    hash        TEXT NOT NULL
);

CREATE TABLE articles (
    id           INTEGER PRIMARY KEY,
    path         TEXT NOT NULL UNIQUE,
    hash         TEXT NOT NULL,
    category     TEXT NOT NULL REFERENCES categories (slug),
    slug         TEXT NOT NULL,
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL,
    author       TEXT NOT NULL,
    image        TEXT NOT NULL,
    image_alt    TEXT NOT NULL,
    published_at INTEGER NOT NULL, -- Unix seconds
    updated_at   INTEGER,
    expires_at   INTEGER,
    draft        INTEGER NOT NULL,
    body_html    TEXT NOT NULL,
    body_text    TEXT NOT NULL,
    first_para   TEXT NOT NULL,
    words        INTEGER NOT NULL,
    UNIQUE (category, slug)
);
CREATE INDEX articles_by_date ON articles (published_at DESC, id DESC);
CREATE INDEX articles_by_category_date ON articles (category, published_at DESC, id DESC);

CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag        TEXT NOT NULL,
    label      TEXT NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (tag, article_id)
) WITHOUT ROWID;
CREATE INDEX article_tags_by_article ON article_tags (article_id);

CREATE TABLE article_aliases (
    path       TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX article_aliases_by_article ON article_aliases (article_id);

-- Former URLs of articles whose slug or category changed while the server ran.
CREATE TABLE redirects (
    path       TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX redirects_by_article ON redirects (article_id);

-- URLs of deleted articles, answered with 410 Gone.
CREATE TABLE gone (
    path    TEXT PRIMARY KEY,
    gone_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Every content file seen, with what was last found wrong in it.
CREATE TABLE files (
    path     TEXT PRIMARY KEY,
    hash     TEXT NOT NULL,
    size     INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    problems TEXT NOT NULL -- JSON array of content.Problem
) WITHOUT ROWID;

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- +goose Down
DROP TABLE meta;
DROP TABLE files;
DROP TABLE gone;
DROP TABLE redirects;
DROP TABLE article_aliases;
DROP TABLE article_tags;
DROP TABLE articles;
DROP TABLE categories;
DROP TABLE site;
