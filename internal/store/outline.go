package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/horizons-expat/site/internal/content"
)

// Outlines returns every stored article, by path, with what the checks
// that span articles need (see content.Whole): URL, aliases, dates, tags,
// authors, sources and links, without the body. A restart reads them here
// instead of parsing every file again.
func (s *Store) Outlines(ctx context.Context) (map[string]content.Article, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, path, category, slug, published_at, updated_at FROM articles`)
	if err != nil {
		return nil, fmt.Errorf("list outlines: %w", err)
	}
	defer rows.Close()
	byID := map[int64]*content.Article{}
	for rows.Next() {
		var id, date int64
		var updated sql.NullInt64
		a := &content.Article{}
		if err := rows.Scan(&id, &a.Path, &a.Category, &a.Slug, &date, &updated); err != nil {
			return nil, fmt.Errorf("scan outline: %w", err)
		}
		a.Date, a.Updated = time.Unix(date, 0), fromNull(updated)
		byID[id] = a
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list outlines: %w", err)
	}
	// Each list in its stored order; the ids of deleted articles are gone
	// with them (ON DELETE CASCADE).
	at := func(id int64) *content.Article {
		if a := byID[id]; a != nil {
			return a
		}
		return &content.Article{} // written while we read: dropped
	}
	lists := []struct {
		query string
		add   func(rows *sql.Rows) error
	}{
		{`SELECT article_id, path FROM article_aliases ORDER BY article_id, path`, func(rows *sql.Rows) error {
			var id int64
			var alias string
			err := rows.Scan(&id, &alias)
			a := at(id)
			a.Aliases = append(a.Aliases, alias)
			return err
		}},
		{`SELECT article_id, tag, label FROM article_tags ORDER BY article_id, position`, func(rows *sql.Rows) error {
			var id int64
			var t content.Tag
			err := rows.Scan(&id, &t.Slug, &t.Label)
			a := at(id)
			a.Tags = append(a.Tags, t)
			return err
		}},
		{`SELECT article_id, name FROM article_authors ORDER BY article_id, position`, func(rows *sql.Rows) error {
			var id int64
			var name string
			err := rows.Scan(&id, &name)
			a := at(id)
			a.Authors = append(a.Authors, name)
			return err
		}},
		{`SELECT article_id, title, url FROM article_sources ORDER BY article_id, position`, func(rows *sql.Rows) error {
			var id int64
			var src content.Source
			err := rows.Scan(&id, &src.Title, &src.URL)
			a := at(id)
			a.Sources = append(a.Sources, src)
			return err
		}},
		{`SELECT article_id, target, line, later FROM article_links ORDER BY article_id, position`, func(rows *sql.Rows) error {
			var id int64
			var l content.Link
			err := rows.Scan(&id, &l.Target, &l.Line, &l.Later)
			a := at(id)
			a.Links = append(a.Links, l)
			return err
		}},
	}
	// Each list fills its own field of the articles, so they are read at
	// once, on as many reader connections: a restart waits for them.
	g, gctx := errgroup.WithContext(ctx)
	for _, l := range lists {
		g.Go(func() error { return s.eachRow(gctx, l.query, l.add) })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out := make(map[string]content.Article, len(byID))
	for _, a := range byID {
		out[a.Path] = *a
	}
	return out, nil
}

// eachRow runs query and hands each row to scan.
func (s *Store) eachRow(ctx context.Context, query string, scan func(*sql.Rows) error) error {
	rows, err := s.r.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("list outlines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("scan outline: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list outlines: %w", err)
	}
	return nil
}
