-- The links of each article's body to paths of the site, as the parser
-- found them: the checks that span articles (a link to a page that does not
-- exist, or to an article published later) read them at every pass, also
-- after a restart that parses no file.

-- +goose Up
CREATE TABLE article_links (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    target     TEXT NOT NULL,
    line       INTEGER NOT NULL,
    later      INTEGER NOT NULL, -- added by an update, says its paragraph
    PRIMARY KEY (article_id, position)
) WITHOUT ROWID;

-- Forget what was known of the files, so that the next sync parses every
-- article again and fills the table.
UPDATE files SET hash = '', size = -1, mtime_ns = -1;

-- +goose Down
DROP TABLE article_links;
