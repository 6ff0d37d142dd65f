package store_test

import (
	"context"
	"testing"

	"github.com/horizons-expat/site/internal/store"
)

// TestCoverFacts: what pages show of a cover is read at ingest and stored,
// so that a render reads no image file (issue 15, item 5).
func TestCoverFacts(t *testing.T) {
	a := art("monde", "une", at(1, 9))
	a.Image, a.ImageAlt = "/media/une.jpg", "La une"
	a.ImageCaption, a.ImageCredit, a.ImageFocus = "Une légende", "Horizons", "30% 40%"
	a.ImageWidth, a.ImageHeight = 4000, 3000
	st := seeded(t, a)
	view := store.View{Now: at(30, 0)}
	got, err := st.Article(context.Background(), view, "monde", "une")
	if err != nil {
		t.Fatal(err)
	}
	if got.ImageCaption != a.ImageCaption || got.ImageCredit != a.ImageCredit || got.ImageFocus != a.ImageFocus ||
		got.ImageWidth != 4000 || got.ImageHeight != 3000 {
		t.Errorf("article %+v", got.Article)
	}
	list, err := st.Latest(context.Background(), view, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ImageWidth != 4000 || list[0].ImageFocus != "30% 40%" {
		t.Errorf("cards %+v", list)
	}
}
