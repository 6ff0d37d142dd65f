package store_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/search"
	"github.com/horizons-expat/site/internal/store"
)

// bundledNow is after every bundled article.
var bundledNow = time.Date(2024, 11, 26, 12, 0, 0, 0, time.UTC)

// loadStore opens a store in a temporary folder and loads the content
// folder dir into it.
func loadStore(t testing.TB, dir string, now time.Time) *store.Store {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "site.db"), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sy, err := ingest.New(ctx, os.DirFS(dir), st, log, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sy.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestSearchRelevance(t *testing.T) {
	st := loadStore(t, filepath.Join("..", "..", "content"), bundledNow)
	f, err := os.Open(filepath.Join("testdata", "search_relevance.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	cases, first, top3 := 0, 0, 0
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Split(text, "\t")
		if len(fields) != 3 {
			t.Fatalf("search_relevance.tsv:%d: want 3 tab-separated fields", line)
		}
		query, want := fields[0], fields[1]
		worst, err := strconv.Atoi(fields[2])
		if err != nil {
			t.Fatalf("search_relevance.tsv:%d: rank: %v", line, err)
		}
		cases++
		list, _, err := st.Search(context.Background(), store.View{Now: bundledNow}, search.Parse(query), 10, 0)
		if err != nil {
			t.Fatalf("search %q: %v", query, err)
		}
		rank := 0
		var got []string
		for i, a := range list {
			got = append(got, a.Path)
			if a.Path == want && rank == 0 {
				rank = i + 1
			}
		}
		switch {
		case rank == 1:
			first++
			top3++
		case rank > 0 && rank <= 3:
			top3++
		}
		t.Logf("%-45q rank %d (want ≤ %d)", query, rank, worst)
		if rank == 0 || rank > worst {
			t.Errorf("search_relevance.tsv:%d: %q: %s at rank %d, want ≤ %d; got %v", line, query, want, rank, worst, got)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cases < 20 {
		t.Errorf("only %d cases, want at least 20", cases)
	}
	t.Logf("%d queries: %d first, %d in the top 3", cases, first, top3)
}
