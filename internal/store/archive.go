package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// MonthCount is a month with the number of visible articles published in it.
type MonthCount struct {
	Year  int
	Month time.Month
	Count int
}

// Months returns the months in which visible articles were published, in
// the time zone loc, newest first. Months are cut in Go, not in SQL, which
// knows no time zones: only the dates are read, a few bytes an article.
func (s *Store) Months(ctx context.Context, v View, loc *time.Location) ([]MonthCount, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT a.published_at FROM articles a
		WHERE `+visible+`
		ORDER BY a.published_at DESC`, v.args()...)
	if err != nil {
		return nil, fmt.Errorf("list months: %w", err)
	}
	defer rows.Close()
	var out []MonthCount
	for rows.Next() {
		var published int64
		if err := rows.Scan(&published); err != nil {
			return nil, fmt.Errorf("scan month: %w", err)
		}
		y, m, _ := time.Unix(published, 0).In(loc).Date()
		if n := len(out); n > 0 && out[n-1].Year == y && out[n-1].Month == m {
			out[n-1].Count++
			continue
		}
		out = append(out, MonthCount{Year: y, Month: m, Count: 1})
	}
	return out, rows.Err()
}

// InMonth returns a page of the visible articles published in [from, to),
// newest first, and how many there are in all.
func (s *Store) InMonth(ctx context.Context, v View, from, to time.Time, limit, offset int) ([]Article, int, error) {
	var total int
	err := s.r.QueryRowContext(ctx, `
		SELECT count(*) FROM articles a
		WHERE a.published_at >= :from AND a.published_at < :to AND `+visible,
		v.args(sql.Named("from", from.Unix()), sql.Named("to", to.Unix()))...).Scan(&total)
	if err != nil {
		return nil, 0, fmt.Errorf("count articles of %s: %w", from.Format("2006-01"), err)
	}
	list, err := s.cards(ctx, `
		SELECT `+cardColumns+`
		FROM articles a JOIN categories c ON c.slug = a.category
		WHERE a.published_at >= :from AND a.published_at < :to AND `+visible+`
		ORDER BY a.published_at DESC, a.id DESC
		LIMIT :limit OFFSET :offset`,
		v.args(sql.Named("from", from.Unix()), sql.Named("to", to.Unix()),
			sql.Named("limit", limit), sql.Named("offset", offset))...)
	return list, total, err
}
