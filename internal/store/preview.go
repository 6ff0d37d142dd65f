package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Unpublished is an article readers cannot see yet: a draft or a
// scheduled one, which an editor may share through a preview link.
type Unpublished struct {
	Path, Category, Slug, Title string
	Draft                       bool
	Date                        time.Time
}

// UnpublishedArticles returns the drafts and the scheduled articles at
// v.Now, in path order.
func (s *Store) UnpublishedArticles(ctx context.Context, v View) ([]Unpublished, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT a.path, a.category, a.slug, a.title, a.draft, a.published_at FROM articles a
		WHERE a.draft = 1 OR a.published_at > :now
		ORDER BY a.path`, v.args()...)
	if err != nil {
		return nil, fmt.Errorf("list unpublished articles: %w", err)
	}
	defer rows.Close()
	var out []Unpublished
	for rows.Next() {
		var u Unpublished
		var published int64
		if err := rows.Scan(&u.Path, &u.Category, &u.Slug, &u.Title, &u.Draft, &published); err != nil {
			return nil, fmt.Errorf("scan unpublished article: %w", err)
		}
		u.Date = time.Unix(published, 0)
		out = append(out, u)
	}
	return out, rows.Err()
}

// ArticlePaths returns the file path of every stored article, visible or
// not: preview links are derived from them.
func (s *Store) ArticlePaths(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT path FROM articles ORDER BY path`)
	if err != nil {
		return nil, fmt.Errorf("list article paths: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("scan article path: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ArticleByPath returns the article of file path whatever its state, with
// its body, tags, authors and sources: what a preview shows.
func (s *Store) ArticleByPath(ctx context.Context, path string) (Article, error) {
	row := s.r.QueryRowContext(ctx, `
		SELECT `+cardColumns+`, a.body_html, a.headings
		FROM articles a JOIN categories c ON c.slug = a.category
		WHERE a.path = ?`, path)
	var body, headings string
	a, err := scanCard(withBody{row, &body, &headings})
	if errors.Is(err, sql.ErrNoRows) {
		return Article{}, fmt.Errorf("article %s: %w", path, ErrNotFound)
	}
	if err != nil {
		return Article{}, fmt.Errorf("article %s: %w", path, err)
	}
	if a.Headings, err = decodeHeadings(headings); err != nil {
		return Article{}, fmt.Errorf("headings of %s: %w", path, err)
	}
	a.BodyHTML = body
	one := []Article{a}
	if err := s.withTagsAndAuthors(ctx, one); err != nil {
		return Article{}, err
	}
	a = one[0]
	if a.Sources, err = s.articleSources(ctx, a.ID); err != nil {
		return Article{}, err
	}
	return a, nil
}
