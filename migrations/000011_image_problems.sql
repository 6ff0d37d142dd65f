-- Problems now name the image file that an article names and the site
-- refuses (content.Problem.Image), so that the check of image files no
-- article names does not report that file a second time. Problems stored
-- before lack it: forgetting the files' hashes makes the next pass parse
-- every article again.

-- +goose Up
UPDATE files SET hash = '';

-- +goose Down
-- Nothing to undo: the hashes come back at the next pass.
SELECT 1;
