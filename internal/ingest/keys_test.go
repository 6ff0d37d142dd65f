package ingest_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/sitetest"
	"github.com/horizons-expat/site/internal/store"
)

// TestChangedKeys checks that a pass names the surrogate keys of every page
// it changed, before and after, so that shared caches purge exactly those.
func TestChangedKeys(t *testing.T) {
	dir, st, s, got := keysSyncer(t)
	ctx := context.Background()
	retraite := entryID(t, st, "pratique/retraite.md")

	// Moving the article to another category with other tags: both the old
	// and the new category and tags must be purged.
	write(t, filepath.Join(dir, "pratique", "retraite.md"), "---\ntitle: Retraite\ndate: 2024-11-20\ntags: [pension]\n---\n\nTexte.\n")
	if _, err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if len(*got) != 1 {
		t.Fatalf("got %d key sets, want 1", len(*got))
	}
	keys := (*got)[0]
	for _, want := range []string{store.ArticleKey(retraite), "c-pratique", "t-retraite", "t-securite-sociale", "t-pension",
		store.AuthorKey("camille-martin"), store.AuthorKey("la-redaction"),
		store.KeyHome, store.KeyLatest, store.KeyFeeds, store.KeySitemap, store.KeySearch} {
		if !slices.Contains(keys, want) {
			t.Errorf("keys %v lack %q", keys, want)
		}
	}
	if slices.Contains(keys, store.KeySite) {
		t.Errorf("an article edit must not purge every page: %v", keys)
	}

	// The same article, its text alone edited: only the pages that show
	// it (they carry its key), and feeds, sitemaps and search results.
	*got = nil
	write(t, filepath.Join(dir, "pratique", "retraite.md"), "---\ntitle: Retraite\ndate: 2024-11-20\ntags: [pension]\n---\n\nTexte corrigé.\n")
	if _, err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if want := []string{store.ArticleKey(retraite), store.KeyFeeds, store.KeySearch, store.KeySitemap}; len(*got) != 1 || !slices.Equal((*got)[0], want) {
		t.Errorf("keys of an edit in place = %v, want %v", *got, want)
	}
	// Its title, its date, its tags or its visibility move it in lists,
	// or change its namesakes' titles: every list it was or is in.
	for _, front := range []string{
		"title: Retraite anticipée\ndate: 2024-11-20\ntags: [pension]",
		"title: Retraite anticipée\ndate: 2024-11-21\ntags: [pension]",
		"title: Retraite anticipée\ndate: 2024-11-21\ntags: [pension, impots]",
		"title: Retraite anticipée\ndate: 2024-11-21\ntags: [pension, impots]\ndraft: true",
	} {
		*got = nil
		write(t, filepath.Join(dir, "pratique", "retraite.md"), "---\n"+front+"\n---\n\nTexte corrigé.\n")
		if _, err := s.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if len(*got) != 1 || !slices.Contains((*got)[0], "c-pratique") || !slices.Contains((*got)[0], "t-pension") || !slices.Contains((*got)[0], store.KeyHome) {
			t.Errorf("front matter %q: keys %v, want its category, tags and the home page", front, *got)
		}
	}

	// A category's settings show in every page's menu.
	*got = nil
	write(t, filepath.Join(dir, "monde", "_index.md"), "---\ntitle: Le monde\nweight: 10\n---\n")
	if _, err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if len(*got) != 1 || !slices.Contains((*got)[0], store.KeySite) {
		t.Errorf("category change keys = %v, want %q", *got, store.KeySite)
	}

	// An author's file shows on their page and feeds only.
	*got = nil
	write(t, filepath.Join(dir, "auteurs", "camille-martin.md"), "---\nname: Camille Martin\nrole: Reporter\n---\n")
	if _, err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if len(*got) != 1 || !slices.Equal((*got)[0], []string{store.AuthorKey("camille-martin")}) {
		t.Errorf("author file change keys = %v, want only %q", *got, store.AuthorKey("camille-martin"))
	}

	// Nothing changed: nothing to purge.
	*got = nil
	if _, err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if len(*got) != 0 {
		t.Errorf("a pass that changed nothing purged %v", *got)
	}
}

// TestMoveAcrossCategoriesPurgesBoth checks that moving an article file to
// another rubrique (git mv) purges the pages of both: the old rubrique's
// listing showed the article until the move.
func TestMoveAcrossCategoriesPurgesBoth(t *testing.T) {
	dir, st, s, got := keysSyncer(t)
	ctx := context.Background()
	retraite := entryID(t, st, "pratique/retraite.md")
	if err := os.Rename(filepath.Join(dir, "pratique", "retraite.md"), filepath.Join(dir, "monde", "retraite.md")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if moved := entryID(t, st, "monde/retraite.md"); moved != retraite {
		t.Fatalf("the move made a new article (a%d, was a%d): not a rename", moved, retraite)
	}
	if len(*got) != 1 {
		t.Fatalf("got %d key sets, want 1", len(*got))
	}
	keys := (*got)[0]
	for _, want := range []string{store.ArticleKey(retraite), "c-pratique", "c-monde", "t-retraite", "t-securite-sociale",
		store.KeyHome, store.KeyLatest, store.KeyFeeds, store.KeySitemap} {
		if !slices.Contains(keys, want) {
			t.Errorf("keys %v lack %q", keys, want)
		}
	}
}

// keysSyncer syncs a copy of the fixture once and returns the folder, the
// store, the syncer and the key sets that later passes report.
func keysSyncer(t *testing.T) (string, *store.Store, *ingest.Syncer, *[][]string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "content")
	sitetest.CopyDir(t, sitetest.Fixture(), dir)
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
	s, err := ingest.New(ctx, root.FS(), st, slog.New(slog.DiscardHandler), func() time.Time { return sitetest.FixtureNow })
	if err != nil {
		t.Fatal(err)
	}
	got := new([][]string)
	s.OnChangeKeys(func(keys []string) { *got = append(*got, keys) })
	if _, err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	*got = nil
	return dir, st, s, got
}

func entryID(t *testing.T, st *store.Store, path string) int64 {
	t.Helper()
	keys, err := st.SurrogateKeys(context.Background(), []string{path})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		var id int64
		if n, _ := fmt.Sscanf(k, "a%d", &id); n == 1 {
			return id
		}
	}
	t.Fatalf("no article key for %s in %v", path, keys)
	return 0
}

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	// The stat-based skip compares size and modification time: make sure
	// the time moves even on coarse clocks.
	future := time.Now().Add(time.Duration(len(body)) * time.Millisecond)
	os.Chtimes(path, future, future)
}
