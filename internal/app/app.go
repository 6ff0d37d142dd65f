// Package app wires the site together: content folder, database, syncer and
// HTTP server. Tests start it on 127.0.0.1:0 exactly as main does.
package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/store"
	"github.com/horizons-expat/site/internal/web"
	"github.com/horizons-expat/site/static"
)

// Config is everything the operator can set.
type Config struct {
	Addr       string
	ContentDir string
	DBPath     string
	BaseURL    string
	Now        time.Time // when set, the clock is frozen there
	Drafts     bool
	// SitemapMaxURLs and SitemapMaxBytes, when set, split the sitemap
	// sooner than the protocol's limits (tests use it).
	SitemapMaxURLs, SitemapMaxBytes int
	// Bundled is the content to serve when ContentDir is empty: the copy
	// embedded in the binary, read-only and never reloaded.
	Bundled fs.FS
}

// App is a running site.
type App struct {
	cfg      Config
	log      *slog.Logger
	store    *store.Store
	syncer   *ingest.Syncer
	server   *http.Server
	listener net.Listener
	ready    atomic.Bool
}

// Clock returns the clock that cfg asks for.
func (cfg Config) Clock() func() time.Time {
	if !cfg.Now.IsZero() {
		frozen := cfg.Now
		return func() time.Time { return frozen }
	}
	return time.Now
}

// New loads the content into the database and starts listening. It fails
// when the content folder cannot be read or the address cannot be bound.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	start := time.Now()
	fsys := cfg.Bundled
	if cfg.ContentDir != "" {
		root, err := os.OpenRoot(cfg.ContentDir)
		if err != nil {
			return nil, fmt.Errorf("open content folder: %w", err)
		}
		fsys = root.FS()
	}
	a := &App{cfg: cfg, log: log}
	var err error
	a.store, err = store.Open(ctx, cfg.DBPath, log)
	if err != nil {
		return nil, err
	}
	clock := cfg.Clock()
	a.syncer, err = ingest.New(ctx, fsys, a.store, log, clock)
	if err != nil {
		a.store.Close()
		return nil, err
	}
	rep, err := a.syncer.Sync(ctx)
	if err != nil {
		a.store.Close()
		return nil, err
	}
	status := a.syncer.Status()
	for _, p := range status.Problems {
		log.Warn("content problem", "problem", p.String())
	}
	log.Info("content loaded", "articles", status.Articles, "problems", len(status.Problems),
		"parsed", rep.Parsed, "content", cfg.ContentDir, "db", cfg.DBPath, "duration", time.Since(start))
	a.ready.Store(true)

	assets, err := web.NewAssets(static.FS)
	if err != nil {
		a.store.Close()
		return nil, err
	}
	srv := web.New(a.store, assets, web.Config{
		BaseURL: cfg.BaseURL, Drafts: cfg.Drafts,
		SitemapMaxURLs: cfg.SitemapMaxURLs, SitemapMaxBytes: cfg.SitemapMaxBytes,
		Media: fsys,
	}, clock, log, a.ready.Load)
	a.server = &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	a.listener, err = net.Listen("tcp", cfg.Addr)
	if err != nil {
		a.store.Close()
		return nil, fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	return a, nil
}

// Addr is the address the site listens on.
func (a *App) Addr() string { return a.listener.Addr().String() }

// Run serves until ctx is done, then lets requests in flight finish.
func (a *App) Run(ctx context.Context) error {
	a.log.Info("serving", "url", "http://"+a.Addr())
	errc := make(chan error, 1)
	go func() { errc <- a.server.Serve(a.listener) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	a.log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err := a.server.Shutdown(shutdownCtx)
	if serveErr := <-errc; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	return err
}

// Close releases the database.
func (a *App) Close() error {
	return a.store.Close()
}
