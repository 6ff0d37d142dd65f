package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	"github.com/horizons-expat/site/internal/content"
)

// Move is an article whose URL changed while the server ran: From still
// redirects to To, but only because the database remembers it.
type Move struct {
	Path     string // the article's file
	From, To string
}

// Moves returns every remembered former URL that no alias makes durable,
// by file then former URL.
func (s *Store) Moves(ctx context.Context) ([]Move, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT a.path, x.path, a.category, a.slug
		FROM redirects x JOIN articles a ON a.id = x.article_id
		ORDER BY a.path, x.path`)
	if err != nil {
		return nil, fmt.Errorf("list moves: %w", err)
	}
	defer rows.Close()
	var out []Move
	for rows.Next() {
		var m Move
		var category, slug string
		if err := rows.Scan(&m.Path, &m.From, &category, &slug); err != nil {
			return nil, fmt.Errorf("scan move: %w", err)
		}
		m.To = content.ArticlePath(category, slug)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list moves: %w", err)
	}
	return out, nil
}

// MovesIn returns the moves remembered by the database file at path, read
// without changing or repairing it: `site check` suggests aliases from them.
func MovesIn(ctx context.Context, path string) ([]Move, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", dsn(path, true)+"&mode=ro")
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	defer db.Close()
	s := &Store{path: path, r: readers{db: db}}
	return s.Moves(ctx)
}
