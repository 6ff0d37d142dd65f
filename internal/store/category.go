package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/horizons-expat/site/internal/content"
)

const categoryColumns = `slug, title, description, weight, intro_html, path, hash`

func scanCategory(row interface{ Scan(...any) error }) (content.Category, error) {
	var c content.Category
	err := row.Scan(&c.Slug, &c.Title, &c.Description, &c.Weight, &c.IntroHTML, &c.Path, &c.Hash)
	return c, err
}

// Categories returns every category in menu order.
func (s *Store) Categories(ctx context.Context) ([]content.Category, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+categoryColumns+` FROM categories ORDER BY weight, title`)
	if err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	defer rows.Close()
	var out []content.Category
	for rows.Next() {
		c, err := scanCategory(rows)
		if err != nil {
			return nil, fmt.Errorf("scan category: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Category returns the category with slug.
func (s *Store) Category(ctx context.Context, slug string) (content.Category, error) {
	c, err := scanCategory(s.r.QueryRowContext(ctx, `SELECT `+categoryColumns+` FROM categories WHERE slug = ?`, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("category %s: %w", slug, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("category %s: %w", slug, err)
	}
	return c, nil
}
