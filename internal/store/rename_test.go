package store_test

import (
	"context"
	"testing"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/search"
	"github.com/horizons-expat/site/internal/store"
)

// TestKeptRename: a file renamed and broken in one pass moves its stored
// version, unchanged, to its new URL, even when the URL it leaves is taken
// by another article of the same change.
func TestKeptRename(t *testing.T) {
	ctx, v := context.Background(), store.View{Now: at(30, 0)}
	a, b := art("monde", "un", at(1, 9)), art("monde", "deux", at(2, 9))
	st := seeded(t, a, b)

	// a.md becomes pratique/deux.md (broken: kept as it was); b takes
	// a's former URL by its new front matter slug.
	b.Slug, b.Hash = "un", "h-deux-2"
	apply(t, st, store.Changes{
		Renames:  []store.Rename{{From: "monde/un.md", To: "pratique/deux.md", Category: "pratique", Slug: "deux"}},
		Articles: []content.Article{b},
	})
	got, err := st.Article(ctx, v, "pratique", "deux")
	if err != nil || got.Path != "pratique/deux.md" || got.Title != "Titre un" || got.CategoryTitle != "Vie pratique" {
		t.Fatalf("/pratique/deux = %+v, %v; want the last version of monde/un.md, now pratique/deux.md", got, err)
	}
	if got, err := st.Article(ctx, v, "monde", "un"); err != nil || got.Path != "monde/deux.md" {
		t.Errorf("/monde/un = %s, %v; want monde/deux.md", got.Path, err)
	}
	// Each former URL leads to its article, except one now live.
	if to, err := st.Redirect(ctx, v, "/monde/deux"); err != nil || to != "/monde/un" {
		t.Errorf("Redirect(/monde/deux) = %q, %v", to, err)
	}
	moves, err := st.Moves(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range moves {
		if m.From == "/monde/un" {
			t.Errorf("a live URL is remembered as a former one: %+v", m)
		}
	}
	// Found by search in its new rubrique.
	list, n, err := st.Search(ctx, v, search.Parse("vie pratique corps un"), 10, 0)
	if err != nil || n != 1 || list[0].Path != "pratique/deux.md" {
		t.Errorf("search: %d results %v, %v", n, slugs(list), err)
	}
}
