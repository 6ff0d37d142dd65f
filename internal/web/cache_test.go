package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/corpus"
	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/store"
	"github.com/horizons-expat/site/static"
)

// fixture is the test harness's content folder (sitetest cannot be
// imported here: it imports this package through app). fixtureNow is
// sitetest.FixtureNow, which corpus.Reference equals.
const fixture = "../sitetest/testdata/content"

var fixtureNow = corpus.Reference

// clock is a test clock that the test moves by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time   { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time)  { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }
func newClock(t time.Time) *clock { return &clock{t: t} }
func discardLog() *slog.Logger    { return slog.New(slog.DiscardHandler) }
func paris(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// testSite is a Server over a real SQLite file, with a clock the test
// controls and a syncer it runs by hand.
type testSite struct {
	srv     *Server
	handler http.Handler
	syncer  *ingest.Syncer
	clock   *clock
	dir     string
}

func newTestSite(t testing.TB, contentDir string, cacheBytes uint64) *testSite {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "content"), os.DirFS(contentDir)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "site.db"), discardLog())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := newClock(fixtureNow)
	sy, err := ingest.New(ctx, os.DirFS(filepath.Join(dir, "content")), st, discardLog(), c.now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sy.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	assets, err := NewAssets(static.FS, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	srv := New(st, assets, Config{CacheBytes: cacheBytes}, c.now, discardLog(), func() bool { return true })
	sy.OnChange(srv.ContentChanged)
	return &testSite{srv: srv, handler: srv.Handler(), syncer: sy, clock: c, dir: dir}
}

func (ts *testSite) do(t testing.TB, method, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	ts.handler.ServeHTTP(w, r)
	return w
}

func (ts *testSite) write(t testing.TB, name, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(ts.dir, "content", name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.syncer.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func gunzip(t testing.TB, b []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestCachedPageHeadersAndRevalidation(t *testing.T) {
	ts := newTestSite(t, fixture, 0)
	const path = "/monde/nouvelle-14"
	plain := ts.do(t, "GET", path)
	if plain.Code != http.StatusOK {
		t.Fatalf("GET %s = %d", path, plain.Code)
	}
	zipped := ts.do(t, "GET", path, "Accept-Encoding", "gzip, deflate, br")
	head := ts.do(t, "HEAD", path, "Accept-Encoding", "gzip")
	if got := ts.srv.CacheStats(); got.Hits != 2 || got.Misses != 1 {
		t.Errorf("cache stats after 3 requests = %+v, want 2 hits and 1 miss", got)
	}

	if !strings.Contains(plain.Body.String(), "Nouvelle numéro 14") {
		t.Errorf("identity body lacks the article title")
	}
	if got := gunzip(t, zipped.Body.Bytes()); got != plain.Body.String() {
		t.Errorf("gzipped body differs from the identity body")
	}
	if head.Body.Len() != 0 {
		t.Errorf("HEAD sent a %d-byte body", head.Body.Len())
	}
	for _, tt := range []struct {
		name string
		w    *httptest.ResponseRecorder
		want map[string]string
	}{
		{"identity", plain, map[string]string{"Content-Type": "text/html; charset=utf-8", "Vary": "Accept-Encoding", "Content-Encoding": "", "Content-Length": strconv.Itoa(plain.Body.Len())}},
		{"gzip", zipped, map[string]string{"Content-Type": "text/html; charset=utf-8", "Vary": "Accept-Encoding", "Content-Encoding": "gzip", "Content-Length": strconv.Itoa(zipped.Body.Len())}},
		{"head", head, map[string]string{"Content-Encoding": "gzip", "Content-Length": strconv.Itoa(zipped.Body.Len()), "Etag": zipped.Header().Get("Etag")}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.want {
				if got := tt.w.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if tt.w.Header().Get("Etag") == "" || tt.w.Header().Get("Last-Modified") == "" {
				t.Errorf("missing validators: %v", tt.w.Header())
			}
		})
	}
	if plain.Header().Get("Etag") == zipped.Header().Get("Etag") {
		t.Errorf("identity and gzip variants share the ETag %s", plain.Header().Get("Etag"))
	}

	lastMod := plain.Header().Get("Last-Modified")
	for _, tt := range []struct {
		name   string
		header []string
		want   int
	}{
		// Each encoding is its own representation (RFC 9110, 8.8.3): only
		// the tag of the one this answer sends matches.
		{"etag of the gzip variant, asked with gzip", []string{"If-None-Match", zipped.Header().Get("Etag"), "Accept-Encoding", "gzip"}, http.StatusNotModified},
		{"etag of the gzip variant, asked without", []string{"If-None-Match", zipped.Header().Get("Etag")}, http.StatusOK},
		{"etag of the identity variant, asked with gzip", []string{"If-None-Match", plain.Header().Get("Etag"), "Accept-Encoding", "gzip"}, http.StatusOK},
		{"etag of the identity variant", []string{"If-None-Match", plain.Header().Get("Etag")}, http.StatusNotModified},
		{"weak etag in a list", []string{"If-None-Match", `"other", W/` + plain.Header().Get("Etag")}, http.StatusNotModified},
		{"star", []string{"If-None-Match", "*"}, http.StatusNotModified},
		{"other etag", []string{"If-None-Match", `"other"`}, http.StatusOK},
		{"other etag wins over a matching date", []string{"If-None-Match", `"other"`, "If-Modified-Since", lastMod}, http.StatusOK},
		{"same date", []string{"If-Modified-Since", lastMod}, http.StatusNotModified},
		{"older date", []string{"If-Modified-Since", "Mon, 01 Jan 2024 00:00:00 GMT"}, http.StatusOK},
		{"garbage date", []string{"If-Modified-Since", "hier"}, http.StatusOK},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := ts.do(t, "GET", path, tt.header...)
			if w.Code != tt.want {
				t.Fatalf("status %d, want %d", w.Code, tt.want)
			}
			if tt.want == http.StatusNotModified && (w.Body.Len() != 0 || w.Header().Get("Etag") == "" || w.Header().Get("Cache-Control") == "") {
				t.Errorf("304 with body %q and headers %v", w.Body.String(), w.Header())
			}
		})
	}
}

func TestCachedPageExpiresWhenItsRelativeDateChanges(t *testing.T) {
	ts := newTestSite(t, fixture, 0)
	// Published 2024-11-14 09:00 Paris: "il y a 1 semaine" until exactly
	// 14 days later, 2024-11-28 09:00 Paris.
	const path = "/monde/nouvelle-14"
	turn := time.Date(2024, 11, 28, 9, 0, 0, 0, paris(t))
	for _, tt := range []struct {
		name   string
		at     time.Time
		want   string
		maxAge int // at most
	}{
		{"a week old", fixtureNow, "il y a 1 semaine", 300},
		{"a minute before the turn", turn.Add(-time.Minute), "il y a 1 semaine", 60},
		{"a second before the turn", turn.Add(-time.Second), "il y a 1 semaine", 1},
		{"at the turn", turn, "il y a 2 semaines", 300},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts.clock.set(tt.at)
			for range 2 { // a miss, then a hit: both must be exact
				w := ts.do(t, "GET", path, "Accept-Encoding", "gzip")
				body := gunzip(t, w.Body.Bytes())
				if !strings.Contains(body, tt.want) {
					t.Errorf("at %s the page does not say %q", tt.at, tt.want)
				}
				var age int
				if _, err := fmt.Sscanf(w.Header().Get("Cache-Control"), "public, max-age=%d", &age); err != nil || age > tt.maxAge {
					t.Errorf("Cache-Control %q, want max-age at most %d", w.Header().Get("Cache-Control"), tt.maxAge)
				}
			}
		})
	}
}

func TestCachedPageShowsScheduledArticleOnTime(t *testing.T) {
	ts := newTestSite(t, fixture, 0)
	publish := time.Date(2024, 12, 1, 8, 0, 0, 0, paris(t))
	ts.clock.set(publish.Add(-time.Second))
	for range 2 {
		if w := ts.do(t, "GET", "/tags/retraite"); strings.Contains(w.Body.String(), "Article programmé") {
			t.Fatal("scheduled article listed a second before its time")
		}
	}
	ts.clock.set(publish)
	if w := ts.do(t, "GET", "/tags/retraite"); !strings.Contains(w.Body.String(), "Article programmé") {
		t.Fatal("scheduled article not listed at its time")
	}
}

func TestCachedPageFollowsContentChanges(t *testing.T) {
	ts := newTestSite(t, fixture, 0)
	before := ts.do(t, "GET", "/monde").Body.String()
	if before != ts.do(t, "GET", "/monde").Body.String() {
		t.Fatal("two requests at the same instant differ")
	}
	ts.write(t, "monde/nouvelle-15.md", "---\ntitle: Nouvelle toute fraîche\ndate: 2024-11-25 10:00\n---\n\nTexte.\n")
	after := ts.do(t, "GET", "/monde").Body.String()
	if !strings.Contains(after, "Nouvelle toute fraîche") {
		t.Fatal("the category page still shows the content from before the change")
	}
	if !strings.Contains(ts.do(t, "GET", "/").Body.String(), "Nouvelle toute fraîche") {
		t.Fatal("the home page still shows the content from before the change")
	}
}

// CacheStats reports how the page cache does: only tests and benchmarks
// read it.
func (s *Server) CacheStats() CacheStats { return s.cache.stats() }

// TestCacheKey: pages that do not read their query share one cache entry
// whatever query a link adds (utm_*, fbclid); the search pages keep theirs.
func TestCacheKey(t *testing.T) {
	for _, tt := range []struct{ url, want string }{
		{"/monde", "/monde"},
		{"/monde?utm_source=lettre&fbclid=x", "/monde"},
		{"/monde/page/2?page=3", "/monde/page/2"},
		{"/recherche?q=retraite", "/recherche?q=retraite"},
		{"/recherche?q=sant%C3%A9&page=2", "/recherche?q=sant%C3%A9&page=2"},
		{"/recherche/suggestions?q=ret", "/recherche/suggestions?q=ret"},
		{"/rechercher?q=ret", "/rechercher"},
	} {
		if got := siteTraits().cacheKey(httptest.NewRequest("GET", tt.url, nil)); got != tt.want {
			t.Errorf("cacheKey(%s) = %q, want %q", tt.url, got, tt.want)
		}
	}
}

func TestUncachedAnswers(t *testing.T) {
	ts := newTestSite(t, fixture, 0)
	for _, tt := range []struct {
		name, method, path string
		status             int
		cacheControl       string
	}{
		{"not found", "GET", "/nulle-part", http.StatusNotFound, "no-cache"},
		{"method not allowed", "POST", "/monde", http.StatusMethodNotAllowed, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for range 2 {
				w := ts.do(t, tt.method, tt.path, "Accept-Encoding", "gzip")
				if w.Code != tt.status || w.Header().Get("Cache-Control") != tt.cacheControl {
					t.Errorf("%s %s = %d, Cache-Control %q; want %d, %q", tt.method, tt.path, w.Code, w.Header().Get("Cache-Control"), tt.status, tt.cacheControl)
				}
			}
		})
	}
	if got := ts.srv.CacheStats().Pages; got != 0 {
		t.Errorf("%d pages cached, want none", got)
	}
}

// TestCacheStaysBoundedAndKeepsHotPagesUnderACrawl walks every article of a
// generated corpus once, as a crawler does, while readers keep asking for
// the home page and one article: the cache must stay within its bound and
// keep those two.
func TestCacheStaysBoundedAndKeepsHotPagesUnderACrawl(t *testing.T) {
	src := t.TempDir()
	if err := corpus.Generate(src, 100, 1); err != nil {
		t.Fatal(err)
	}
	const bound = 64 << 10 // far less than the 100 pages
	ts := newTestSite(t, src, bound)
	st := ts.srv.store
	list, err := st.Latest(context.Background(), store.View{Now: fixtureNow}, 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	hot := []string{"/", list[len(list)/2].URLPath()}
	for _, p := range hot { // readers made them popular before the crawl
		for range 10 {
			ts.do(t, "GET", p, "Accept-Encoding", "gzip")
		}
	}
	var hotHits, hotAsks uint64
	for i, a := range list {
		if w := ts.do(t, "GET", a.URLPath(), "Accept-Encoding", "gzip"); w.Code != http.StatusOK {
			t.Fatalf("GET %s = %d", a.URLPath(), w.Code)
		}
		before := ts.srv.CacheStats().Hits
		ts.do(t, "GET", hot[i%2], "Accept-Encoding", "gzip")
		hotHits += ts.srv.CacheStats().Hits - before
		hotAsks++
	}
	stats := ts.srv.CacheStats()
	if stats.Bytes > bound {
		t.Errorf("cache holds %d bytes, bound %d", stats.Bytes, bound)
	}
	if ratio := float64(hotHits) / float64(hotAsks); ratio < 0.9 {
		t.Errorf("hot pages hit %.0f%% of the time during the crawl, want at least 90%%", ratio*100)
	}
	t.Logf("after the crawl: %+v, hot hit ratio %d/%d", stats, hotHits, hotAsks)
}

// TestUnknownQueryStringsShareThePage checks that a query string on a page
// that reads none (tracking parameters, a crawler's or an attacker's
// variations) is served from the page's cache entry, without a render.
func TestUnknownQueryStringsShareThePage(t *testing.T) {
	ts := newTestSite(t, fixture, 0)
	const path = "/monde/nouvelle-14"
	first := ts.do(t, "GET", path, "Accept-Encoding", "gzip")
	if first.Code != http.StatusOK {
		t.Fatalf("GET %s = %d", path, first.Code)
	}
	renders := ts.srv.CacheStats().Renders
	for _, q := range []string{"?x=1", "?x=2", "?utm_source=lettre&utm_medium=email", "?fbclid=abc", "?", "?page=2"} {
		w := ts.do(t, "GET", path+q, "Accept-Encoding", "gzip")
		if w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), first.Body.Bytes()) {
			t.Errorf("GET %s%s = %d, not the page without its query", path, q, w.Code)
		}
		if w.Header().Get("Etag") != first.Header().Get("Etag") {
			t.Errorf("GET %s%s: ETag %s, want %s", path, q, w.Header().Get("Etag"), first.Header().Get("Etag"))
		}
	}
	if got := ts.srv.CacheStats().Renders; got != renders {
		t.Errorf("%d renders for the page with query strings, want none", got-renders)
	}
	// Search results depend on their query: each is its own page.
	a := ts.do(t, "GET", "/recherche?q=retraite")
	b := ts.do(t, "GET", "/recherche?q=visa")
	if a.Code != http.StatusOK || b.Code != http.StatusOK || a.Body.String() == b.Body.String() {
		t.Errorf("two searches gave the same page (%d, %d)", a.Code, b.Code)
	}
}

// blockingWriter holds the request it answers in flight until released.
type blockingWriter struct {
	*httptest.ResponseRecorder
	entered chan struct{}
	release chan struct{}
}

func (w *blockingWriter) Write(b []byte) (int, error) {
	w.entered <- struct{}{}
	<-w.release
	return w.ResponseRecorder.Write(b)
}

// TestHealthzAnsweredWhenInFlightLimitIsFull checks that the proxy's probes
// still get 200 from a replica that sheds page requests: an overloaded
// replica is not a dead one.
func TestHealthzAnsweredWhenInFlightLimitIsFull(t *testing.T) {
	ts := newTestSite(t, fixture, 0)
	ts.srv.cfg.MaxInFlight = 1
	h := ts.srv.Handler()
	bw := &blockingWriter{ResponseRecorder: httptest.NewRecorder(), entered: make(chan struct{}), release: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(bw, httptest.NewRequest("GET", "/monde", nil))
	}()
	<-bw.entered // the one slot is taken
	shed := httptest.NewRecorder()
	h.ServeHTTP(shed, httptest.NewRequest("GET", "/monde/nouvelle-14", nil))
	if shed.Code != http.StatusServiceUnavailable {
		t.Errorf("page request with the limit full = %d, want 503", shed.Code)
	}
	for _, method := range []string{"GET", "HEAD"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(method, "/healthz", nil))
		if w.Code != http.StatusOK {
			t.Errorf("%s /healthz with the limit full = %d, want 200", method, w.Code)
		}
		if w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s /healthz lacks the security headers", method)
		}
	}
	close(bw.release)
	<-done
}

// TestEditKeepsUntouchedPages checks that saving an article drops from the
// page cache exactly the pages whose surrogate keys the change names: they
// show the new text at once, and every other page is still served from
// the cache, without a render.
func TestEditKeepsUntouchedPages(t *testing.T) {
	ts := newTestSite(t, fixture, 0)
	paths := []string{"/", "/monde", "/pratique", "/tags", "/tags/monde", "/tags/numero-03", "/tags/numero-07", "/tags/retraite", "/pratique/retraite", "/rss.xml"}
	for i := 1; i <= 14; i++ {
		paths = append(paths, fmt.Sprintf("/monde/nouvelle-%02d", i))
	}
	keys := map[string][]string{}
	for _, p := range paths {
		w := ts.do(t, "GET", p, "Accept-Encoding", "gzip")
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s = %d", p, w.Code)
		}
		keys[p] = strings.Fields(w.Header().Get("Surrogate-Key"))
	}
	var changed []string
	ts.syncer.OnChange(func(c ingest.Change) { changed = ChangeKeys(c) })
	edit := func(name, old, new, shows string) {
		t.Helper()
		src, err := os.ReadFile(filepath.Join(ts.dir, "content", name))
		if err != nil {
			t.Fatal(err)
		}
		changed = nil
		ts.write(t, name, strings.Replace(string(src), old, new, 1))
		if len(changed) == 0 {
			t.Fatal("the edit named no surrogate key")
		}
		var kept, dropped int
		for _, p := range paths {
			touched := false
			for _, k := range keys[p] {
				touched = touched || slices.Contains(changed, k)
			}
			before := ts.srv.CacheStats().Renders
			w := ts.do(t, "GET", p, "Accept-Encoding", "gzip")
			rendered := ts.srv.CacheStats().Renders != before
			if rendered != touched {
				t.Errorf("GET %s after editing %s: rendered %v, want %v (keys %q, changed %q)", p, name, rendered, touched, keys[p], changed)
			}
			if touched {
				dropped++
				if p == "/"+strings.TrimSuffix(name, ".md") && !strings.Contains(gunzip(t, w.Body.Bytes()), shows) {
					t.Errorf("the edited article's page does not show the edit")
				}
			} else {
				kept++
			}
			keys[p] = strings.Fields(w.Header().Get("Surrogate-Key"))
		}
		t.Logf("after editing %s: %d pages kept, %d dropped", name, kept, dropped)
		if kept == 0 || dropped == 0 {
			t.Errorf("%d pages kept, %d dropped: the test does not tell selective from all or nothing", kept, dropped)
		}
	}
	// The text alone: the lists stay as they are.
	edit("monde/nouvelle-05.md", "Premier paragraphe", "Tout premier paragraphe", "Tout premier paragraphe")
	// The title: every list that shows the article, and its namesakes.
	edit("monde/nouvelle-03.md", "Nouvelle numéro 03", "Nouvelle numéro 03, corrigée", "corrigée")
	// A category's settings show in every page's menu: all go.
	src, err := os.ReadFile(filepath.Join(ts.dir, "content", "pratique", "_index.md"))
	if err != nil {
		t.Fatal(err)
	}
	ts.write(t, "pratique/_index.md", string(src)+"\nUne phrase de plus.\n")
	for _, p := range paths {
		before := ts.srv.CacheStats().Renders
		ts.do(t, "GET", p, "Accept-Encoding", "gzip")
		if ts.srv.CacheStats().Renders == before {
			t.Errorf("GET %s after a category change came from the cache", p)
		}
	}
}

// TestPageCacheBetweenChangeAndKeys checks the moment between a commit,
// which moves the store's generation, and the arrival of its keys: pages
// of older generations are not served then, and a page rendered before a
// change is not stored once the change is applied.
func TestPageCacheBetweenChangeAndKeys(t *testing.T) {
	var gen atomic.Uint64
	gen.Store(1)
	c := newPageCache(1<<20, gen.Load, 1)
	now := fixtureNow
	page := func(g uint64, keys ...string) *prepared {
		e := newPrepared(&response{status: http.StatusOK, contentType: "text/html", body: []byte("page"), validUntil: now.Add(time.Hour), now: now, keys: keys}, true)
		e.generation = g
		return e
	}
	c.put("/a", page(1, "site", "a1"))
	c.put("/b", page(1, "site", "a2"))
	gen.Store(2) // committed, keys not in yet
	if c.get("/a", now) != nil || c.get("/b", now) != nil {
		t.Fatal("a page of generation 1 served before the keys of generation 2 came")
	}
	c.changed(2, []string{"a1"})
	if c.get("/a", now) != nil {
		t.Error("the page showing a1 survived the change of a1")
	}
	if c.get("/b", now) == nil {
		t.Error("the page not showing a1 was dropped")
	}
	c.put("/a", page(1, "site", "a1")) // rendered from before the change
	if c.get("/a", now) != nil {
		t.Error("a page rendered before the change was stored after it")
	}
	gen.Store(4) // generation 3's keys never came
	c.changed(4, []string{"a9"})
	if c.get("/b", now) != nil {
		t.Error("a page survived a change whose keys are unknown")
	}
}

// slowWriter is a client that takes delay to receive each write.
type slowWriter struct {
	*httptest.ResponseRecorder
	delay time.Duration
}

func (w *slowWriter) Write(b []byte) (int, error) {
	time.Sleep(w.delay)
	return w.ResponseRecorder.Write(b)
}

// inFlight reports whether a request for key is rendering its page.
func (c *pageCache) inFlight(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.flights[key]
	return ok
}
