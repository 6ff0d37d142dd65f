// Package sitetest starts the real site for tests: the whole app on
// 127.0.0.1:0 with a copy of a content folder and a fresh SQLite file in
// t.TempDir(), exactly as `site serve` runs it. It also holds the measures
// the benchmarks share (CPUTime, Percentile).
package sitetest

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/app"
	"github.com/horizons-expat/site/internal/corpus"
)

// FixtureNow is an instant at which the fixture's scheduled article
// (2024-12-01 08:00 Paris) is not yet published. It is corpus.Reference, so
// that a generated corpus served by Start has its scheduled articles still
// unpublished too.
var FixtureNow = corpus.Reference

// Fixture returns the path of the small content folder made for tests.
func Fixture() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "testdata", "content")
}

// Bundled returns the path of the site's real content folder.
func Bundled() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "content")
}

// ImageDir is the folder of image variants that the sites of tests share:
// variants are named by their content, so that every site of a test run
// finds those of the fixture's images made, instead of encoding them again.
func ImageDir() string { return filepath.Join(os.TempDir(), "horizons-sitetest-images") }

// Options choose how the site starts. Zero values mean: a copy of the
// fixture, the clock frozen at FixtureNow.
type Options struct {
	Content string // folder to copy; default Fixture()
	Now     time.Time
	Drafts  bool
	BaseURL string
	DBPath  string // default: a new file in t.TempDir()
	// Configure, when set, may change the app configuration last.
	Configure func(*app.Config)
	// Log, when set, receives the site's log instead of memory (Logs is
	// then empty): long runs would otherwise keep every line.
	Log io.Writer
}

// Site is a running site.
type Site struct {
	URL        string // http://127.0.0.1:port
	ContentDir string // the copy the site reads; tests may write into it
	DBPath     string
	App        *app.App
	logs       *lockedWriter
	client     *http.Client
}

// Start copies the content, starts the site and stops it when the test ends.
func Start(t testing.TB, opts Options) *Site {
	t.Helper()
	if opts.Content == "" {
		opts.Content = Fixture()
	}
	if opts.Now.IsZero() {
		opts.Now = FixtureNow
	}
	dir := t.TempDir()
	contentDir := filepath.Join(dir, "content")
	CopyDir(t, opts.Content, contentDir)
	if opts.DBPath == "" {
		opts.DBPath = filepath.Join(dir, "data", "site.db")
	}
	cfg := app.Config{
		Addr: "127.0.0.1:0", ContentDir: contentDir, DBPath: opts.DBPath,
		BaseURL: opts.BaseURL, Now: opts.Now, Drafts: opts.Drafts,
		ImageDir: ImageDir(),
	}
	if opts.Configure != nil {
		opts.Configure(&cfg)
	}
	logs := &lockedWriter{}
	var out io.Writer = logs
	if opts.Log != nil {
		out = opts.Log
	}
	log := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		cancel()
		t.Fatalf("start site: %v", err)
	}
	// Pages name the variants of images once they are made: wait for
	// them, so that what tests see does not depend on the workers' pace.
	wctx, wcancel := context.WithTimeout(ctx, 3*time.Minute)
	err = a.WaitImages(wctx)
	wcancel()
	if err != nil {
		cancel()
		a.Close()
		t.Fatalf("images of the site: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("site stopped with: %v", err)
		}
		if err := a.Close(); err != nil {
			t.Errorf("close site: %v", err)
		}
	})
	return &Site{
		URL: "http://" + a.Addr(), ContentDir: contentDir, DBPath: opts.DBPath, App: a, logs: logs,
		client: &http.Client{
			Timeout:       10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// Logs returns what the site has logged so far.
func (s *Site) Logs() string { return s.logs.String() }

// Response is a fetched page.
type Response struct {
	*http.Response
	Body string
}

// Get fetches path without following redirects.
func (s *Site) Get(t testing.TB, path string) Response {
	t.Helper()
	return s.Do(t, http.MethodGet, path, nil)
}

// Do sends a request with the given headers (pairs of name and value).
func (s *Site) Do(t testing.TB, method, path string, header http.Header) Response {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, nil)
	if err != nil {
		t.Fatalf("request %s: %v", path, err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return Response{Response: resp, Body: string(body)}
}

// CopyDir copies the folder src to dst, which must not exist.
func CopyDir(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if filepath.Ext(p) == ".go" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
}
