package store

import (
	"context"
	"fmt"
	"time"
)

// Cover is one site-local cover image in use, with the focus of its crop.
type Cover struct {
	Image string // URL path: /media/x.jpg, /<rubrique>/<slug>/x.jpg
	Focus string
}

// Covers lists the site-local covers of every stored article, drafts and
// scheduled ones included (their variants are ready when they appear).
func (s *Store) Covers(ctx context.Context) ([]Cover, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT DISTINCT image, image_focus FROM articles
		WHERE image LIKE '/%' ORDER BY image, image_focus`)
	if err != nil {
		return nil, fmt.Errorf("list covers: %w", err)
	}
	defer rows.Close()
	var out []Cover
	for rows.Next() {
		var c Cover
		if err := rows.Scan(&c.Image, &c.Focus); err != nil {
			return nil, fmt.Errorf("list covers: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list covers: %w", err)
	}
	return out, nil
}

// Uncovered is an article without a site-local cover, whose share picture
// is drawn from its title and rubrique.
type Uncovered struct {
	Title, Section string
}

// Uncovered lists the stored articles without a site-local cover that
// were published (or are scheduled) after since, newest first, limit at most.
func (s *Store) Uncovered(ctx context.Context, since time.Time, limit int) ([]Uncovered, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT a.title, c.title FROM articles a JOIN categories c ON c.slug = a.category
		WHERE (a.image NOT LIKE '/%' OR a.image_width = 0) AND a.published_at >= ?
		GROUP BY a.title, c.title ORDER BY max(a.published_at) DESC LIMIT ?`, since.Unix(), limit)
	if err != nil {
		return nil, fmt.Errorf("list articles without cover: %w", err)
	}
	defer rows.Close()
	var out []Uncovered
	for rows.Next() {
		var u Uncovered
		if err := rows.Scan(&u.Title, &u.Section); err != nil {
			return nil, fmt.Errorf("list articles without cover: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list articles without cover: %w", err)
	}
	return out, nil
}

// BodyImages lists the site-local images of every stored article's text,
// by their path in the content folder.
func (s *Store) BodyImages(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT path FROM article_images ORDER BY path`)
	if err != nil {
		return nil, fmt.Errorf("list body images: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("list body images: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list body images: %w", err)
	}
	return out, nil
}
