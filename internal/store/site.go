package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
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
	if site.Location, err = s.zone.load(site.TimeZone); err != nil {
		return site, fmt.Errorf("site time zone: %w", err)
	}
	return site, nil
}

// zone keeps the site's time zone once loaded: every uncached page reads
// the site settings, and time.LoadLocation reads and parses the zone's file
// each time. It changes only with site.yaml.
type zone struct {
	last atomic.Pointer[loadedZone]
}

type loadedZone struct {
	name string
	loc  *time.Location
}

func (z *zone) load(name string) (*time.Location, error) {
	if l := z.last.Load(); l != nil && l.name == name {
		return l.loc, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	z.last.Store(&loadedZone{name: name, loc: loc})
	return loc, nil
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
