package corpus

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/ingest"
)

func TestWriteIsValidAndRealistic(t *testing.T) {
	dir := t.TempDir()
	const n = 400
	if err := Generate(dir, n, 7); err != nil {
		t.Fatal(err)
	}
	set, err := ingest.CheckDir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range set.Problems {
		t.Errorf("problem in generated content: %s", p)
	}
	if len(set.Articles) != n {
		t.Fatalf("got %d articles, want %d", len(set.Articles), n)
	}
	if len(set.Categories) != len(categories) {
		t.Errorf("got %d categories, want %d", len(set.Categories), len(categories))
	}
	var drafts, scheduled, aliased, linked int
	for _, a := range set.Articles {
		if a.Draft {
			drafts++
		}
		if a.Date.After(Reference) {
			scheduled++
		}
		if len(a.Aliases) > 0 {
			aliased++
		}
		if len(a.Links) > 0 {
			linked++
		}
		if len(a.Tags) < 2 || len(a.Tags) > 5 {
			t.Errorf("%s: %d tags, want 2 to 5", a.Path, len(a.Tags))
		}
		if a.Date.Before(Reference.AddDate(-Years, 0, -1)) {
			t.Errorf("%s: date %s is older than %d years", a.Path, a.Date, Years)
		}
	}
	if drafts == 0 || scheduled == 0 || aliased == 0 || linked == 0 {
		t.Errorf("want some drafts, scheduled, aliased and linking articles; got %d, %d, %d, %d", drafts, scheduled, aliased, linked)
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == content.CategoryFile || !strings.HasSuffix(p, ".md") {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Size() < 2000 || info.Size() > 8500 {
			t.Errorf("%s: %d bytes, want 2 to 8 KB", p, info.Size())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWriteIsDeterministic(t *testing.T) {
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	for _, w := range []struct {
		dir  string
		seed int64
	}{{a, 3}, {b, 3}, {c, 4}} {
		if err := Generate(w.dir, 50, w.seed); err != nil {
			t.Fatal(err)
		}
	}
	if !sameTree(t, a, b) {
		t.Error("same seed gave different files")
	}
	if sameTree(t, a, c) {
		t.Error("different seeds gave the same files")
	}
}

func TestWriteRefusesExistingContent(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, content.SiteFile), []byte("title: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Generate(dir, 1, 1); err == nil {
		t.Fatal("Generate overwrote an existing content folder")
	}
}

func TestTagLabels(t *testing.T) {
	seen := map[string]bool{}
	for _, l := range tagLabels() {
		seen[content.Slugify(l)] = true
	}
	if len(seen) != TagCount {
		t.Errorf("got %d distinct tag slugs, want %d", len(seen), TagCount)
	}
}

// sameTree reports whether two folders hold the same files with the same bytes.
func sameTree(t *testing.T, a, b string) bool {
	t.Helper()
	read := func(root string) map[string][]byte {
		m := map[string][]byte{}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			m[rel], err = os.ReadFile(p)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	ma, mb := read(a), read(b)
	if len(ma) != len(mb) {
		return false
	}
	for k, v := range ma {
		if !bytes.Equal(v, mb[k]) {
			return false
		}
	}
	return true
}
