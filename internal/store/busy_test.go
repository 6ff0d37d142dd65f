package store_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/sitetest"
	"github.com/horizons-expat/site/internal/store"
)

// TestReadersNeverSeeBusy runs readers against a writer that keeps
// rewriting every article: WAL and busy_timeout must keep SQLITE_BUSY (and
// any other error) away from the readers, and each read sees a whole
// version of the content.
func TestReadersNeverSeeBusy(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "site.db"), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	set, err := content.Load(os.DirFS(sitetest.Fixture()), content.NewParser())
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

	stop := make(chan struct{})
	var writes, reads atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := st.Apply(ctx, store.Changes{Now: sitetest.FixtureNow, Articles: set.Articles}); err != nil {
				t.Errorf("write: %v", err)
				return
			}
			writes.Add(1)
		}
	}()
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
				list, err := st.Latest(ctx, view, 100, 0)
				if err != nil {
					t.Errorf("read: %v", err)
					return
				}
				if len(list) != len(want) {
					t.Errorf("read %d articles in the middle of a write, want %d", len(list), len(want))
					return
				}
				if _, err := st.Article(ctx, view, "pratique", "retraite"); err != nil {
					t.Errorf("read article: %v", err)
					return
				}
				reads.Add(1)
			}
		}()
	}
	// Enough overlap to matter, bounded in time on a loaded machine.
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if writes.Load() >= 10 && reads.Load() >= 100 {
			break
		}
	}
	close(stop)
	wg.Wait()
	if writes.Load() < 3 || reads.Load() < 30 {
		t.Errorf("too little happened to prove anything: %d writes, %d reads", writes.Load(), reads.Load())
	}
	t.Logf("%d writes, %d reads, no error", writes.Load(), reads.Load())
}
