package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/store"
)

// TestSurrogateKeys checks that the keys of a set of files name each of
// their articles, categories and tags exactly once, and nothing of the
// articles not asked about.
func TestSurrogateKeys(t *testing.T) {
	st := open(t, dbPath(t))
	apply(t, st, store.Changes{Site: &site, Categories: categories, Articles: []content.Article{
		art("pratique", "retraite", at(20, 9), "Retraite", "Sécurité sociale"),
		art("pratique", "impots", at(21, 9), "Retraite", "Impôts"),
		art("monde", "sans-tag", at(22, 9)),
		art("monde", "autre", at(23, 9), "Visa"),
	}})
	ctx := context.Background()
	id := func(category, slug string) int64 {
		a, err := st.Article(ctx, store.View{Now: at(30, 12)}, category, slug)
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	got, err := st.SurrogateKeys(ctx, []string{"pratique/retraite.md", "pratique/impots.md", "monde/sans-tag.md", "monde/absent.md"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		store.ArticleKey(id("pratique", "retraite")), store.ArticleKey(id("pratique", "impots")), store.ArticleKey(id("monde", "sans-tag")),
		store.CategoryKey("monde"), store.CategoryKey("pratique"),
		store.TagKey("impots"), store.TagKey("retraite"), store.TagKey("securite-sociale"),
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("keys = %q, want %q", got, want)
	}
	if keys, err := st.SurrogateKeys(ctx, []string{"monde/absent.md"}); err != nil || keys != nil {
		t.Errorf("keys of a missing file = %q, %v; want none", keys, err)
	}
}

// TestSurrogateKeysManyPaths checks that a pass changing more files than
// SQLite binds variables in one statement (32,766) still gets its keys: a
// first start on a large archive or a big pull does.
func TestSurrogateKeysManyPaths(t *testing.T) {
	st := open(t, dbPath(t))
	apply(t, st, store.Changes{Site: &site, Categories: categories, Articles: []content.Article{
		art("pratique", "retraite", at(20, 9), "Retraite"),
		art("monde", "autre", at(23, 9)),
	}})
	const n = 40_000
	paths := make([]string, 0, n)
	for i := range n - 2 {
		paths = append(paths, fmt.Sprintf("monde/absent-%d.md", i))
	}
	paths = append(paths, "pratique/retraite.md", "monde/autre.md")
	got, err := st.SurrogateKeys(context.Background(), paths)
	if err != nil {
		t.Fatal(err)
	}
	// Two articles, two categories, one tag.
	if len(got) != 5 || !slices.Contains(got, store.TagKey("retraite")) || !slices.Contains(got, store.CategoryKey("monde")) {
		t.Errorf("keys = %q, want the two articles', their categories and one tag", got)
	}
}

// TestLongIDLists checks the queries that take a list of article ids with
// more ids than SQLite binds variables, in the order asked.
func TestLongIDLists(t *testing.T) {
	st := open(t, dbPath(t))
	apply(t, st, store.Changes{Site: &site, Categories: categories, Articles: []content.Article{
		art("pratique", "retraite", at(20, 9), "Retraite", "Impôts"),
		art("monde", "autre", at(23, 9)),
	}})
	ctx := context.Background()
	a, err := st.Article(ctx, store.View{Now: at(30, 12)}, "pratique", "retraite")
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.Article(ctx, store.View{Now: at(30, 12)}, "monde", "autre")
	if err != nil {
		t.Fatal(err)
	}
	ids := []int64{b.ID, a.ID}
	for i := range int64(40_000) {
		ids = append(ids, 1_000_000+i)
	}
	tags, err := st.ArticleTags(ctx, ids...)
	if err != nil {
		t.Fatal(err)
	}
	if len(tags) != 1 || len(tags[a.ID]) != 2 || tags[a.ID][0].Slug != "retraite" || tags[a.ID][1].Slug != "impots" {
		t.Errorf("tags = %v, want retraite and impots for article %d only", tags, a.ID)
	}
	list, err := st.SearchResults(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != b.ID || list[1].ID != a.ID {
		t.Errorf("results = %d articles, want %d then %d", len(list), b.ID, a.ID)
	}
}
