package store_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/sitetest"
	"github.com/horizons-expat/site/internal/store"
)

// TestReadersNeverSeeBusy runs readers against a writer that keeps taking
// an article away and putting it back: WAL and busy_timeout must keep
// SQLITE_BUSY (and any other error) away from the readers, and the reads
// of one snapshot must all see the same version of the content.
func TestReadersNeverSeeBusy(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "site.db"), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	set, err := ingest.Check(os.DirFS(sitetest.Fixture()), nil)
	if err != nil {
		t.Fatal(err)
	}
	full := store.Changes{Now: sitetest.FixtureNow, Site: &set.Site, Categories: set.Categories, Articles: set.Articles}
	if err := st.Apply(ctx, full); err != nil {
		t.Fatal(err)
	}
	view := store.View{Now: sitetest.FixtureNow}
	want, err := st.Latest(ctx, view, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The two versions differ by one visible article, which both the list
	// of newest articles and its category's total count.
	i := slices.IndexFunc(set.Articles, func(a content.Article) bool { return a.Path == "monde/nouvelle-01.md" })
	if i < 0 {
		t.Fatal("the fixture lacks monde/nouvelle-01.md")
	}
	moving := set.Articles[i]
	_, wantTotal, err := st.InCategory(ctx, view, moving.Category, 1, 0)
	if err != nil {
		t.Fatal(err)
	}

	stop := make(chan struct{})
	var writes, reads atomic.Int64
	var seen [2]atomic.Int64 // reads of the version with the article, and without
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			ch := store.Changes{Now: sitetest.FixtureNow, DeletedArticles: []string{moving.Path}}
			if n%2 == 1 {
				ch = store.Changes{Now: sitetest.FixtureNow, Articles: []content.Article{moving}}
			}
			if err := st.Apply(ctx, ch); err != nil {
				t.Errorf("write: %v", err)
				return
			}
			writes.Add(1)
		}
	}()
	// read reads a page's worth in one snapshot and reports whether it
	// went well.
	read := func() bool {
		ctx, release, err := st.Snapshot(ctx)
		if err != nil {
			t.Errorf("snapshot: %v", err)
			return false
		}
		defer release()
		list, err := st.Latest(ctx, view, 100, 0)
		if err != nil {
			t.Errorf("read: %v", err)
			return false
		}
		_, total, err := st.InCategory(ctx, view, moving.Category, 1, 0)
		if err != nil {
			t.Errorf("read category: %v", err)
			return false
		}
		// Without the article, both counts are one less; one read with it
		// and one without would mix two versions.
		missing := len(want) - len(list)
		if (missing != 0 && missing != 1) || wantTotal-total != missing {
			t.Errorf("one snapshot read %d articles and %d in %s, want %d and %d or one less of each",
				len(list), total, moving.Category, len(want), wantTotal)
			return false
		}
		if _, err := st.Article(ctx, view, "pratique", "retraite"); err != nil {
			t.Errorf("read article: %v", err)
			return false
		}
		seen[missing].Add(1)
		return true
	}
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if !read() {
					return
				}
				reads.Add(1)
			}
		}()
	}
	// Enough overlap to matter, bounded in time on a loaded machine.
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if writes.Load() >= 10 && reads.Load() >= 100 && seen[0].Load() > 0 && seen[1].Load() > 0 {
			break
		}
	}
	close(stop)
	wg.Wait()
	if writes.Load() < 3 || reads.Load() < 30 {
		t.Errorf("too little happened to prove anything: %d writes, %d reads", writes.Load(), reads.Load())
	}
	if seen[0].Load() == 0 || seen[1].Load() == 0 {
		t.Errorf("the reads saw only one version: %d with the article, %d without", seen[0].Load(), seen[1].Load())
	}
	t.Logf("%d writes, %d reads, no error", writes.Load(), reads.Load())
}
