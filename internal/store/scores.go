package store

import (
	"cmp"
	"context"
	"math"
	"slices"
	"sync"
)

// scoreBudget bounds the memory of a scoreCache, in bytes: about 200 terms
// found in every article of a corpus of 10,000.
const scoreBudget = 32 << 20

// scoreCache remembers, for the current version of the content, the score
// FTS5's BM25 gives every article that matches one term of a query, and
// what a search needs to know of every indexed article. A query whose
// terms are all known is then ranked without SQLite: BM25 sums the scores
// of a query's terms (each term's weight depends on how many articles hold
// it, over the whole index, not on the other terms), so adding up the
// terms' scores gives FTS5's own ranking of the whole query. Scoring is
// what makes a search slow when its words are in most articles, and
// readers' queries share their words.
//
// Everything it holds belongs to one version of the content: a change
// starts a new set, which warmSearch fills with the terms searched last.
type scoreCache struct {
	budget int // bytes; scoreBudget but in tests
	mu     sync.Mutex
	set    *scoreSet
}

type scoreSet struct {
	version int64
	bytes   int    // the size of the terms' scores and of docs
	clock   uint64 // counts the uses of terms, to find the least recent
	terms   map[string]*loaded[termScores]
	docs    *loaded[[]indexedDoc]
}

// loaded is a value that one search computes while others wait for it.
type loaded[T any] struct {
	ready chan struct{}
	val   T
	err   error
	used  uint64 // the set's clock when a search last asked for it
	size  int    // bytes counted against the budget, once ready
}

// termScores are the articles that match a term, by ascending id, and the
// score of each: FTS5's bm25(), negative, lower is better.
type termScores struct {
	ids    []int64
	scores []float64
}

// indexedDoc is what ranking needs of an indexed article: whether a View
// shows it, and its date, which orders equal scores.
type indexedDoc struct {
	id, published, expires int64 // expires is MaxInt64 for never
	draft                  bool
}

// shows reports whether v shows d: the condition visible spells in SQL.
func (v View) shows(d indexedDoc) bool {
	now := v.Now.Unix()
	return v.Unpublished || (!d.draft && d.published <= now && d.expires > now)
}

const noExpiry = math.MaxInt64

// recent returns up to n of the terms searched most recently, those whose
// scores are known.
func (c *scoreCache) recent(n int) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.set == nil {
		return nil
	}
	type use struct {
		term string
		at   uint64
	}
	var uses []use
	for t, l := range c.set.terms {
		if l.size > 0 {
			uses = append(uses, use{t, l.used})
		}
	}
	slices.SortFunc(uses, func(a, b use) int { return cmp.Compare(b.at, a.at) })
	var out []string
	for _, u := range uses[:min(n, len(uses))] {
		out = append(out, u.term)
	}
	return out
}

// current returns the set of version, replacing an older one, or nil for
// a search that reads an older version than the cache holds (its snapshot
// began before a change): it computes what it needs without keeping it.
func (c *scoreCache) current(version int64) *scoreSet {
	if c.set == nil || c.set.version < version {
		c.set = &scoreSet{version: version, terms: map[string]*loaded[termScores]{}}
	}
	if c.set.version != version {
		return nil
	}
	return c.set
}

// term returns the scores of term in version, computing them with load
// when no other search has.
func (c *scoreCache) term(ctx context.Context, version int64, term string, load func(context.Context) (termScores, error)) (termScores, error) {
	c.mu.Lock()
	set := c.current(version)
	if set == nil {
		c.mu.Unlock()
		return load(ctx)
	}
	set.clock++
	l, ok := set.terms[term]
	if !ok {
		l = &loaded[termScores]{ready: make(chan struct{})}
		set.terms[term] = l
	}
	l.used = set.clock
	c.mu.Unlock()
	if ok {
		return wait(ctx, l)
	}
	l.val, l.err = load(ctx)
	c.mu.Lock()
	// A term that matches nothing still costs its map entry.
	if l.err != nil || !set.fit(term, 64+len(term)+16*len(l.val.ids), c.budget) {
		delete(set.terms, term) // the next search tries again
	}
	c.mu.Unlock()
	close(l.ready)
	return l.val, l.err
}

// docs returns what ranking needs of every indexed article in version.
func (c *scoreCache) docs(ctx context.Context, version int64, load func(context.Context) ([]indexedDoc, error)) ([]indexedDoc, error) {
	c.mu.Lock()
	set := c.current(version)
	if set == nil {
		c.mu.Unlock()
		return load(ctx)
	}
	l := set.docs
	if l == nil {
		set.docs = &loaded[[]indexedDoc]{ready: make(chan struct{})}
	}
	c.mu.Unlock()
	if l != nil {
		return wait(ctx, l)
	}
	l = set.docs
	l.val, l.err = load(ctx)
	c.mu.Lock()
	if l.err != nil || !set.fit("", 32*len(l.val), c.budget) {
		set.docs = nil
	}
	c.mu.Unlock()
	close(l.ready)
	return l.val, l.err
}

// fit makes room for n more bytes of the term's scores (or of docs, for
// ""), forgetting the terms least recently asked for, and reports whether
// they fit. The caller holds the lock.
func (s *scoreSet) fit(term string, n, budget int) bool {
	if n > budget/4 {
		return false // one term must not push out most of the others
	}
	for s.bytes+n > budget {
		victim := ""
		for t, l := range s.terms {
			if t != term && l.size > 0 && (victim == "" || l.used < s.terms[victim].used) {
				victim = t
			}
		}
		if victim == "" {
			return false
		}
		s.bytes -= s.terms[victim].size
		delete(s.terms, victim)
	}
	s.bytes += n
	if term != "" {
		s.terms[term].size = n
	}
	return true
}

// wait returns what another search loads, once it has. A search that
// failed to load hands its error to those that waited.
func wait[T any](ctx context.Context, l *loaded[T]) (T, error) {
	select {
	case <-l.ready:
		return l.val, l.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// warmTerms is how many of the terms searched before a change of content
// are scored anew right after it.
const warmTerms = 32

// warmer scores, after each change of content, the terms searched most
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

// warmSearch starts scoring anew the terms searched most recently.
func (s *Store) warmSearch() {
	terms := s.scores.recent(warmTerms)
	if len(terms) == 0 {
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
		for _, t := range terms {
			if _, err := s.scores.term(ctx, version, t, func(ctx context.Context) (termScores, error) {
				return s.termScores(ctx, t)
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
