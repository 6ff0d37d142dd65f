package web

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/maypok86/otter/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/metrics"
)

// DefaultCacheBytes bounds the memory of rendered pages. Pages are kept
// gzipped only (about 3 to 5 KB each), so this holds several thousand
// pages: every page of a large site's working set.
const DefaultCacheBytes = 32 << 20

// entryOverhead is what a cached page costs beyond its bytes: the entry,
// its key and the cache's own node, roughly.
const entryOverhead = 512

// pageCache keeps rendered pages, keyed by path and query, until the first
// of: a content change that touches one of the page's surrogate keys, the
// page's validUntil (a relative date or a scheduled article would change
// its text), or eviction. Its admission and eviction policy (W-TinyLFU)
// keeps frequently read pages when a crawler walks through every page
// once, which a plain LRU would not.
//
// Each page is stamped with the store's generation it was rendered from.
// A change moves the generation at once, and its surrogate keys arrive a
// moment later (changed): in between, pages of older generations are not
// served, so that no page can show what a change replaced; once the keys
// are in, the pages they touch are gone and the others are good again.
type pageCache struct {
	pages      *otter.Cache[string, *prepared]
	generation func() uint64
	// images, when set, is the image library's generation: it moves when
	// variants become ready or a source changes, and a page rendered
	// before that (showing an original, or an old variant) is not served.
	images func() uint64
	// known is the newest generation whose surrogate keys were applied:
	// while the store's generation is no further, every cached page is
	// exact, whichever generation it was rendered from.
	known atomic.Uint64
	// changeMu orders put with changed, so that no page rendered before a
	// change can be stored after the change was applied to the cache.
	changeMu sync.Mutex
	hits     atomic.Uint64
	misses   atomic.Uint64
	renders  atomic.Uint64 // answers built by a page handler
	evicted  atomic.Uint64 // pages dropped to stay within the bound
	// flights are the pages being rendered after a miss: other requests
	// for the same page wait for it instead of rendering it too, so that
	// a page expiring under load costs one rendering, not one per client.
	mu      sync.Mutex
	flights map[string]chan struct{}
}

// join returns, for the first request of key, a function to call when its
// answer is cached (leader true); for the others, a channel closed then.
//
// It is not golang.org/x/sync/singleflight, measured by BenchmarkMissFlight
// (eight readers missing a page whose first reader takes 20 ms to receive
// it; 1 December, 2 shared cores): singleflight's Do releases the waiters
// when the leader's function returns, after its slow write, so they waited
// 24-26 ms against 4.4-5.5 ms here (a render); its DoChan, with the leader
// signalling when the page is cached, waited 5.5-7.2 ms but costs a
// goroutine and 6 to 7 allocations more per miss (1183 against 1177), for
// more code than this.
func (c *pageCache) join(key string) (done func(), wait <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ch, ok := c.flights[key]; ok {
		return nil, ch
	}
	ch := make(chan struct{})
	c.flights[key] = ch
	return sync.OnceFunc(func() {
		c.mu.Lock()
		delete(c.flights, key)
		c.mu.Unlock()
		close(ch)
	}), nil
}

// newPageCache returns an empty cache of pages rendered from generation()
// on, which is now at gen.
func newPageCache(maxBytes uint64, generation func() uint64, gen uint64) *pageCache {
	c := &pageCache{
		generation: generation,
		flights:    map[string]chan struct{}{},
	}
	c.pages = otter.Must(&otter.Options[string, *prepared]{
		MaximumWeight: maxBytes,
		Weigher: func(key string, e *prepared) uint32 {
			return uint32(len(key) + e.weight() + entryOverhead)
		},
		OnDeletion: func(e otter.DeletionEvent[string, *prepared]) {
			if e.WasEvicted() {
				c.evicted.Add(1)
			}
		},
	})
	c.known.Store(gen)
	return c
}

// get returns the cached page for key that is still exact at now, or nil,
// and counts a hit or a miss.
func (c *pageCache) get(key string, now time.Time) *prepared {
	e := c.peek(key, now)
	if e == nil {
		c.misses.Add(1)
		return nil
	}
	c.hits.Add(1)
	return e
}

// peek is get without counting.
func (c *pageCache) peek(key string, now time.Time) *prepared {
	e, ok := c.pages.GetIfPresent(key)
	if !ok || !now.Before(e.validUntil) {
		return nil
	}
	if c.images != nil && e.imageGeneration != c.images() {
		return nil
	}
	if gen := c.generation(); e.generation != gen && gen > c.known.Load() {
		// A change is committed whose keys are not in yet: this page
		// may show what it changed.
		return nil
	}
	return e
}

// imageGeneration is the image library's generation, 0 without one.
func (c *pageCache) imageGeneration() uint64 {
	if c.images == nil {
		return 0
	}
	return c.images()
}

// put caches e under key. When the page came out the same as the one it
// replaces, it keeps its Last-Modified date, so that revalidation by date
// still succeeds. A page rendered before the last change that the cache
// applied is not kept: it may show what that change replaced.
func (c *pageCache) put(key string, e *prepared) {
	c.changeMu.Lock()
	defer c.changeMu.Unlock()
	if e.generation < c.known.Load() {
		return
	}
	if old, ok := c.pages.GetIfPresent(key); ok && old.hash == e.hash {
		e.setLastModified(old.lastModified)
	}
	c.pages.Set(key, e)
}

// changed applies the change that made generation gen: the pages showing
// any of keys go, the others stay. A change of the site settings or of the
// categories (keySite: the menu of every page), or a generation whose
// keys never came, empties the whole cache.
func (c *pageCache) changed(gen uint64, keys []string) {
	c.changeMu.Lock()
	defer c.changeMu.Unlock()
	known := c.known.Load()
	switch {
	case gen <= known:
		return // already applied
	case gen != known+1 || slices.Contains(keys, keySite):
		c.pages.InvalidateAll()
	case len(keys) > 0:
		touched := make(map[string]bool, len(keys))
		for _, k := range keys {
			touched[k] = true
		}
		var stale []string
		for key, e := range c.pages.All() {
			if e.shows(touched) {
				stale = append(stale, key)
			}
		}
		for _, key := range stale {
			c.pages.Invalidate(key)
		}
	}
	c.known.Store(gen)
}

// CacheStats are the page cache's counters since the start.
type CacheStats struct {
	Hits, Misses uint64
	// Renders counts the answers that page handlers built, cached or
	// not: what the cache did not save.
	Renders uint64
	Pages   int
	Bytes   uint64
}

func (c *pageCache) stats() CacheStats {
	return CacheStats{Hits: c.hits.Load(), Misses: c.misses.Load(), Renders: c.renders.Load(), Pages: c.pages.EstimatedSize(), Bytes: c.pages.WeightedSize()}
}

// ContentChanged tells the page cache that the store's generation moved to
// c.Generation with change c: the pages it altered (ChangeKeys) go, the
// others stay (see ingest.Syncer.OnChange). Until it is called, pages
// rendered before the change are not served.
func (s *Server) ContentChanged(c ingest.Change) {
	s.loadQueryAliases(context.Background())
	s.cache.changed(c.Generation, ChangeKeys(c))
}

// fill is what send needs to cache a page that the cache missed: where to
// put it, and the content generation it was rendered from, read before
// any query so that a change during rendering leaves the page stale.
type fill struct {
	key        string
	generation uint64
	// imageGeneration is the image library's, read with generation.
	imageGeneration uint64
	// cached, when set, releases the requests waiting for this page: it
	// is called as soon as the page is cached, before it is written to a
	// client that may be slow.
	cached func()
}

type fillKey struct{}

// cachePages answers GET and HEAD requests from the page cache, and lets
// the others through with what send needs to fill it.
func (s *Server) cachePages(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || s.traits.of(r.URL.Path)&uncached != 0 {
			next.ServeHTTP(w, r)
			return
		}
		key := s.traits.cacheKey(r)
		now := s.now()
		if e := s.cache.get(key, now); e != nil {
			s.serveCached(w, r, e, now)
			return
		}
		done, wait := s.cache.join(key)
		if wait != nil {
			select {
			case <-wait:
			case <-r.Context().Done():
				return // the client went away
			}
			now = s.now()
			if e := s.cache.get(key, now); e != nil {
				s.serveCached(w, r, e, now)
				return
			}
			// Not cacheable (an error, a private page): render it too.
		} else {
			defer done() // when the answer was not cached
		}
		f := &fill{key: key, generation: s.cache.generation(), imageGeneration: s.cache.imageGeneration(), cached: done}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), fillKey{}, f)))
	})
}

// serveCached answers r with e from within the router's stack, where the
// request is counted under the route pattern of e.
func (s *Server) serveCached(w http.ResponseWriter, r *http.Request, e *prepared, now time.Time) {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		rc.RoutePatterns = append(rc.RoutePatterns, e.route.Pattern())
	}
	e.serve(w, r, now)
}

// register reports the cache's figures in m, read when m is scraped.
func (c *pageCache) register(m *metrics.Metrics) {
	counter := func(name, help string, v *atomic.Uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: metrics.Namespace, Subsystem: "page_cache", Name: name, Help: help},
			func() float64 { return float64(v.Load()) })
	}
	m.Register(
		counter("hits_total", "Requests answered from the page cache.", &c.hits),
		counter("misses_total", "Requests for a page that the page cache did not hold or held stale.", &c.misses),
		counter("evictions_total", "Pages dropped from the page cache to stay within its bound.", &c.evicted),
		counter("renders_total", "Answers built by a page handler (what the cache did not save).", &c.renders),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: metrics.Namespace, Subsystem: "page_cache", Name: "bytes", Help: "Memory of the cached pages, by their weight."},
			func() float64 { return float64(c.pages.WeightedSize()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: metrics.Namespace, Subsystem: "page_cache", Name: "pages", Help: "Pages in the page cache."},
			func() float64 { return float64(c.pages.EstimatedSize()) }),
	)
}

// cacheKey is what changes the page: the path, and the query for the
// pages that read one (search results). Elsewhere the query is ignored
// rather than redirected away: links shared on social networks and in
// newsletters carry tracking parameters (utm_*, fbclid), and a redirect
// would cost each of those readers a round trip for the same page, whose
// canonical link already names the address without a query. Ignoring it
// also means that varying it cannot make every request a render. HEAD
// shares GET's pages.
func (rt *routeTraits) cacheKey(r *http.Request) string {
	if r.URL.RawQuery == "" || rt.of(r.URL.Path)&readsQuery == 0 {
		return r.URL.Path
	}
	return r.URL.Path + "?" + r.URL.RawQuery
}

// cacheable reports whether resp may be kept for later requests like r.
func cacheable(w http.ResponseWriter, resp *response) bool {
	return resp.status == http.StatusOK && !resp.private && resp.validUntil.After(resp.now) &&
		w.Header().Get("Set-Cookie") == ""
}
