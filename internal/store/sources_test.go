package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/store"
)

func TestSources(t *testing.T) {
	a := art("monde", "a", at(1, 9))
	a.Sources = []content.Source{{Title: "Cleiss", URL: "https://www.cleiss.fr/"}, {Title: "Légifrance", URL: "https://www.legifrance.gouv.fr/"}}
	st := seeded(t, a, art("monde", "b", at(2, 9)))
	ctx, v := context.Background(), store.View{Now: at(30, 0)}
	got, err := st.Article(ctx, v, "monde", "a")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Sources, a.Sources) {
		t.Errorf("sources = %q, want %q in the editor's order", got.Sources, a.Sources)
	}
	if b, err := st.Article(ctx, v, "monde", "b"); err != nil || b.Sources != nil {
		t.Errorf("article without sources: %q, %v", b.Sources, err)
	}

	// A new version of the file replaces the list; it does not add to it.
	a.Hash, a.Sources = "h-a2", a.Sources[1:]
	apply(t, st, store.Changes{Articles: []content.Article{a}})
	got, err = st.Article(ctx, v, "monde", "a")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Sources, a.Sources) {
		t.Errorf("sources after an edit = %q, want %q", got.Sources, a.Sources)
	}
}
