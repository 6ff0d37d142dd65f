package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/corpus"
	"github.com/horizons-expat/site/internal/store"
)

// benchArticles is the corpus size of the Go benchmarks; `make bench` runs
// the real binary on 10,000 articles besides.
const benchArticles = 1000

var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

// benchContent generates the benchmarks' corpus once per test binary.
func benchContent(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		if benchDir, benchErr = os.MkdirTemp("", "web-bench-"); benchErr == nil {
			benchErr = corpus.Generate(benchDir, benchArticles, 1)
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// benchPages returns an article path, a category path and a tag path of
// the site.
func benchPages(b *testing.B, ts *testSite) (article, category, tag string) {
	b.Helper()
	list, err := ts.srv.store.Latest(context.Background(), store.View{Now: fixtureNow}, 1, 0)
	if err != nil || len(list) == 0 {
		b.Fatal("no article", err)
	}
	a := list[0]
	// The corpus's first tag is its most used one.
	return a.URLPath(), "/" + a.Category, "/tags/expatriation"
}

func BenchmarkCachedPage(b *testing.B) {
	ts := newTestSite(b, benchContent(b), 0)
	article, _, _ := benchPages(b, ts)
	r := httptest.NewRequest("GET", article, nil)
	r.Header.Set("Accept-Encoding", "gzip")
	ts.handler.ServeHTTP(httptest.NewRecorder(), r)
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			w := httptest.NewRecorder()
			ts.handler.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				b.Fatal(w.Code)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				ts.handler.ServeHTTP(httptest.NewRecorder(), r)
			}
		})
	})
	// The floor: a handler that writes the same headers and bytes from
	// memory, through the same recorder. What serial costs beyond it is
	// the site's own work on a cache hit.
	w := httptest.NewRecorder()
	ts.handler.ServeHTTP(w, r)
	header, body := w.Header().Clone(), w.Body.Bytes()
	minimal := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range header {
			h[k] = v
		}
		w.WriteHeader(http.StatusOK)
		w.Write(body)
	})
	// With the request log line written, as in production (JSON, to a
	// buffer: the site's logger buffers too).
	b.Run("logged", func(b *testing.B) {
		saved := ts.srv.log
		defer func() { ts.srv.log = saved }()
		ts.srv.log = slog.New(slog.NewJSONHandler(io.Discard, nil))
		b.ReportAllocs()
		for b.Loop() {
			ts.handler.ServeHTTP(httptest.NewRecorder(), r)
		}
	})
	b.Run("minimal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			minimal.ServeHTTP(httptest.NewRecorder(), r)
		}
	})
}

// BenchmarkRenderPage measures a cache miss: queries, rendering, gzip.
// Each iteration empties the page cache first (query strings no longer
// make another page).
func BenchmarkRenderPage(b *testing.B) {
	ts := newTestSite(b, benchContent(b), 1<<20)
	article, category, tag := benchPages(b, ts)
	for _, p := range []struct{ name, path string }{
		{"home", "/"},
		{"article", article},
		{"category", category},
		{"category-page-5", category + "/page/5"},
		{"tag", tag},
	} {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ts.srv.cache.pages.InvalidateAll()
				r := httptest.NewRequest("GET", p.path, nil)
				r.Header.Set("Accept-Encoding", "gzip")
				w := httptest.NewRecorder()
				ts.handler.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("GET %s = %d", p.path, w.Code)
				}
			}
		})
	}
}

// BenchmarkHitRatioWithEdits replays a newsroom's day in miniature: readers
// ask for pages by popularity (Zipf: the home page and a few articles get
// most of the requests), and an editor saves one article every editEvery
// requests (an edit every 10 s at 1,000 requests per second). It reports
// the page cache's hit ratio, and renders per edit: what each save costs
// the replica. Run it with a fixed count so that runs compare:
//
//	go test ./internal/web -run '^$' -bench HitRatioWithEdits -benchtime 100000x
func BenchmarkHitRatioWithEdits(b *testing.B) {
	const editEvery = 10_000
	ts := newTestSite(b, benchContent(b), 0)
	ctx := context.Background()
	list, err := ts.srv.store.Latest(ctx, store.View{Now: fixtureNow}, benchArticles, 0)
	if err != nil {
		b.Fatal(err)
	}
	pages := []string{"/"}
	seen := map[string]bool{}
	for _, a := range list {
		if !seen[a.Category] {
			seen[a.Category] = true
			pages = append(pages, "/"+a.Category)
		}
	}
	for _, a := range list {
		pages = append(pages, a.URLPath())
	}
	rng := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(rng, 1.1, 1, uint64(len(pages)-1))
	before := ts.srv.CacheStats()
	edits := 0
	b.ResetTimer()
	for i := range b.N {
		if i > 0 && i%editEvery == 0 {
			a := list[rng.IntN(len(list))]
			name := filepath.Join(ts.dir, "content", a.Path)
			src, err := os.ReadFile(name)
			if err != nil {
				b.Fatal(err)
			}
			src = append(src, fmt.Sprintf("\nMise à jour n° %d.\n", i)...)
			if err := os.WriteFile(name, src, 0o644); err != nil {
				b.Fatal(err)
			}
			if _, err := ts.syncer.Sync(ctx); err != nil {
				b.Fatal(err)
			}
			edits++
		}
		r := httptest.NewRequest("GET", pages[zipf.Uint64()], nil)
		r.Header.Set("Accept-Encoding", "gzip")
		w := httptest.NewRecorder()
		ts.handler.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("GET %s = %d", r.URL.Path, w.Code)
		}
	}
	b.StopTimer()
	after := ts.srv.CacheStats()
	hits, misses := after.Hits-before.Hits, after.Misses-before.Misses
	b.ReportMetric(100*float64(hits)/float64(hits+misses), "hit%")
	if edits > 0 {
		b.ReportMetric(float64(after.Renders-before.Renders)/float64(edits), "renders/edit")
	}
}

// BenchmarkFastCandidate is what the fast path asks of every request
// before it looks in the cache: whether its path may be a cached page.
func BenchmarkFastCandidate(b *testing.B) {
	s := &Server{traits: siteTraits()}
	for _, p := range []string{"/monde/nouvelle-14", "/static/style.1a2b3c4d.css", "/monde/mon-article/photo.jpg"} {
		r := httptest.NewRequest("GET", p, nil)
		b.Run(p, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.fastCandidate(r)
			}
		})
	}
}

// BenchmarkMissFlight measures what the page cache's flight is for: one
// page missed by several readers at once, rendered once. In slow-leader,
// the reader that renders it takes slowWrite to receive it (a phone on a
// poor network), and waiters readers ask for the same page meanwhile:
// waiter-ms is how long they wait, which is a render when they are
// released as soon as the page is cached, and slowWrite more when they are
// released only when the leader's answer is written. In miss, one reader
// misses the page alone: what the flight adds to a render.
func BenchmarkMissFlight(b *testing.B) {
	const (
		waiters   = 8
		slowWrite = 20 * time.Millisecond
	)
	ts := newTestSite(b, benchContent(b), 0)
	article, _, _ := benchPages(b, ts)
	get := func(w http.ResponseWriter) {
		r := httptest.NewRequest("GET", article, nil)
		r.Header.Set("Accept-Encoding", "gzip")
		ts.handler.ServeHTTP(w, r)
	}
	b.Run("slow-leader", func(b *testing.B) {
		var waited time.Duration
		for b.Loop() {
			ts.srv.cache.pages.InvalidateAll()
			var leader, readers sync.WaitGroup
			leader.Go(func() { get(&slowWriter{ResponseRecorder: httptest.NewRecorder(), delay: slowWrite}) })
			// Until the leader renders (or has cached the page already,
			// which a waiter then reads as any reader would).
			for !ts.srv.cache.inFlight(article) && ts.srv.cache.peek(article, ts.clock.now()) == nil {
				runtime.Gosched()
			}
			start := time.Now()
			for range waiters {
				readers.Go(func() {
					w := httptest.NewRecorder()
					get(w)
					if w.Code != http.StatusOK {
						b.Errorf("a waiter got %d", w.Code)
					}
				})
			}
			readers.Wait()
			waited += time.Since(start)
			leader.Wait()
		}
		b.ReportMetric(float64(waited.Microseconds())/1000/float64(b.N), "waiter-ms")
	})
	b.Run("miss", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ts.srv.cache.pages.InvalidateAll()
			w := httptest.NewRecorder()
			get(w)
			if w.Code != http.StatusOK {
				b.Fatal(w.Code)
			}
		}
	})
}
