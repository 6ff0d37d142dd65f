package sitetest

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/store"
)

// Syncer is ingest without the server: a new database in t.TempDir() and
// a syncer of the content folder dir writing to it, its clock at
// FixtureNow, both closed when the test ends. No pass has run yet.
func Syncer(t testing.TB, dir string) (*store.Store, *ingest.Syncer) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "site.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	s, err := ingest.New(ctx, root.FS(), st, slog.New(slog.DiscardHandler), func() time.Time { return FixtureNow })
	if err != nil {
		t.Fatal(err)
	}
	return st, s
}
