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
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/images"
	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/metrics"
	"github.com/horizons-expat/site/internal/purge"
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
	// NowFunc, when set, is the clock, ahead of Now: tests move it to
	// show that scheduled articles appear by themselves.
	NowFunc func() time.Time
	Drafts  bool
	// ImageDir is the cache folder of image variants; empty: "images"
	// beside the database. Its files are named by their content, so that
	// several sites may share one (tests do).
	ImageDir string
	// SitemapMaxURLs and SitemapMaxBytes, when set, split the sitemap
	// sooner than the protocol's limits (tests use it).
	SitemapMaxURLs, SitemapMaxBytes int
	// Poll is the polling interval used when the content folder cannot be
	// watched; ForcePoll polls even when it could be.
	Poll      time.Duration
	ForcePoll bool
	// StatusToken, when set, opens /_status to requests that carry it in
	// the X-Status-Token header; without it, only loopback clients that are
	// not trusted proxies see that page.
	StatusToken string
	// PreviewSecret signs preview links; empty: the one kept in the
	// database's folder (PreviewKeyFile), created at first start.
	PreviewSecret string
	// PprofAddr is a loopback address for net/http/pprof; empty: off.
	PprofAddr string
	// Bundled is the content to serve when ContentDir is empty: the copy
	// embedded in the binary, read-only and never reloaded.
	Bundled fs.FS

	// HTTP limits; zero values take the defaults below.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	ShutdownTimeout   time.Duration // how long requests in flight may take to finish
	MaxHeaderBytes    int
	MaxInFlight       int      // requests served at once, beyond which 503; 0: web.DefaultMaxInFlight
	TrustedProxies    []string // CIDR prefixes whose X-Forwarded-For is believed
	SearchesPerMinute int      // one client's searches a minute, beyond which 429; 0: web.DefaultSearchesPerMinute
	CacheBytes        uint64   // bound of the rendered-page cache; 0: web.DefaultCacheBytes
	PurgeURLs         []string // caching proxies told of every content change

	// Wrap, when set, wraps the site's handler. It exists for tests (a
	// request slowed down to test graceful shutdown); `site serve` never
	// sets it.
	Wrap func(http.Handler) http.Handler
}

// Defaults for the HTTP limits.
const (
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 10 * time.Second
	DefaultWriteTimeout      = 30 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultShutdownTimeout   = 15 * time.Second
	DefaultMaxHeaderBytes    = 64 << 10
)

// withDefaults fills the zero HTTP limits.
func (cfg Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	def(&cfg.ReadTimeout, DefaultReadTimeout)
	def(&cfg.WriteTimeout, DefaultWriteTimeout)
	def(&cfg.IdleTimeout, DefaultIdleTimeout)
	def(&cfg.ShutdownTimeout, DefaultShutdownTimeout)
	if cfg.MaxHeaderBytes <= 0 {
		cfg.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	// MaxInFlight and SearchesPerMinute go to internal/web, which applies
	// its own defaults.
	return cfg
}

// App is a running site.
type App struct {
	cfg    Config
	log    *slog.Logger
	store  *store.Store
	syncer *ingest.Syncer
	images *images.Library
	// imageProblems are those of the image files that no article names,
	// found after each pass (see syncImages).
	imageProblems atomic.Pointer[[]content.Problem]
	// cardArticles are the articles of each share card in use, by its
	// CardPath, for the purge when the card is drawn.
	cardMu       sync.Mutex
	cardArticles map[string][]int64
	// loggedImageProblems are the unnamed image files' problems already
	// logged, so that the log names each when it appears and when it is
	// fixed, as the watcher does for the others (passes run one at a time).
	loggedImageProblems map[string]bool
	// imageSeconds is the time each image's variants took to make.
	imageSeconds prometheus.Histogram
	watcher      *ingest.Watcher // nil for bundled content, which never changes
	purger       *purge.Purger
	server       *http.Server
	listener     net.Listener
	ready        atomic.Bool
	dbPath       string // where the database is: cfg.DBPath, or a temporary copy
	tempDir      string // holds the database when cfg.DBPath could not be used
	// root is the content folder, which the syncer reads and the site's
	// media come from; nil for bundled content.
	root *os.Root
	// previewSecret signs preview links; nil when none could be had.
	previewSecret []byte
	// pprof is the optional profiling server, on its own loopback listener.
	pprof         *http.Server
	pprofListener net.Listener
}

// PreviewPath is the preview link of the article file path (relative to
// the content folder), "" when previews are off.
func (a *App) PreviewPath(path string) string {
	if len(a.previewSecret) == 0 {
		return ""
	}
	return web.PreviewPath(a.previewSecret, path)
}

// Clock returns the clock that cfg asks for.
func (cfg Config) Clock() func() time.Time {
	if cfg.NowFunc != nil {
		return cfg.NowFunc
	}
	if !cfg.Now.IsZero() {
		frozen := cfg.Now
		return func() time.Time { return frozen }
	}
	return time.Now
}

// builtAt dates the embedded static files, which carry no time of their
// own: the commit the binary was built from, the same on every replica of
// a build, or else (go run, go test) the start of the server.
func builtAt(clock func() time.Time) time.Time {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.time" {
				if t, err := time.Parse(time.RFC3339, s.Value); err == nil {
					return t
				}
			}
		}
	}
	return clock().Truncate(time.Second)
}

// New loads the content into the database and starts listening. It fails
// when the content folder cannot be read or the address cannot be bound.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	start := time.Now()
	cfg = cfg.withDefaults()
	a := &App{cfg: cfg, log: log}
	fsys := cfg.Bundled
	if cfg.ContentDir != "" {
		root, err := os.OpenRoot(cfg.ContentDir)
		if err != nil {
			return nil, fmt.Errorf("open content folder: %w", err)
		}
		a.root = root
		fsys = root.FS()
	}
	var err error
	if a.store, err = a.openStore(ctx); err != nil {
		a.Close()
		return nil, err
	}
	clock := cfg.Clock()
	a.syncer, err = ingest.New(ctx, fsys, a.store, log, clock, ingest.WithReserved(web.ReservedSegments()))
	if err != nil {
		a.Close()
		return nil, err
	}
	if cfg.ContentDir != "" {
		// Watching starts before the first pass, so that no change falls
		// between the two.
		a.watcher = ingest.NewWatcher(a.syncer, log, ingest.WatchOptions{
			Dir: cfg.ContentDir, Poll: cfg.Poll, ForcePoll: cfg.ForcePoll,
		})
	}
	// Variants live beside the database, derived like it: deleting the
	// folder loses nothing.
	imageDir := cfg.ImageDir
	if imageDir == "" {
		imageDir = filepath.Join(filepath.Dir(a.dbPath), "images")
	}
	a.purger = purge.New(cfg.PurgeURLs, web.AllPagesKey, log)
	if a.images, err = images.Open(imageDir, images.Options{}, log); err != nil {
		a.Close()
		return nil, err
	}
	a.images.OnReady(a.purgeImagePages)
	a.imageSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
		Namespace: metrics.Namespace, Subsystem: "images", Name: "processing_seconds",
		Help:    "Time to make every variant of one image (decode, resize, encode, write), failures included.",
		Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 20, 40},
	})
	a.images.OnProcessed(func(d time.Duration, _ error) { a.imageSeconds.Observe(d.Seconds()) })
	a.syncer.OnPass(func(ctx context.Context, media []string) { a.syncImages(ctx, fsys, media) })
	a.syncer.OnChange(func(c ingest.Change) { a.purger.Purge(web.ChangeKeys(c)) })
	rep, err := a.syncer.Sync(ctx)
	if err != nil {
		a.Close()
		return nil, err
	}
	if rep.Parsed > freeAfterParsed {
		// A first start parsed every file: what it held (sources, parsed
		// articles, the change set) is garbage now. Hand it back to the
		// system at once rather than keep it resident for minutes, on a
		// machine that may run several replicas.
		debug.FreeOSMemory()
	}
	status := a.syncer.Status()
	if a.watcher != nil {
		a.watcher.LogProblems(ctx, status.Problems)
	} else {
		for _, p := range status.Problems {
			log.Warn("content problem", "problem", p.String())
		}
	}
	log.Info("content loaded", "articles", status.Articles, "problems", len(status.Problems),
		"parsed", rep.Parsed, "content", cfg.ContentDir, "db", a.dbPath, "duration", time.Since(start))
	a.ready.Store(true)

	assets, err := web.NewAssets(static.FS, builtAt(clock))
	if err != nil {
		a.Close()
		return nil, err
	}
	if a.previewSecret, err = PreviewSecret(cfg.PreviewSecret, filepath.Dir(cfg.DBPath), true); err != nil {
		// Previews are a convenience: the site serves without them.
		log.Warn("preview links disabled", "err", err)
	}
	reg := metrics.New()
	a.registerMetrics(reg)
	srv := web.New(a.store, assets, web.Config{
		BaseURL: cfg.BaseURL, Drafts: cfg.Drafts,
		SitemapMaxURLs: cfg.SitemapMaxURLs, SitemapMaxBytes: cfg.SitemapMaxBytes,
		Media:          fsys,
		Images:         a.images,
		TrustedProxies: cfg.TrustedProxies, MaxInFlight: cfg.MaxInFlight,
		SearchesPerMinute: cfg.SearchesPerMinute, CacheBytes: cfg.CacheBytes,
		StatusToken: cfg.StatusToken, ContentStatus: a.contentStatus,
		PreviewSecret: a.previewSecret,
		Metrics:       reg,
	}, clock, log, a.ready.Load)
	// The page cache drops only the pages that a change touches.
	a.syncer.OnChange(srv.ContentChanged)
	handler := srv.Handler()
	if cfg.Wrap != nil {
		handler = cfg.Wrap(handler)
	}
	a.server = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if cfg.PprofAddr != "" {
		if a.pprofListener, a.pprof, err = listenPprof(cfg.PprofAddr); err != nil {
			a.Close()
			return nil, err
		}
	}
	a.listener, err = net.Listen("tcp", cfg.Addr)
	if err != nil {
		if a.pprofListener != nil {
			a.pprofListener.Close() // Run, which would close it, never runs
		}
		a.Close()
		return nil, fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	return a, nil
}

// freeAfterParsed is how many files a pass must have parsed for the
// memory it used to be worth returning to the system at once.
const freeAfterParsed = 1000

// registerMetrics reports the content passes, the purges and the image
// workers at /metrics, read from the counters they keep anyway when the
// metrics are scraped.
func (a *App) registerMetrics(m *metrics.Metrics) {
	gauge := func(subsystem, name, help string, f func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: metrics.Namespace, Subsystem: subsystem, Name: name, Help: help}, f)
	}
	counter := func(subsystem, name, help string, f func() float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: metrics.Namespace, Subsystem: subsystem, Name: name, Help: help}, f)
	}
	m.Register(
		counter("ingest", "passes_total", "Passes over the content folder since the start.",
			func() float64 { return float64(a.syncer.Status().Passes) }),
		gauge("ingest", "last_pass_seconds", "Duration of the last pass over the content folder.",
			func() float64 { return a.syncer.Status().Duration.Seconds() }),
		gauge("ingest", "problems", "Content problems (errors and warnings) found by the last pass.",
			func() float64 { return float64(len(a.syncer.Status().Problems)) }),
		gauge("ingest", "articles", "Articles stored, drafts and scheduled ones included.",
			func() float64 { return float64(a.syncer.Status().Articles) }),
		counter("purge", "sent_total", "Surrogate-key bans accepted by a proxy.",
			func() float64 { sent, _ := a.purger.Stats(); return float64(sent) }),
		counter("purge", "failed_total", "Surrogate-key bans given up after every retry.",
			func() float64 { _, failed := a.purger.Stats(); return float64(failed) }),
		gauge("images", "queued", "Images whose variants wait for a worker.",
			func() float64 { return float64(a.images.Stats().Queued) }),
		gauge("images", "working", "Images being processed now.",
			func() float64 { return float64(a.images.Stats().Working) }),
		counter("images", "done_total", "Images whose variants were all written since the start.",
			func() float64 { return float64(a.images.Stats().Done) }),
		counter("images", "failed_total", "Images whose processing failed since the start (pages show the original).",
			func() float64 { return float64(a.images.Stats().Failed) }),
		counter("images", "source_reads_total", "Image files read and hashed since the start; unchanged ones are known from the cache folder's index.",
			func() float64 { return float64(a.images.Stats().Reads) }),
		a.imageSeconds,
	)
}

// openStore opens the database at cfg.DBPath, which store.Open rebuilds
// when it is missing or damaged. When that path cannot be used at all (a
// read-only file or folder), the site still serves: from a database rebuilt
// from content/ in a temporary folder, removed at Close.
func (a *App) openStore(ctx context.Context) (*store.Store, error) {
	a.dbPath = a.cfg.DBPath
	st, err := store.Open(ctx, a.dbPath, a.log)
	if err == nil {
		return st, nil
	}
	a.log.Warn("database cannot be used where it is: serving from a temporary copy rebuilt from content",
		"path", a.cfg.DBPath, "err", err)
	// Not ":memory:": every pooled connection would get its own empty
	// database. A file in a private temporary folder behaves like the real one.
	dir, tmpErr := os.MkdirTemp("", "site-db-")
	if tmpErr != nil {
		return nil, errors.Join(err, fmt.Errorf("temporary database: %w", tmpErr))
	}
	a.dbPath = filepath.Join(dir, "site.db")
	st, tmpErr = store.Open(ctx, a.dbPath, a.log)
	if tmpErr != nil {
		os.RemoveAll(dir)
		return nil, errors.Join(err, fmt.Errorf("temporary database: %w", tmpErr))
	}
	a.tempDir = dir
	return st, nil
}

// ImageStats returns the image workers' figures, as /metrics has them.
func (a *App) ImageStats() images.Stats { return a.images.Stats() }

// WaitImages waits until every image variant in use is made, or ctx is
// done. Tests use it for pages that name variants; the site never waits.
func (a *App) WaitImages(ctx context.Context) error { return a.images.Wait(ctx) }

// ContentStatus is the content loader's state after its last pass.
func (a *App) ContentStatus() ingest.Status { return a.syncer.Status() }

// contentStatus is what the editors' status page shows.
func (a *App) contentStatus() web.ContentStatus {
	st := a.syncer.Status()
	problems := st.Problems
	if extra := a.imageProblems.Load(); extra != nil && len(*extra) > 0 {
		problems = append(slices.Clip(problems), *extra...)
		content.SortProblems(problems)
	}
	cs := web.ContentStatus{Problems: problems, LastReload: st.LastSync, Duration: st.Duration, Articles: st.Articles, Reloads: st.Passes,
		Watching: "jamais (contenu intégré au programme)"}
	if a.watcher != nil {
		cs.Watching = a.watcher.Mode()
	}
	return cs
}

// Addr is the address the site listens on.
func (a *App) Addr() string { return a.listener.Addr().String() }

// Run serves until ctx is done, then lets requests in flight finish.
func (a *App) Run(ctx context.Context) error {
	a.log.Info("serving", "url", "http://"+a.Addr())
	watchCtx, stopWatching := context.WithCancel(ctx)
	watching := make(chan struct{})
	go func() {
		defer close(watching)
		go a.purger.Run(watchCtx)
		if a.watcher != nil {
			a.watcher.Run(watchCtx)
		}
	}()
	// The watcher stops before the database closes: no pass may run then.
	defer func() { stopWatching(); <-watching }()
	errc := make(chan error, 1)
	go func() { errc <- a.server.Serve(a.listener) }()
	if a.pprof != nil {
		a.log.Info("profiling", "url", "http://"+a.pprofListener.Addr().String()+"/debug/pprof/")
		go a.pprof.Serve(a.pprofListener)
		defer a.pprof.Close()
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	a.log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	err := a.server.Shutdown(shutdownCtx)
	if serveErr := <-errc; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	return err
}

// Close releases the watcher, the database and the content folder, and
// removes the database when it was a temporary copy. New calls it too when
// it fails halfway, so it releases only what was opened.
func (a *App) Close() error {
	var err error
	if a.watcher != nil {
		err = a.watcher.Close()
	}
	if a.images != nil {
		err = errors.Join(err, a.images.Close())
	}
	if a.store != nil {
		err = errors.Join(err, a.store.Close())
	}
	if a.tempDir != "" {
		err = errors.Join(err, os.RemoveAll(a.tempDir))
	}
	if a.root != nil {
		err = errors.Join(err, a.root.Close())
	}
	return err
}

// shareCardDays is how recent an article without a cover must be to get
// its own drawn share card.
const shareCardDays = 30

// shareCardMax bounds the cards kept at once: the newest articles'.
const shareCardMax = 50

// syncImages tells the image library which images are in use after a
// pass: the images of the articles' text (in their own proportions), the
// site-local covers (cropped) and the share cards of articles without one.
func (a *App) syncImages(ctx context.Context, fsys fs.FS, media []string) {
	var refs []images.Ref
	body, err := a.store.BodyImages(ctx)
	if err != nil {
		a.log.Warn("list body images", "err", err)
		return
	}
	for _, p := range body {
		refs = append(refs, images.Ref{Path: p, Use: images.UseBody, Focus: images.Center})
	}
	covers, err := a.store.Covers(ctx)
	if err != nil {
		a.log.Warn("list covers", "err", err)
		return
	}
	for _, c := range covers {
		focus, _ := images.ParseFocus(c.Focus) // checked at ingest; "" is the centre
		if c.Focus == "" {
			focus = images.Center
		}
		refs = append(refs, images.Ref{Path: strings.TrimPrefix(c.Image, "/"), Use: images.UseCover, Focus: focus})
	}
	// Cards for the articles that people share: the recent ones. Older
	// articles without a cover keep the site's picture; drawing a card for
	// each of a large archive would keep the workers busy for long.
	uncovered, err := a.store.Uncovered(ctx, a.cfg.Clock()().Add(-shareCardDays*24*time.Hour), shareCardMax)
	if err != nil {
		a.log.Warn("list articles without cover", "err", err)
		return
	}
	site, err := a.store.Site(ctx)
	if err != nil {
		a.log.Warn("site settings", "err", err)
		return
	}
	cards := map[string][]int64{}
	for _, u := range uncovered {
		refs = append(refs, images.Ref{Use: images.UseShareCard, Title: u.Title, Section: u.Section, Site: site.Title})
		cards[images.CardPath(u.Title, u.Section, site.Title)] = u.IDs
	}
	a.cardMu.Lock()
	a.cardArticles = cards
	a.cardMu.Unlock()
	a.images.Sync(fsys, refs)
	a.checkUnnamedImages(fsys, refs, media)
}

// purgeImagePages tells shared caches to drop the pages that show the
// images at paths, whose variants were just made (web.ImagesReadyKeys).
// Browsers, which no purge reaches, keep such pages a short while only
// (see web's pendingValidity).
func (a *App) purgeImagePages(paths []string) {
	var ids []int64
	var files []string
	a.cardMu.Lock()
	for _, p := range paths {
		if cardIDs, ok := a.cardArticles[p]; ok {
			ids = append(ids, cardIDs...)
		} else {
			files = append(files, p)
		}
	}
	a.cardMu.Unlock()
	if len(files) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		found, err := a.store.ImageArticles(ctx, files)
		cancel()
		if err != nil {
			a.log.Warn("articles of images made", "err", err)
		}
		ids = append(ids, found...)
	}
	a.purger.Purge(web.ImagesReadyKeys(ids))
}

// checkUnnamedImages finds the problems of the image files that no
// article names (a decompression bomb dropped into media/ and not used
// yet): nothing else reads them. The library's index spares reading the
// unchanged ones at every pass.
func (a *App) checkUnnamedImages(fsys fs.FS, refs []images.Ref, media []string) {
	named := content.RefusedImages(a.syncer.Status().Problems)
	for _, r := range refs {
		if r.Path != "" {
			named[r.Path] = true
		}
	}
	paths := content.UnnamedImages(media, named)
	var problems []content.Problem
	for p, err := range a.images.Check(fsys, paths) {
		problems = append(problems, content.UnnamedImageProblem(p, err))
	}
	content.SortProblems(problems)
	a.imageProblems.Store(&problems)
	now := make(map[string]bool, len(problems))
	for _, p := range problems {
		text := p.String()
		now[text] = true
		if !a.loggedImageProblems[text] {
			a.log.Warn("content problem", "problem", text)
		}
	}
	for text := range a.loggedImageProblems {
		if !now[text] {
			a.log.Info("content problem fixed", "problem", text)
		}
	}
	a.loggedImageProblems = now
}
