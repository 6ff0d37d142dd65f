-- The site-local covers in use, which every content pass lists for the
-- image library: without an index, listing them read every article's row,
-- body included (25 ms of a 10,000-article restart). The index holds only
-- the articles that have such a cover; Covers reads it in its order.

-- +goose Up
CREATE INDEX articles_by_cover ON articles (image, image_focus) WHERE image LIKE '/%';

-- +goose Down
DROP INDEX articles_by_cover;
