package store

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/search"
)

func TestScoreCache(t *testing.T) {
	ctx := context.Background()
	loads := map[string]int{}
	var mu sync.Mutex
	loader := func(term string, n int) func(context.Context) (termScores, error) {
		return func(context.Context) (termScores, error) {
			mu.Lock()
			loads[term]++
			mu.Unlock()
			ts := termScores{ids: make([]int64, n), scores: make([]float64, n)}
			for i := range n {
				ts.ids[i] = int64(i)
			}
			return ts, nil
		}
	}
	get := func(c *scoreCache, version int64, term string, n int) {
		t.Helper()
		ts, err := c.phrase(ctx, version, term, loader(term, n))
		if err != nil || len(ts.ids) != n {
			t.Fatalf("term %q: %d ids, %v", term, len(ts.ids), err)
		}
	}
	wantLoads := func(term string, n int) {
		t.Helper()
		if loads[term] != n {
			t.Errorf("%q loaded %d times, want %d", term, loads[term], n)
		}
	}

	t.Run("one load per term and version", func(t *testing.T) {
		clear(loads)
		c := &scoreCache{budget: 1 << 20}
		get(c, 1, "a", 10)
		get(c, 1, "a", 10)
		wantLoads("a", 1)
		get(c, 2, "a", 10) // a newer version starts afresh
		wantLoads("a", 2)
		get(c, 1, "a", 10) // an older snapshot computes without keeping
		get(c, 2, "a", 10)
		wantLoads("a", 3)
	})

	t.Run("the least recently used term goes first", func(t *testing.T) {
		clear(loads)
		size := entryCost + 1 + 20*100
		c := &scoreCache{budget: 4*size + size/2}                     // room for four such terms
		for _, term := range []string{"a", "b", "c", "d", "a", "e"} { // a is used again, b not: e pushes b out
			get(c, 1, term, 100)
		}
		for _, term := range []string{"a", "c", "d", "e"} {
			get(c, 1, term, 100)
			wantLoads(term, 1)
		}
		get(c, 1, "b", 100)
		wantLoads("b", 2)
		if c.set.bytes > c.budget || c.evicted != 2 { // b, then c to make room for b again
			t.Errorf("%d bytes kept, budget %d, %d evicted", c.set.bytes, c.budget, c.evicted)
		}
	})

	t.Run("too large for the budget, not kept", func(t *testing.T) {
		clear(loads)
		c := &scoreCache{budget: 4096}
		get(c, 1, "big", 1000)
		get(c, 1, "big", 1000)
		wantLoads("big", 2)
	})

	t.Run("concurrent searches share a load", func(t *testing.T) {
		c := &scoreCache{budget: 1 << 20}
		release := make(chan struct{})
		var n atomic.Int32
		slow := func(context.Context) (termScores, error) {
			n.Add(1)
			<-release
			return termScores{ids: []int64{7}, scores: []float64{-1}}, nil
		}
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ts, err := c.phrase(ctx, 1, "x", slow)
				if err != nil || len(ts.ids) != 1 {
					t.Errorf("got %v, %v", ts, err)
				}
			}()
		}
		for n.Load() == 0 {
			// wait for the first search to start loading
		}
		close(release)
		wg.Wait()
		if n.Load() != 1 {
			t.Errorf("%d loads, want 1", n.Load())
		}
	})

	t.Run("errors are not kept", func(t *testing.T) {
		c := &scoreCache{budget: 1 << 20}
		boom := errors.New("boom")
		fail := func(context.Context) (termScores, error) { return termScores{}, boom }
		if _, err := c.phrase(ctx, 1, "x", fail); !errors.Is(err, boom) {
			t.Fatalf("got %v, want boom", err)
		}
		clear(loads)
		get(c, 1, "x", 3)
		wantLoads("x", 1)
	})

	t.Run("a search that gives up does not fail those waiting", func(t *testing.T) {
		// In a bubble, synctest.Wait makes sure the second search waits
		// for the first one's load before the first reader leaves.
		synctest.Test(t, func(t *testing.T) {
			c := &scoreCache{budget: 1 << 20}
			lctx, leave := context.WithCancel(context.Background())
			go c.phrase(lctx, 1, "x", func(ctx context.Context) (termScores, error) {
				<-ctx.Done() // the reader left
				return termScores{}, errors.New("interrupted")
			})
			synctest.Wait()
			var err error
			var ts termScores
			loaded := false
			done := make(chan struct{})
			go func() {
				defer close(done)
				ts, err = c.phrase(context.Background(), 1, "x", func(context.Context) (termScores, error) {
					loaded = true
					return termScores{ids: []int64{1}, scores: []float64{-1}}, nil
				})
			}()
			synctest.Wait()
			if loaded {
				t.Fatal("the second search loaded while the first was loading")
			}
			leave()
			<-done
			if err != nil || len(ts.ids) != 1 || !loaded {
				t.Errorf("the search that waited got %v, %v, loaded itself: %v", ts, err, loaded)
			}
		})
	})

	t.Run("phrases of the versions before are warmed too", func(t *testing.T) {
		c := &scoreCache{budget: 1 << 20}
		get(c, 1, "a", 1)
		get(c, 1, "b", 1)
		get(c, 2, "c", 1) // a search of the new version came first
		if got := c.recent(3); !slices.Equal(got, []string{"c", "b", "a"}) {
			t.Errorf("recent = %v, want [c b a]", got)
		}
		get(c, 3, "a", 1)
		if got := c.recent(3); !slices.Equal(got, []string{"a", "c", "b"}) {
			t.Errorf("recent = %v, want [a c b]", got)
		}
	})

	t.Run("a cancelled wait returns", func(t *testing.T) {
		c := &scoreCache{budget: 1 << 20}
		release := make(chan struct{})
		started := make(chan struct{})
		go c.phrase(ctx, 1, "x", func(context.Context) (termScores, error) {
			close(started)
			<-release
			return termScores{}, nil
		})
		<-started
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := c.phrase(cctx, 1, "x", nil); !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
		close(release)
	})
}

// TestWarmSearchAfterChange checks that after a change of content the
// terms searched before it are scored anew without a search asking, and
// that searches then find the new content.
func TestWarmSearchAfterChange(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "site.db"), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2024, 11, 25, 12, 0, 0, 0, time.UTC)
	article := func(slug, title string) content.Article {
		return content.Article{Path: "monde/" + slug + ".md", Category: "monde", Slug: slug, Title: title,
			Date: now.Add(-time.Hour), BodyText: "Un texte sur la vie à l'étranger."}
	}
	apply := func(ch Changes) {
		t.Helper()
		ch.Now = now
		if err := st.Apply(ctx, ch); err != nil {
			t.Fatal(err)
		}
	}
	apply(Changes{Categories: []content.Category{{Slug: "monde", Title: "Monde", Path: "monde/_index.md"}},
		Articles: []content.Article{article("a", "Préparer sa retraite")}})
	v := View{Now: now}
	for _, q := range []string{"retraite", "banque vie"} {
		if _, _, err := st.Search(ctx, v, search.Parse(q), 10, 0); err != nil {
			t.Fatal(err)
		}
	}
	apply(Changes{Articles: []content.Article{article("b", "Changer de banque pour sa retraite")}})
	version, err := st.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	warm := func() bool {
		st.scores.mu.Lock()
		defer st.scores.mu.Unlock()
		set := st.scores.set
		if set == nil || set.version != version || set.docs == nil {
			return false
		}
		for _, term := range []string{`"retrait"`, `"banqu"`, `"vi"`} {
			if l, ok := set.phrases[term]; !ok || l.elem == nil {
				return false
			}
		}
		return true
	}
	for deadline := time.Now().Add(10 * time.Second); !warm(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the terms searched before the change were not scored anew")
		}
	}
	list, total, err := st.Search(ctx, v, search.Parse("retraite"), 10, 0)
	if err != nil || total != 2 || len(list) != 2 || list[0].Slug != "a" {
		t.Errorf("after the change, retraite finds %d: %v, %v; want a then b", total, list, err)
	}
}
