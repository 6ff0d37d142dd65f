package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
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
	IDs            []int64 // the articles of that title and rubrique
}

// Uncovered lists the stored articles without a site-local cover that
// were published (or are scheduled) after since, newest first, limit at most.
func (s *Store) Uncovered(ctx context.Context, since time.Time, limit int) ([]Uncovered, error) {
	// The recent articles first, through the index of dates: grouped at
	// once, SQLite walked every article in title order instead.
	rows, err := s.r.QueryContext(ctx, `
		WITH recent AS MATERIALIZED (
			SELECT id, title, category, published_at FROM articles
			WHERE (image NOT LIKE '/%' OR image_width = 0) AND published_at >= ?
		)
		SELECT recent.title, c.title, group_concat(recent.id) FROM recent JOIN categories c ON c.slug = recent.category
		GROUP BY recent.title, c.title ORDER BY max(recent.published_at) DESC LIMIT ?`, since.Unix(), limit)
	if err != nil {
		return nil, fmt.Errorf("list articles without cover: %w", err)
	}
	defer rows.Close()
	var out []Uncovered
	for rows.Next() {
		var u Uncovered
		var ids string
		if err := rows.Scan(&u.Title, &u.Section, &ids); err != nil {
			return nil, fmt.Errorf("list articles without cover: %w", err)
		}
		for f := range strings.SplitSeq(ids, ",") {
			if id, err := strconv.ParseInt(f, 10, 64); err == nil {
				u.IDs = append(u.IDs, id)
			}
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

// ImageArticles returns the ids of the stored articles that show one of
// the image files at paths (content-folder paths), as their cover or in
// their text: the pages to purge when those images' variants are made.
func (s *Store) ImageArticles(ctx context.Context, paths []string) ([]int64, error) {
	var ids []int64
	for batch := range slices.Chunk(paths, maxVariables/2) {
		args := make([]any, 0, 2*len(batch))
		for _, p := range batch {
			args = append(args, "/"+p)
		}
		for _, p := range batch {
			args = append(args, p)
		}
		rows, err := s.r.QueryContext(ctx, `
			SELECT id FROM articles WHERE image IN (`+placeholders(len(batch))+`)
			UNION
			SELECT article_id FROM article_images WHERE path IN (`+placeholders(len(batch))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("articles of images: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("articles of images: %w", err)
			}
			ids = append(ids, id)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("articles of images: %w", err)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}
