package web

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/maypok86/otter/v2"
)

// DefaultCacheBytes bounds the memory of rendered pages. Pages are kept
// gzipped only (about 3 to 5 KB each), so this holds several thousand
// pages: every page of a large site's working set.
const DefaultCacheBytes = 32 << 20

// entryOverhead is what a cached page costs beyond its bytes: the entry,
// its key and the cache's own node, roughly.
const entryOverhead = 512

// pageCache keeps rendered pages, keyed by path and query, until the first
// of: a content change (the store's generation moves on), the page's
// validUntil (a relative date or a scheduled article would change its
// text), or eviction. Its admission and eviction policy (W-TinyLFU) keeps
// frequently read pages when a crawler walks through every page once, which
// a plain LRU would not.
type pageCache struct {
	pages      *otter.Cache[string, *prepared]
	generation func() uint64
	seen       atomic.Uint64 // the generation the cached pages belong to
	hits       atomic.Uint64
	misses     atomic.Uint64
	// flights are the pages being rendered after a miss: other requests
	// for the same page wait for it instead of rendering it too, so that
	// a page expiring under load costs one rendering, not one per client.
	mu      sync.Mutex
	flights map[string]chan struct{}
}

// join returns, for the first request of key, a function to call when its
// answer is cached (leader true); for the others, a channel closed then.
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

func newPageCache(maxBytes uint64, generation func() uint64) *pageCache {
	c := &pageCache{
		generation: generation,
		flights:    map[string]chan struct{}{},
		pages: otter.Must(&otter.Options[string, *prepared]{
			MaximumWeight: maxBytes,
			Weigher: func(key string, e *prepared) uint32 {
				return uint32(len(key) + e.weight() + entryOverhead)
			},
		}),
	}
	return c
}

// get returns the cached page for key that is still exact at now, or nil.
func (c *pageCache) get(key string, now time.Time) *prepared {
	gen := c.generation()
	if c.seen.Load() != gen {
		// The content changed: every page may show it (menus, listings,
		// related articles), so all go at once, freeing their memory.
		if c.seen.Swap(gen) != gen {
			c.pages.InvalidateAll()
		}
		c.misses.Add(1)
		return nil
	}
	e, ok := c.pages.GetIfPresent(key)
	if !ok || e.generation != gen || !now.Before(e.validUntil) {
		c.misses.Add(1)
		return nil
	}
	c.hits.Add(1)
	return e
}

// put caches e under key. When the page came out the same as the one it
// replaces, it keeps its Last-Modified date, so that revalidation by date
// still succeeds.
func (c *pageCache) put(key string, e *prepared) {
	if old, ok := c.pages.GetIfPresent(key); ok && old.hash == e.hash {
		e.setLastModified(old.lastModified)
	}
	c.pages.Set(key, e)
}

// CacheStats are the page cache's counters since the start.
type CacheStats struct {
	Hits, Misses uint64
	Pages        int
	Bytes        uint64
}

func (c *pageCache) stats() CacheStats {
	return CacheStats{Hits: c.hits.Load(), Misses: c.misses.Load(), Pages: c.pages.EstimatedSize(), Bytes: c.pages.WeightedSize()}
}

// CacheStats reports how the page cache does, for operators and benchmarks.
func (s *Server) CacheStats() CacheStats { return s.cache.stats() }

// fill is what send needs to cache a page that the cache missed: where to
// put it, and the content generation it was rendered from, read before
// any query so that a change during rendering leaves the page stale.
type fill struct {
	key        string
	generation uint64
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
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || uncachedPath(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		key := cacheKey(r)
		now := s.now()
		if e := s.cache.get(key, now); e != nil {
			e.serve(w, r, now)
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
				e.serve(w, r, now)
				return
			}
			// Not cacheable (an error, a private page): render it too.
		} else {
			defer done() // when the answer was not cached
		}
		f := &fill{key: key, generation: s.cache.generation(), cached: done}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), fillKey{}, f)))
	})
}

// uncachedPath reports whether p is served without the page cache: static
// files have their own, media are read from disk at each request so that a
// replaced image shows at once, health and status must be live, and
// previews are for their link's holders only.
func uncachedPath(p string) bool {
	return strings.HasPrefix(p, "/static/") || strings.HasPrefix(p, "/media/") || strings.HasPrefix(p, variantPrefix) ||
		p == "/healthz" || p == "/_status" || isImagePath(p) || strings.HasPrefix(p, previewPrefix)
}

// cacheKey is the path and the query: pages such as search results depend
// on it. HEAD shares GET's pages.
func cacheKey(r *http.Request) string {
	if r.URL.RawQuery == "" {
		return r.URL.Path
	}
	return r.URL.Path + "?" + r.URL.RawQuery
}

// cacheable reports whether resp may be kept for later requests like r.
func cacheable(w http.ResponseWriter, resp *response) bool {
	return resp.status == http.StatusOK && !resp.private && resp.validUntil.After(resp.now) &&
		w.Header().Get("Set-Cookie") == ""
}
