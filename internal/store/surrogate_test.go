package store_test

import (
	"context"
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
