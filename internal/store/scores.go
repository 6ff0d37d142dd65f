package store

import (
	"cmp"
	"container/list"
	"context"
	"math"
	"slices"
	"sync"
)

// scoreBudget bounds the memory of a scoreCache, in bytes: about 200
// phrases found in every article of a corpus of 10,000.
const scoreBudget = 32 << 20

// entryCost is what a kept phrase costs beside its scores: its entry in
// the map and the list, the key and the slice headers.
const entryCost = 256

// scoreCache remembers, for the current version of the content, the score
// FTS5's BM25 gives every article that matches one phrase of a query (a
// word, a quoted phrase, a prefix), and what a search needs to know of
// every indexed article. A query whose phrases are all known is then
// ranked without SQLite: FTS5's bm25() adds up one term per phrase, each
// weighed by how many articles of the whole index hold that phrase, not by
// the other phrases, so adding up the phrases' own scores, in the query's
// order, gives FTS5's score of the whole query to the last bit. Scoring is
// what makes a search slow when its words are in most articles, and
// readers' queries share their words.
//
// Everything it holds belongs to one version of the content: a change
// starts a new set, which warmSearch fills with the phrases searched last.
//
// Its LRU is written here rather than taken from otter, which the page
// cache uses, for what BenchmarkScoreCache and BenchmarkWarmOrder measured
// (1 December, 2 shared cores): otter answers a hit faster (74-103 ns
// against 124-145 ns, no allocation either way), but a miss that loads and
// keeps a phrase costs it 2.8-3.5 µs and 7 allocations against 0.8-0.9 µs
// and 4, and its order of entries is its policy's guess of what it will
// keep, not what readers searched last: warming the 32 phrases it puts
// first served 0.2% of the searches after a change (29% when its budget
// is tight) where recency served 72.7%.
type scoreCache struct {
	budget  int // bytes; scoreBudget but in tests
	mu      sync.Mutex
	set     *scoreSet
	evicted int // phrases forgotten to stay within the budget, since Open
}

type scoreSet struct {
	version int64
	bytes   int                     // the cost of the phrases kept and of docs
	phrases map[string]*phraseEntry // by FTS5 expression, loading or kept
	lru     *list.List              // of the kept *phraseEntry, most recently asked for first
	docs    *loaded[[]indexedDoc]
	// earlier are the phrases searched most recently in the versions
	// before, most recent first: what warmSearch scores anew, whoever
	// starts the new set.
	earlier []string
}

// loaded is a value that one search computes while others wait for it.
type loaded[T any] struct {
	ready chan struct{}
	val   T
	err   error
	// abandoned is set when the search that loaded it gave up (a reader
	// who left, a newer change stopping the warmer): those waiting for it
	// load it themselves.
	abandoned bool
}

type phraseEntry struct {
	loaded[termScores]
	key  string
	elem *list.Element // in lru, once kept
	size int
}

// termScores are the articles that match a phrase, by ascending id, and
// the score of each: FTS5's bm25(), negative, lower is better.
type termScores struct {
	ids    []int64
	scores []float64
	order  *scoreOrder // shared by the copies of one phrase's scores
}

// scoreOrder is the order of a phrase's articles by score, computed the
// first time a search reads the best articles first (ranking.top).
type scoreOrder struct {
	once sync.Once
	idx  []int32 // indexes in ids, best score first
}

// byScore returns the indexes of ts's articles, best score first.
func (ts termScores) byScore() []int32 {
	sorted := func() []int32 {
		idx := make([]int32, len(ts.ids))
		for i := range idx {
			idx[i] = int32(i)
		}
		slices.SortFunc(idx, func(a, b int32) int { return cmp.Compare(ts.scores[a], ts.scores[b]) })
		return idx
	}
	if ts.order == nil {
		return sorted()
	}
	ts.order.once.Do(func() { ts.order.idx = sorted() })
	return ts.order.idx
}

// indexedDoc is what ranking needs of an indexed article: whether a View
// shows it, and its date, which orders equal scores.
type indexedDoc struct {
	id, published, expires int64 // expires is MaxInt64 for never
	draft                  bool
	category               string // its rubrique's slug, shared by the docs of one rubrique
}

// docBytes is what an indexedDoc costs, its rubrique's name shared.
const docBytes = 48

// shows reports whether v shows d: the condition visible spells in SQL.
func (v View) shows(d indexedDoc) bool {
	now := v.Now.Unix()
	return v.Unpublished || (!d.draft && d.published <= now && d.expires > now)
}

const noExpiry = math.MaxInt64

// recent returns up to n of the phrases searched most recently, in this
// version or, after them, in the ones before.
func (c *scoreCache) recent(n int) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.set == nil {
		return nil
	}
	return c.set.recent(n)
}

func (s *scoreSet) recent(n int) []string {
	var out []string
	for e := s.lru.Front(); e != nil && len(out) < n; e = e.Next() {
		out = append(out, e.Value.(*phraseEntry).key)
	}
	for _, p := range s.earlier {
		if len(out) == n {
			break
		}
		if _, ok := s.phrases[p]; !ok {
			out = append(out, p)
		}
	}
	return out
}

// current returns the set of version, replacing an older one, or nil for
// a search that reads an older version than the cache holds (its snapshot
// began before a change): it computes what it needs without keeping it.
// The caller holds the lock.
func (c *scoreCache) current(version int64) *scoreSet {
	if c.set == nil || c.set.version < version {
		next := &scoreSet{version: version, phrases: map[string]*phraseEntry{}, lru: list.New()}
		if c.set != nil {
			next.earlier = c.set.recent(warmPhrases)
		}
		c.set = next
	}
	if c.set.version != version {
		return nil
	}
	return c.set
}

// phrase returns the scores of phrase in version, computing them with
// load when no other search has.
func (c *scoreCache) phrase(ctx context.Context, version int64, phrase string, load func(context.Context) (termScores, error)) (termScores, error) {
	for {
		c.mu.Lock()
		set := c.current(version)
		if set == nil {
			c.mu.Unlock()
			return load(ctx)
		}
		e, ok := set.phrases[phrase]
		if !ok {
			e = &phraseEntry{loaded: loaded[termScores]{ready: make(chan struct{})}, key: phrase}
			set.phrases[phrase] = e
		} else if e.elem != nil {
			set.lru.MoveToFront(e.elem)
		}
		c.mu.Unlock()
		if !ok {
			c.fill(ctx, set, e, load)
			return e.val, e.err
		}
		if val, err, retry := wait(ctx, &e.loaded); !retry {
			return val, err
		}
	}
}

// fill loads e, then keeps it if it fits in the budget.
func (c *scoreCache) fill(ctx context.Context, set *scoreSet, e *phraseEntry, load func(context.Context) (termScores, error)) {
	e.val, e.err = load(ctx)
	e.abandoned = e.err != nil && ctx.Err() != nil
	e.val.ids, e.val.scores = slices.Clip(e.val.ids), slices.Clip(e.val.scores)
	c.mu.Lock()
	if e.err != nil || !c.keep(set, e) {
		delete(set.phrases, e.key) // the next search loads it again
	}
	c.mu.Unlock()
	close(e.ready)
}

// keep makes room for e within the budget, forgetting the phrases least
// recently asked for, and reports whether it fits. The caller holds the
// lock.
func (c *scoreCache) keep(set *scoreSet, e *phraseEntry) bool {
	e.size = entryCost + len(e.key) + 20*len(e.val.ids) // an id, a score and its place in the order
	if e.size > c.budget/4 {
		return false // one phrase must not push out most of the others
	}
	for set.bytes+e.size > c.budget {
		back := set.lru.Back()
		if back == nil {
			return false
		}
		victim := set.lru.Remove(back).(*phraseEntry)
		delete(set.phrases, victim.key)
		set.bytes -= victim.size
		c.evicted++
	}
	set.bytes += e.size
	e.elem = set.lru.PushFront(e)
	return true
}

// docs returns what ranking needs of every indexed article in version.
func (c *scoreCache) docs(ctx context.Context, version int64, load func(context.Context) ([]indexedDoc, error)) ([]indexedDoc, error) {
	for {
		c.mu.Lock()
		set := c.current(version)
		if set == nil {
			c.mu.Unlock()
			return load(ctx)
		}
		l, loading := set.docs, set.docs == nil
		if loading {
			l = &loaded[[]indexedDoc]{ready: make(chan struct{})}
			set.docs = l
		}
		c.mu.Unlock()
		if loading {
			l.val, l.err = load(ctx)
			l.abandoned = l.err != nil && ctx.Err() != nil
			c.mu.Lock()
			if l.err != nil || docBytes*len(l.val) > c.budget/4 {
				set.docs = nil
			} else {
				set.bytes += docBytes * len(l.val)
			}
			c.mu.Unlock()
			close(l.ready)
			return l.val, l.err
		}
		if val, err, retry := wait(ctx, l); !retry {
			return val, err
		}
	}
}

// wait returns what another search loads, once it has, or asks for a
// retry when that search gave up while this one goes on.
func wait[T any](ctx context.Context, l *loaded[T]) (val T, err error, retry bool) {
	select {
	case <-l.ready:
		if l.abandoned && ctx.Err() == nil {
			return val, nil, true
		}
		return l.val, l.err, false
	case <-ctx.Done():
		return val, ctx.Err(), false
	}
}

// warmPhrases is how many of the phrases searched before a change of
// content are scored anew right after it.
const warmPhrases = 32

// warmer scores, after each change of content, the phrases searched most
// recently before it, in the background: the first searches after an
// editor publishes are then as fast as the ones before, instead of each
// scoring its common words anew. A newer change stops the work of an
// older one.
type warmer struct {
	mu     sync.Mutex
	stop   context.CancelFunc // of the work under way, if any
	closed bool               // the store is closing: no more work
	wg     sync.WaitGroup
}

// warmSearch starts scoring anew the phrases searched most recently.
func (s *Store) warmSearch() {
	phrases := s.scores.recent(warmPhrases)
	if len(phrases) == 0 {
		return
	}
	s.warm.mu.Lock()
	defer s.warm.mu.Unlock()
	if s.warm.closed {
		return
	}
	if s.warm.stop != nil {
		s.warm.stop()
	}
	ctx, stop := context.WithCancel(context.Background())
	s.warm.stop = stop
	s.warm.wg.Add(1)
	go func() {
		defer s.warm.wg.Done()
		// Errors are left to the searches, which compute what they miss:
		// warming only saves them the time.
		ctx, release, err := s.Snapshot(ctx)
		if err != nil {
			return
		}
		defer release()
		version, err := s.Version(ctx)
		if err != nil {
			return
		}
		if _, err := s.scores.docs(ctx, version, s.indexedDocs); err != nil {
			return
		}
		for _, p := range phrases {
			if _, err := s.scores.phrase(ctx, version, p, func(ctx context.Context) (termScores, error) {
				return s.phraseScores(ctx, p)
			}); err != nil {
				return
			}
		}
	}()
}

// stopWarming stops the work under way and waits for its end.
func (s *Store) stopWarming() {
	s.warm.mu.Lock()
	s.warm.closed = true
	if s.warm.stop != nil {
		s.warm.stop()
	}
	s.warm.mu.Unlock()
	s.warm.wg.Wait()
}
