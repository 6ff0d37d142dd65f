package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/sitetest"
	"github.com/horizons-expat/site/internal/store"
)

// TestChangeReported checks that a pass reports what it changed as facts
// of the content, before and after: where each article it touched stood
// and stands, which ones were only edited in place, whether the site-wide
// settings changed, which author files changed. (Which pages that names is
// the web's mapping, tested there.)
func TestChangeReported(t *testing.T) {
	dir, st, s, got := changeSyncer(t)
	ctx := context.Background()
	retraite := entryID(t, st, "pratique/retraite.md")
	stored := store.ArticlePlace{ID: retraite, Category: "pratique", Tags: []string{"retraite", "securite-sociale"}, Authors: []string{"camille-martin", "la-redaction"}}
	retagged := store.ArticlePlace{ID: retraite, Category: "pratique", Tags: []string{"pension"}}
	sync := func(t *testing.T) ingest.Change {
		t.Helper()
		*got = nil
		if _, err := s.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if len(*got) != 1 {
			t.Fatalf("got %d changes, want 1: %+v", len(*got), *got)
		}
		if (*got)[0].Generation != st.Generation() {
			t.Errorf("change of generation %d, the store is at %d", (*got)[0].Generation, st.Generation())
		}
		c := (*got)[0]
		c.Generation = 0
		return c
	}

	// Other tags, no authors: both sides, with the old tags and authors.
	write(t, filepath.Join(dir, "pratique", "retraite.md"), "---\ntitle: Retraite\ndate: 2024-11-20\ntags: [pension]\n---\n\nTexte.\n")
	if c, want := sync(t), (ingest.Change{Listed: ingest.Places{Before: []store.ArticlePlace{stored}, After: []store.ArticlePlace{retagged}}}); !reflect.DeepEqual(c, want) {
		t.Errorf("retagged: change %+v, want %+v", c, want)
	}

	// The same article, its text alone edited: in place.
	write(t, filepath.Join(dir, "pratique", "retraite.md"), "---\ntitle: Retraite\ndate: 2024-11-20\ntags: [pension]\n---\n\nTexte corrigé.\n")
	if c, want := sync(t), (ingest.Change{Edited: ingest.Places{Before: []store.ArticlePlace{retagged}, After: []store.ArticlePlace{retagged}}}); !reflect.DeepEqual(c, want) {
		t.Errorf("edited in place: change %+v, want %+v", c, want)
	}
	// In place, with an author: only the authors differ.
	withAuthor := retagged
	withAuthor.Authors = []string{"camille-martin"}
	write(t, filepath.Join(dir, "pratique", "retraite.md"), "---\ntitle: Retraite\ndate: 2024-11-20\ntags: [pension]\nauthors: [Camille Martin]\n---\n\nTexte corrigé.\n")
	if c, want := sync(t), (ingest.Change{Edited: ingest.Places{Before: []store.ArticlePlace{retagged}, After: []store.ArticlePlace{withAuthor}}}); !reflect.DeepEqual(c, want) {
		t.Errorf("author added in place: change %+v, want %+v", c, want)
	}

	// Its title, its date, its tags or its visibility move it in lists,
	// or change its namesakes' titles: listed, not in place.
	before := withAuthor
	for _, tc := range []struct{ front, tags string }{
		{"title: Retraite anticipée\ndate: 2024-11-20\ntags: [pension]", "pension"},
		{"title: Retraite anticipée\ndate: 2024-11-21\ntags: [pension]", "pension"},
		{"title: Retraite anticipée\ndate: 2024-11-21\ntags: [pension, impots]", "impots pension"},
		{"title: Retraite anticipée\ndate: 2024-11-21\ntags: [pension, impots]\ndraft: true", "impots pension"},
	} {
		write(t, filepath.Join(dir, "pratique", "retraite.md"), "---\n"+tc.front+"\nauthors: [Camille Martin]\n---\n\nTexte corrigé.\n")
		after := store.ArticlePlace{ID: retraite, Category: "pratique", Tags: fields(tc.tags), Authors: []string{"camille-martin"}}
		if c, want := sync(t), (ingest.Change{Listed: ingest.Places{Before: []store.ArticlePlace{before}, After: []store.ArticlePlace{after}}}); !reflect.DeepEqual(c, want) {
			t.Errorf("front matter %q: change %+v, want %+v", tc.front, c, want)
		}
		before = after
	}

	// A category's settings show in every page's menu.
	write(t, filepath.Join(dir, "monde", "_index.md"), "---\ntitle: Le monde\nweight: 10\n---\n")
	if c, want := sync(t), (ingest.Change{Site: true}); !reflect.DeepEqual(c, want) {
		t.Errorf("category change: %+v, want %+v", c, want)
	}

	// An author's file: that author alone.
	write(t, filepath.Join(dir, "auteurs", "camille-martin.md"), "---\nname: Camille Martin\nrole: Reporter\n---\n")
	if c, want := sync(t), (ingest.Change{Authors: []string{"camille-martin"}}); !reflect.DeepEqual(c, want) {
		t.Errorf("author file change: %+v, want %+v", c, want)
	}

	// The article deleted: its last place, before only.
	if err := os.Remove(filepath.Join(dir, "pratique", "retraite.md")); err != nil {
		t.Fatal(err)
	}
	if c, want := sync(t), (ingest.Change{Listed: ingest.Places{Before: []store.ArticlePlace{before}}}); !reflect.DeepEqual(c, want) {
		t.Errorf("deleted: change %+v, want %+v", c, want)
	}

	// Nothing changed that readers see: a pass may still write file
	// records (the files just written are hashed again), and reports that
	// it changed nothing.
	*got = nil
	if _, err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range *got {
		if c.Generation == 0 || !reflect.DeepEqual(c, ingest.Change{Generation: c.Generation}) {
			t.Errorf("a pass that changed nothing reported %+v", c)
		}
	}
}

// TestMoveAcrossCategoriesReportsBoth checks that moving an article file
// to another rubrique (git mv) reports the same article in both: the old
// rubrique's listing showed it until the move.
func TestMoveAcrossCategoriesReportsBoth(t *testing.T) {
	dir, st, s, got := changeSyncer(t)
	ctx := context.Background()
	retraite := entryID(t, st, "pratique/retraite.md")
	if err := os.Rename(filepath.Join(dir, "pratique", "retraite.md"), filepath.Join(dir, "monde", "retraite.md")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if moved := entryID(t, st, "monde/retraite.md"); moved != retraite {
		t.Fatalf("the move made a new article (%d, was %d): not a rename", moved, retraite)
	}
	if len(*got) != 1 {
		t.Fatalf("got %d changes, want 1", len(*got))
	}
	tags, authors := []string{"retraite", "securite-sociale"}, []string{"camille-martin", "la-redaction"}
	want := ingest.Places{
		Before: []store.ArticlePlace{{ID: retraite, Category: "pratique", Tags: tags, Authors: authors}},
		After:  []store.ArticlePlace{{ID: retraite, Category: "monde", Tags: tags, Authors: authors}},
	}
	if c := (*got)[0]; !reflect.DeepEqual(c.Listed, want) || c.Edited.Before != nil || c.Edited.After != nil || c.Site {
		t.Errorf("change %+v, want listed %+v and nothing else", c, want)
	}
}

// changeSyncer syncs a copy of the fixture once and returns the folder,
// the store, the syncer and the changes that later passes report.
func changeSyncer(t *testing.T) (string, *store.Store, *ingest.Syncer, *[]ingest.Change) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "content")
	sitetest.CopyDir(t, sitetest.Fixture(), dir)
	ctx := context.Background()
	st, s := sitetest.Syncer(t, dir)
	got := new([]ingest.Change)
	s.OnChange(func(c ingest.Change) { *got = append(*got, c) })
	if _, err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	*got = nil
	return dir, st, s, got
}

// entryID is the id of the article stored for the file at path.
func entryID(t *testing.T, st *store.Store, path string) int64 {
	t.Helper()
	places, err := st.Places(context.Background(), []string{path})
	if err != nil {
		t.Fatal(err)
	}
	if len(places) != 1 {
		t.Fatalf("places of %s = %+v, want one article", path, places)
	}
	return places[0].ID
}

func fields(s string) []string {
	var out []string
	for f := range strings.FieldsSeq(s) {
		out = append(out, f)
	}
	return out
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
