package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/horizons-expat/site/internal/content"
)

// Site returns the last good site settings, or ErrNotFound before the first.
func (s *Store) Site(ctx context.Context) (content.Site, error) {
	var site content.Site
	err := s.r.QueryRowContext(ctx, `SELECT title, tagline, description, base_url, language, timezone FROM site WHERE id = 1`).
		Scan(&site.Title, &site.Tagline, &site.Description, &site.BaseURL, &site.Language, &site.TimeZone)
	if errors.Is(err, sql.ErrNoRows) {
		return site, fmt.Errorf("site settings: %w", ErrNotFound)
	}
	if err != nil {
		return site, fmt.Errorf("site settings: %w", err)
	}
	if site.Location, err = time.LoadLocation(site.TimeZone); err != nil {
		return site, fmt.Errorf("site time zone: %w", err)
	}
	return site, nil
}

// Version returns the content version: it grows with every applied change.
func (s *Store) Version(ctx context.Context) (int64, error) {
	var v int64
	err := s.r.QueryRowContext(ctx, `SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'version'), 0)`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("content version: %w", err)
	}
	return v, nil
}
