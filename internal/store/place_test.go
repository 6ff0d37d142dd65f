package store_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/store"
)

// TestPlaces checks that the places of a set of files give each of their
// articles once, with its rubrique, tags and authors (sorted), and nothing
// of the articles not asked about.
func TestPlaces(t *testing.T) {
	st := open(t, dbPath(t))
	retraite := art("pratique", "retraite", at(20, 9), "Sécurité sociale", "Retraite")
	retraite.Authors = []string{"Camille Martin", "La Rédaction"}
	apply(t, st, store.Changes{Site: &site, Categories: categories, Articles: []content.Article{
		retraite,
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
	// A path asked twice, as both sides of a move may be, and a path with
	// no article.
	got, err := st.Places(ctx, []string{"pratique/retraite.md", "pratique/impots.md", "monde/sans-tag.md", "monde/absent.md", "pratique/retraite.md"})
	if err != nil {
		t.Fatal(err)
	}
	want := []store.ArticlePlace{
		{ID: id("pratique", "retraite"), Category: "pratique", Tags: []string{"retraite", "securite-sociale"}, Authors: []string{"camille-martin", "la-redaction"}},
		{ID: id("pratique", "impots"), Category: "pratique", Tags: []string{"impots", "retraite"}},
		{ID: id("monde", "sans-tag"), Category: "monde"},
	}
	slices.SortFunc(want, func(a, b store.ArticlePlace) int { return int(a.ID - b.ID) })
	if !reflect.DeepEqual(got, want) {
		t.Errorf("places = %+v, want %+v", got, want)
	}
	if places, err := st.Places(ctx, []string{"monde/absent.md"}); err != nil || places != nil {
		t.Errorf("places of a missing file = %+v, %v; want none", places, err)
	}
}

// TestPlacesManyPaths checks that a pass changing more files than SQLite
// binds variables in one statement (32,766) still gets their places: a
// first start on a large archive or a big pull does.
func TestPlacesManyPaths(t *testing.T) {
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
	got, err := st.Places(context.Background(), paths)
	if err != nil {
		t.Fatal(err)
	}
	// Two articles, in two categories, one of them with a tag.
	if len(got) != 2 || !slices.ContainsFunc(got, func(p store.ArticlePlace) bool {
		return p.Category == "pratique" && slices.Equal(p.Tags, []string{"retraite"})
	}) || !slices.ContainsFunc(got, func(p store.ArticlePlace) bool { return p.Category == "monde" && p.Tags == nil }) {
		t.Errorf("places = %+v, want the two articles with their categories and one tag", got)
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

// BenchmarkPlaces reads the places of every article of a large site at
// once, as the pass after a first start does (every path is new): 10,000
// articles with two tags and an author each.
func BenchmarkPlaces(b *testing.B) {
	st := open(b, dbPath(b))
	const n = 10_000
	arts := make([]content.Article, 0, n)
	paths := make([]string, 0, n)
	for i := range n {
		a := art(categories[i%len(categories)].Slug, fmt.Sprintf("article-%05d", i), at(1+i%28, 9), fmt.Sprintf("Sujet %d", i%50), "Retraite")
		a.Authors = []string{fmt.Sprintf("Auteur %d", i%20)}
		arts = append(arts, a)
		paths = append(paths, a.Path)
	}
	apply(b, st, store.Changes{Site: &site, Categories: categories, Articles: arts})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		places, err := st.Places(ctx, paths)
		if err != nil {
			b.Fatal(err)
		}
		if len(places) != n {
			b.Fatalf("%d places, want %d", len(places), n)
		}
	}
}
