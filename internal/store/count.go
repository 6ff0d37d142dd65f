package store

import (
	"context"
	"fmt"
)

// Counts says how many stored articles readers see at an instant, and how
// many they do not, by reason.
type Counts struct {
	Published, Drafts, Scheduled, Expired int
}

// Count counts the stored articles as of v.Now (v.Unpublished is ignored).
func (s *Store) Count(ctx context.Context, v View) (Counts, error) {
	var c Counts
	err := s.r.QueryRowContext(ctx, `
		SELECT
			coalesce(sum(draft = 0 AND published_at <= :now AND (expires_at IS NULL OR expires_at > :now)), 0),
			coalesce(sum(draft = 1), 0),
			coalesce(sum(draft = 0 AND published_at > :now), 0),
			coalesce(sum(draft = 0 AND published_at <= :now AND expires_at <= :now), 0)
		FROM articles`, v.args()...).Scan(&c.Published, &c.Drafts, &c.Scheduled, &c.Expired)
	if err != nil {
		return Counts{}, fmt.Errorf("count articles: %w", err)
	}
	return c, nil
}
