package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/store"
)

// TestIndexFromSavedValues holds the search index that Apply builds from
// the articles it saves (without reading them back) to the one a rebuild
// reads from the saved rows: same terms in every column, same visibility,
// same vocabulary counts, after a first load and after edits that change
// tags, visibility, text and rubrique.
func TestIndexFromSavedValues(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, st *store.Store) {
		t.Helper()
		built, err := st.SearchIndexDump(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(built) == 0 {
			t.Fatal("empty index")
		}
		if err := st.RebuildSearchIndex(ctx); err != nil {
			t.Fatal(err)
		}
		rebuilt, err := st.SearchIndexDump(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(built, rebuilt) {
			for i := range max(len(built), len(rebuilt)) {
				var b, r string
				if i < len(built) {
					b = built[i]
				}
				if i < len(rebuilt) {
					r = rebuilt[i]
				}
				if b != r {
					t.Errorf("row %d:\n built   %q\n rebuilt %q", i, b, r)
				}
			}
		}
	}

	many := make([]content.Article, 0, 300) // more than the analysis runs ahead
	for i := range 300 {
		a := art([]string{"monde", "pratique"}[i%2], "article-"+itoa(i), at(1+i%25, 9), "Santé", "visa "+itoa(i%7), "Élections")
		a.Summary = "Résumé n° " + itoa(i) + " : l’été des démarches."
		a.BodyText = "Les préfectures ouvrent leurs guichets ; les délais s’allongent. Numéro " + itoa(i)
		a.Draft = i%11 == 0
		if i%13 == 0 {
			a.Expires = at(28, 0)
		}
		many = append(many, a)
	}
	st := seeded(t, many...)
	t.Run("first load", func(t *testing.T) { check(t, st) })

	edited := slices.Clone(many[:40])
	for i := range edited {
		a := &edited[i]
		a.Hash += "-v2"
		a.Tags = a.Tags[1:]
		a.Draft = !a.Draft
		a.BodyText = "Texte remanié : consulats et écoles françaises. " + itoa(i)
		if i%3 == 0 {
			a.Category = "monde"
			a.Expires = time.Time{}
		}
	}
	apply(t, st, store.Changes{Articles: append(edited, art("monde", "nouveau", at(29, 8), "Nouveau"))})
	t.Run("after edits", func(t *testing.T) { check(t, st) })

	renamed := categories[1]
	renamed.Title, renamed.Hash = "Démarches", "c2-v2"
	apply(t, st, store.Changes{Categories: []content.Category{renamed}, Articles: []content.Article{art("pratique", "encore", at(29, 9))}})
	t.Run("rubrique renamed", func(t *testing.T) { check(t, st) })
}
