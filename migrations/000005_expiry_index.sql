-- Every page asks for the next scheduled publication or expiry
-- (NextEvent), to expire cached pages on time: without this index the
-- expiry half of that query reads the whole articles table.

-- +goose Up
CREATE INDEX articles_by_expiry ON articles (expires_at) WHERE expires_at IS NOT NULL;

-- +goose Down
DROP INDEX articles_by_expiry;
