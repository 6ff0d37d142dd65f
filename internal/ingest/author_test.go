package ingest_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/horizons-expat/site/internal/sitetest"
	"github.com/horizons-expat/site/internal/store"
)

// TestAuthorFiles: an author's file is read, a broken one keeps its last
// good version online and says why, a deleted one leaves the author with
// the name their articles give.
func TestAuthorFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "content")
	sitetest.CopyDir(t, sitetest.Fixture(), dir)
	ctx := context.Background()
	st, s := sitetest.Syncer(t, dir)
	sync := func() {
		t.Helper()
		if _, err := s.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	v := store.View{Now: sitetest.FixtureNow}
	role := func() string {
		t.Helper()
		au, err := st.Author(ctx, v, "camille-martin")
		if err != nil {
			t.Fatal(err)
		}
		return au.Role
	}
	sync()
	if got := role(); got != "Journaliste, vie pratique" {
		t.Fatalf("role %q, want the file's", got)
	}
	if au, err := st.AuthorFile(ctx, "camille-martin"); err != nil || au.Role != "Journaliste, vie pratique" {
		t.Errorf("AuthorFile = %+v, %v; want the file", au, err)
	}

	file := filepath.Join(dir, "auteurs", "camille-martin.md")
	write(t, file, "---\nname: Camille Dupont\nrole: Autre\n---\n")
	sync()
	if got := role(); got != "Journaliste, vie pratique" {
		t.Errorf("role %q after a bad edit, want the last good one", got)
	}
	var found bool
	for _, p := range s.Status().Problems {
		found = found || strings.HasPrefix(p.String(), "auteurs/camille-martin.md:2: le nom « Camille Dupont » ne correspond pas au fichier")
	}
	if !found {
		t.Errorf("problems %v lack the name mismatch", s.Status().Problems)
	}

	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	sync()
	au, err := st.Author(ctx, v, "camille-martin")
	if err != nil || au.Name != "Camille Martin" || au.Role != "" {
		t.Errorf("author without file = %+v, %v; want the name of their article", au, err)
	}
	if _, err := st.AuthorFile(ctx, "camille-martin"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AuthorFile of an author without file: %v, want ErrNotFound", err)
	}
	if _, err := st.Author(ctx, v, "personne"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown author: %v, want ErrNotFound", err)
	}
}
