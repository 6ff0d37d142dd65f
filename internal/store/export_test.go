package store

import (
	"context"
	"database/sql"

	"github.com/horizons-expat/site/internal/search"
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

// SearchByFullScan is Search as FTS5 alone would answer it: ranking every
// visible match of the whole query with bm25() in one SQL query. Tests
// check that Search, which adds up the scores of each term, gives the
// same answer.
func (s *Store) SearchByFullScan(ctx context.Context, v View, q search.Query, limit, offset int) ([]int64, int, error) {
	rows, err := s.r.QueryContext(ctx, `
		WITH matches AS MATERIALIZED (
			SELECT a.id, a.published_at, `+rankFunction+` AS score
			FROM article_search s JOIN article_search_visibility a ON a.id = s.rowid
			WHERE article_search MATCH :match AND `+visible+`
		)
		SELECT id, count(*) OVER () FROM matches
		ORDER BY score, published_at DESC, id DESC
		LIMIT :limit OFFSET :offset`,
		v.args(sql.Named("match", q.Match()), sql.Named("limit", limit), sql.Named("offset", offset))...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var ids []int64
	total := 0
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id, &total); err != nil {
			return nil, 0, err
		}
		ids = append(ids, id)
	}
	return ids, total, rows.Err()
}

// SetSearchCacheBudget sets how many bytes of term scores the store keeps.
func (s *Store) SetSearchCacheBudget(n int) { s.scores.budget = n }

// ForgetSearchScores empties the store's cache of term scores, as a change
// of content does.
func (s *Store) ForgetSearchScores() { s.scores.set = nil }
