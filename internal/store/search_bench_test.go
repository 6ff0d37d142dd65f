package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/corpus"
	"github.com/horizons-expat/site/internal/search"
	"github.com/horizons-expat/site/internal/sitetest"
	"github.com/horizons-expat/site/internal/store"
)

// BenchmarkSearchIndexBuild measures building the full-text index of a
// generated corpus of 10,000 articles from scratch: analysing every title,
// summary, body, rubrique and tag, and writing the FTS5 index, in one
// transaction. s/build is the wall time of one whole build, cpu-s/build
// the processor time it took (both cores count).
func BenchmarkSearchIndexBuild(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "content")
	if err := corpus.Generate(dir, 10_000, 1); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	st := loadStore(b, dir, corpus.Reference)
	b.ReportMetric(time.Since(start).Seconds(), "s-ingest")
	ctx := context.Background()
	cpu := sitetest.CPUTime()
	for b.Loop() {
		if err := st.RebuildSearchIndex(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/build")
	b.ReportMetric((sitetest.CPUTime()-cpu).Seconds()/float64(b.N), "cpu-s/build")
}

// BenchmarkSearch measures Store.Search alone over a generated corpus of
// 10,000 articles, for queries from rare words to words in most articles:
// the part of a search request that SQLite does. "warm" searches with the
// scores of the phrases kept from earlier searches of the same content,
// "cold" as the first search after a change of content, which computes
// them.
func BenchmarkSearch(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "content")
	if err := corpus.Generate(dir, 10_000, 1); err != nil {
		b.Fatal(err)
	}
	st := loadStore(b, dir, corpus.Reference)
	ctx := context.Background()
	v := store.View{Now: corpus.Reference}
	for _, text := range []string{"retraite", "ambassade de France", "droits à la retraite", "expat*", "consulat Madrid", "permis de conduire", "introuvable"} {
		q := search.Parse(text)
		for _, cold := range []bool{false, true} {
			name := text + "/warm"
			if cold {
				name = text + "/cold"
			}
			b.Run(name, func(b *testing.B) {
				if _, _, err := st.Search(ctx, v, q, 12, 0); err != nil { // warm
					b.Fatal(err)
				}
				total := 0
				for b.Loop() {
					if cold {
						st.ForgetSearchScores()
					}
					_, n, err := st.Search(ctx, v, q, 12, 0)
					if err != nil {
						b.Fatal(err)
					}
					total = n
				}
				b.ReportMetric(float64(total), "matches")
			})
		}
	}
}

// BenchmarkVocabulary measures the typo correction's vocabulary over a
// generated corpus of 10,000 articles: its size in memory (words, MB),
// loading it from the database ("load", at the first search that needs it
// after a start), and Find for misspelled queries, the phrases' scores
// known ("typo"). The corpus reuses a small vocabulary; BenchmarkCorrect in
// internal/search measures a vocabulary of 100,000 words.
func BenchmarkVocabulary(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "content")
	if err := corpus.Generate(dir, 10_000, 1); err != nil {
		b.Fatal(err)
	}
	st := loadStore(b, dir, corpus.Reference)
	ctx := context.Background()
	stats, err := st.VocabularyStats(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			st.ForgetVocabulary()
			if _, err := st.VocabularyStats(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(stats.Words), "words")
		b.ReportMetric(float64(stats.Bytes)/(1<<20), "MB")
	})
	v := store.View{Now: corpus.Reference}
	for _, text := range []string{"retrate", "ambasade de France", "droits à la retrate", "consulta Madrid", "introuvabel"} {
		b.Run("typo/"+text, func(b *testing.B) {
			req := store.SearchRequest{Query: search.Parse(text), Limit: 12}
			if _, err := st.Find(ctx, v, req); err != nil { // warm
				b.Fatal(err)
			}
			var res store.SearchResults
			for b.Loop() {
				if res, err = st.Find(ctx, v, req); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(res.Total), "matches")
		})
	}
}
