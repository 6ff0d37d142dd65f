package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/horizons-expat/site/internal/content"

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

func TestCovers(t *testing.T) {
	a, b, c := art("monde", "a", at(1, 9)), art("monde", "b", at(2, 9)), art("monde", "c", at(3, 9))
	a.Image, a.ImageFocus = "/media/une.jpg", "top"
	b.Image = "/media/une.jpg"
	c.Image = "https://exemple.fr/x.jpg"
	st := seeded(t, a, b, c)
	got, err := st.Covers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Cover{{Image: "/media/une.jpg"}, {Image: "/media/une.jpg", Focus: "top"}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("covers %+v, want %+v", got, want)
	}
}

func TestBodyImages(t *testing.T) {
	a, b := art("monde", "a", at(1, 9)), art("monde", "b", at(2, 9))
	a.Images = []string{"media/x.jpg", "monde/a/y.png"}
	b.Images = []string{"media/x.jpg"}
	st := seeded(t, a, b)
	got, err := st.BodyImages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != "media/x.jpg monde/a/y.png" {
		t.Errorf("body images %q", got)
	}
	a.Images, a.Hash = nil, "h2"
	apply(t, st, store.Changes{Articles: []content.Article{a}})
	if got, _ := st.BodyImages(context.Background()); strings.Join(got, " ") != "media/x.jpg" {
		t.Errorf("after an edit: %q", got)
	}
}

func TestUncovered(t *testing.T) {
	old, recent, covered := art("monde", "ancien", at(1, 9)), art("monde", "recent", at(20, 9)), art("monde", "couvert", at(21, 9))
	covered.Image, covered.ImageWidth, covered.ImageHeight = "/media/x.jpg", 10, 10
	st := seeded(t, old, recent, covered)
	got, err := st.Uncovered(context.Background(), at(10, 0), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Title != "Titre recent" || got[0].Section != "Monde" || len(got[0].IDs) != 1 {
		t.Errorf("uncovered %+v", got)
	}
	if id := articleID(t, st, "monde", "recent"); got[0].IDs[0] != id {
		t.Errorf("uncovered id %d, want %d", got[0].IDs[0], id)
	}
}

// TestImageArticles: the articles that show an image, as their cover or
// in their text, are those whose pages are purged when its variants are
// made.
func TestImageArticles(t *testing.T) {
	a, b, c, d := art("monde", "a", at(1, 9)), art("monde", "b", at(2, 9)), art("monde", "c", at(3, 9)), art("monde", "d", at(4, 9))
	a.Image = "/media/une.jpg"
	b.Images = []string{"media/une.jpg", "media/autre.png"}
	c.Images = []string{"media/autre.png"}
	st := seeded(t, a, b, c, d)
	ctx := context.Background()
	got, err := st.ImageArticles(ctx, []string{"media/une.jpg"})
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{articleID(t, st, "monde", "a"), articleID(t, st, "monde", "b")}
	if !slices.Equal(got, want) {
		t.Errorf("articles of une.jpg %v, want %v", got, want)
	}
	if got, _ := st.ImageArticles(ctx, []string{"media/absente.jpg"}); len(got) != 0 {
		t.Errorf("articles of a file nobody names: %v", got)
	}
}

func articleID(t *testing.T, st *store.Store, category, slug string) int64 {
	t.Helper()
	a, err := st.Article(context.Background(), store.View{Now: at(30, 0)}, category, slug)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}
