package store

import (
	"context"
	"database/sql"
)

// RelatedByFullScan is Related as it was first written: ranking every
// visible article. Tests check that Related gives the same answer.
func (s *Store) RelatedByFullScan(ctx context.Context, v View, a Article, limit int) ([]Article, error) {
	return s.cards(ctx, `
		SELECT `+cardColumns+`
		FROM articles a JOIN categories c ON c.slug = a.category
		LEFT JOIN (
			SELECT t.article_id, count(*) AS shared
			FROM article_tags t
			WHERE t.tag IN (SELECT tag FROM article_tags WHERE article_id = :id)
			GROUP BY t.article_id
		) r ON r.article_id = a.id
		WHERE a.id != :id AND `+visible+`
		ORDER BY coalesce(r.shared, 0) * 2 + (a.category = :category) DESC, a.published_at DESC, a.id DESC
		LIMIT :limit`,
		v.args(sql.Named("id", a.ID), sql.Named("category", a.Category), sql.Named("limit", limit))...)
}
