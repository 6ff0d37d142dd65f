package store

import (
	"context"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/maypok86/otter/v2"
)

// The benchmarks below weigh the score cache's hand-written LRU against
// otter, the cache library the build has (the page cache uses it), on what
// the score cache is for: a hit, a miss that loads and keeps, and which
// phrases a change of content warms.

// benchScores are the scores of a phrase held by n articles.
func benchScores(n int) termScores {
	ts := termScores{ids: make([]int64, n), scores: make([]float64, n)}
	for i := range n {
		ts.ids[i], ts.scores[i] = int64(i), -float64(i)
	}
	return ts
}

// otterScores is the score cache done with otter: its loader shares one
// load among concurrent searches, its weigher keeps the byte budget.
func otterScores(budget int) *otter.Cache[string, termScores] {
	return otter.Must(&otter.Options[string, termScores]{
		MaximumWeight: uint64(budget),
		Weigher: func(key string, ts termScores) uint32 {
			return uint32(entryCost + len(key) + 20*len(ts.ids))
		},
	})
}

func BenchmarkScoreCache(b *testing.B) {
	ctx := context.Background()
	const phrases, articles = 200, 2000
	keys := make([]string, phrases)
	for i := range keys {
		keys[i] = "terme" + strconv.Itoa(i)
	}
	ts := benchScores(articles)
	load := func(context.Context) (termScores, error) { return ts, nil }
	otterLoad := otter.LoaderFunc[string, termScores](func(context.Context, string) (termScores, error) { return ts, nil })

	lru := &scoreCache{budget: scoreBudget}
	ot := otterScores(scoreBudget)
	for _, k := range keys {
		lru.phrase(ctx, 1, k, load)
		ot.Get(ctx, k, otterLoad)
	}
	b.Run("lru/hit", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			lru.phrase(ctx, 1, keys[i%phrases], load)
			i++
		}
	})
	b.Run("otter/hit", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			ot.Get(ctx, keys[i%phrases], otterLoad)
			i++
		}
	})
	b.Run("lru/hit-parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				lru.phrase(ctx, 1, keys[i%phrases], load)
				i++
			}
		})
	})
	b.Run("otter/hit-parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				ot.Get(ctx, keys[i%phrases], otterLoad)
				i++
			}
		})
	})
	// A miss loads and keeps a new phrase, past the budget forgetting one.
	small := 64 * (entryCost + 16 + 20*articles)
	b.Run("lru/miss", func(b *testing.B) {
		c := &scoreCache{budget: small}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			c.phrase(ctx, 1, "nouveau"+strconv.Itoa(i), load)
			i++
		}
	})
	b.Run("otter/miss", func(b *testing.B) {
		c := otterScores(small)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			c.Get(ctx, "nouveau"+strconv.Itoa(i), otterLoad)
			i++
		}
	})
}

// BenchmarkWarmOrder replays readers' searches on a news site in
// miniature: evergreen phrases asked by popularity (Zipf), then a story
// breaks and a few new phrases take half of the searches; an editor
// publishes, and the cache warms warmPhrases phrases for the new version.
// warm-% is the share of the next searches whose phrase was warmed: by
// the LRU's recency (scoreCache.recent) or by otter's Hottest, its
// eviction policy's order, with room for every phrase or under pressure.
func BenchmarkWarmOrder(b *testing.B) {
	ctx := context.Background()
	const evergreen, story, before, during, after = 1000, 12, 5000, 400, 1000
	ts := benchScores(100)
	load := func(context.Context) (termScores, error) { return ts, nil }
	otterLoad := otter.LoaderFunc[string, termScores](func(context.Context, string) (termScores, error) { return ts, nil })
	searches := func(r *rand.Rand, zipf *rand.Zipf, n int, storyShare float64) []string {
		out := make([]string, n)
		for i := range out {
			if r.Float64() < storyShare {
				out[i] = "actualite" + strconv.Itoa(r.IntN(story))
			} else {
				out[i] = "terme" + strconv.FormatUint(zipf.Uint64(), 10)
			}
		}
		return out
	}
	// roomy holds every phrase asked; tight a fifth of them, so that the
	// caches evict and otter's order is its policy's.
	roomy, tight := scoreBudget, 200*(entryCost+16+20*len(ts.ids))
	for _, run := range []struct {
		warm   string
		budget int
	}{{"lru", roomy}, {"otter", roomy}, {"lru-tight", tight}, {"otter-tight", tight}} {
		warm := strings.TrimSuffix(run.warm, "-tight")
		b.Run(run.warm, func(b *testing.B) {
			var share float64
			for b.Loop() {
				r := rand.New(rand.NewPCG(1, 2))
				zipf := rand.NewZipf(r, 1.1, 1, evergreen-1)
				asked := append(searches(r, zipf, before, 0), searches(r, zipf, during, 0.5)...)
				next := searches(r, zipf, after, 0.5)
				var warmed []string
				if warm == "lru" {
					c := &scoreCache{budget: run.budget}
					for _, p := range asked {
						c.phrase(ctx, 1, p, load)
					}
					warmed = c.recent(warmPhrases)
				} else {
					c := otterScores(run.budget)
					for _, p := range asked {
						c.Get(ctx, p, otterLoad)
					}
					for e := range c.Hottest() {
						if len(warmed) == warmPhrases {
							break
						}
						warmed = append(warmed, e.Key)
					}
				}
				in := map[string]bool{}
				for _, p := range warmed {
					in[p] = true
				}
				hits := 0
				for _, p := range next {
					if in[p] {
						hits++
					}
				}
				share = 100 * float64(hits) / float64(len(next))
			}
			b.ReportMetric(share, "warm-%")
		})
	}
}
