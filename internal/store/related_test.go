package store_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/corpus"
	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/sitetest"
	"github.com/horizons-expat/site/internal/store"
)

// TestRelatedMatchesFullRanking checks, on every article of a generated
// corpus, that Related (which ranks a few candidates) lists the same
// articles as ranking every article would.
func TestRelatedMatchesFullRanking(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := corpus.Generate(filepath.Join(dir, "content"), 80, 7); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(ctx, filepath.Join(dir, "site.db"), log)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	root, err := os.OpenRoot(filepath.Join(dir, "content"))
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	now := func() time.Time { return corpus.Reference }
	sy, err := ingest.New(ctx, root.FS(), st, log, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sy.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	for _, view := range []store.View{{Now: corpus.Reference}, {Now: corpus.Reference, Unpublished: true}} {
		articles, err := st.PublishedArticles(ctx, view)
		if err != nil {
			t.Fatal(err)
		}
		if len(articles) < 60 {
			t.Fatalf("only %d articles loaded", len(articles))
		}
		step := 1
		if sitetest.Race { // a quarter of them: see sitetest.Race
			step = 4
		}
		for i := 0; i < len(articles); i += step {
			p := articles[i]
			a, err := st.Article(ctx, view, p.Category, p.Slug)
			if err != nil {
				t.Fatal(err)
			}
			for _, limit := range []int{1, 4} {
				got, err := st.Related(ctx, view, a, limit)
				if err != nil {
					t.Fatal(err)
				}
				want, err := st.RelatedByFullScan(ctx, view, a, limit)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(ids(got), ids(want)) {
					t.Errorf("Related(%s, %d) = %v, want %v", a.Path, limit, ids(got), ids(want))
				}
			}
		}
	}
}

func ids(list []store.Article) []int64 {
	out := make([]int64, len(list))
	for i, a := range list {
		out[i] = a.ID
	}
	return out
}
