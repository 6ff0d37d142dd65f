package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// TagCount is a tag with the number of visible articles that carry it.
type TagCount struct {
	Slug, Label string
	Count       int
}

// tagLabel is the label a tag's pages show when articles spell it
// differently: one written as words (« Sécurité sociale ») rather than as
// the slug itself (securite-sociale), the first in code point order among
// them. /tags and the tag's own page must agree on it.
const tagLabel = `coalesce(min(CASE WHEN t.label <> t.tag THEN t.label END), min(t.label))`

// Tag returns the label of a tag carried by at least one visible article.
func (s *Store) Tag(ctx context.Context, v View, slug string) (string, error) {
	var label string
	err := s.r.QueryRowContext(ctx, `
		SELECT `+tagLabel+` FROM article_tags t JOIN articles a ON a.id = t.article_id
		WHERE t.tag = :tag AND `+visible+` HAVING count(*) > 0`,
		v.args(sql.Named("tag", slug))...).Scan(&label)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("tag %s: %w", slug, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("tag %s: %w", slug, err)
	}
	return label, nil
}

// Tags returns every tag of visible articles, most used first.
func (s *Store) Tags(ctx context.Context, v View) ([]TagCount, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT t.tag, `+tagLabel+`, count(*) FROM article_tags t JOIN articles a ON a.id = t.article_id
		WHERE `+visible+` GROUP BY t.tag ORDER BY count(*) DESC, t.tag`, v.args()...)
	if err != nil {
		return nil, fmt.Errorf("list tags: %w", err)
	}
	defer rows.Close()
	var out []TagCount
	for rows.Next() {
		var t TagCount
		if err := rows.Scan(&t.Slug, &t.Label, &t.Count); err != nil {
			return nil, fmt.Errorf("scan tag: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
