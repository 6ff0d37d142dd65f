package store_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/search"
	"github.com/horizons-expat/site/internal/store"
)

// findFixture is a store with a few articles in two rubriques, published
// at known dates before now.
type findFixture struct {
	t   *testing.T
	st  *store.Store
	now time.Time
}

func newFindFixture(t *testing.T) *findFixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "site.db"), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &findFixture{t: t, st: st, now: time.Date(2024, 11, 25, 12, 0, 0, 0, time.UTC)}
	f.apply(store.Changes{
		Categories: []content.Category{
			{Slug: "vie-pratique", Title: "Vie pratique", Path: "vie-pratique/_index.md"},
			{Slug: "monde", Title: "Monde", Path: "monde/_index.md"},
		},
		Articles: []content.Article{
			f.article("vie-pratique", "retraite", "Préparer sa retraite à l'étranger", 2, "La caisse de retraite et la sécurité sociale."),
			f.article("vie-pratique", "assurance", "L'assurance maladie des expatriés", 40, "Se soigner hors de France, la sécurité sociale."),
			f.article("monde", "espagne", "Vivre en Espagne", 100, "Madrid, Valence, Barcelone : le logement."),
			f.article("monde", "election", "L'élection américaine", 500, "Trump et les Français des États-Unis."),
		},
	})
	return f
}

func (f *findFixture) article(category, slug, title string, daysAgo int, body string) content.Article {
	return content.Article{Path: category + "/" + slug + ".md", Category: category, Slug: slug, Title: title,
		Date: f.now.Add(-time.Duration(daysAgo) * 24 * time.Hour), BodyText: body}
}

func (f *findFixture) apply(ch store.Changes) {
	f.t.Helper()
	ch.Now = f.now
	if err := f.st.Apply(context.Background(), ch); err != nil {
		f.t.Fatal(err)
	}
}

func (f *findFixture) find(r store.SearchRequest) store.SearchResults {
	f.t.Helper()
	if r.Limit == 0 {
		r.Limit = 10
	}
	res, err := f.st.Find(context.Background(), store.View{Now: f.now}, r)
	if err != nil {
		f.t.Fatalf("find %q: %v", r.Query.Text, err)
	}
	return res
}

func foundSlugs(list []store.Article) []string {
	var out []string
	for _, a := range list {
		out = append(out, a.Slug)
	}
	return out
}

func TestFind(t *testing.T) {
	f := newFindFixture(t)
	tests := []struct {
		name      string
		req       store.SearchRequest
		want      []string
		query     string // the query the results match, when not the reader's
		corrected bool
		partial   bool
		suggest   string
		anyOrder  bool // BM25's order on this tiny corpus is not the point
	}{
		{name: "exact word", req: store.SearchRequest{Query: search.Parse("retraite")}, want: []string{"retraite"}},
		{name: "typo corrected when nothing matches", req: store.SearchRequest{Query: search.Parse("retrate")},
			want: []string{"retraite"}, query: "retraite", corrected: true},
		{name: "accents restored in the correction", req: store.SearchRequest{Query: search.Parse("securte sociale")},
			want: []string{"assurance", "retraite"}, query: "sécurité sociale", corrected: true},
		{name: "no correction when exact", req: store.SearchRequest{Query: search.Parse("retrate"), Exact: true}},
		{name: "did you mean, when both find", req: store.SearchRequest{Query: search.Parse("retrate OR trump")},
			want: []string{"election"}, suggest: "retraite OR trump"},
		{name: "fall-back to the most words", req: store.SearchRequest{Query: search.Parse("retraite espagne")},
			want: []string{"espagne", "retraite"}, partial: true, anyOrder: true},
		{name: "fall-back ranks the articles with more words first", req: store.SearchRequest{Query: search.Parse("sécurité sociale espagne")},
			want: []string{"assurance", "retraite", "espagne"}, partial: true},
		{name: "fall-back after a correction", req: store.SearchRequest{Query: search.Parse("retrate espagne")},
			want: []string{"espagne", "retraite"}, query: "retraite espagne", corrected: true, partial: true, anyOrder: true},
		{name: "OR", req: store.SearchRequest{Query: search.Parse("retraite OR trump")}, want: []string{"election", "retraite"}, anyOrder: true},
		{name: "OU", req: store.SearchRequest{Query: search.Parse("trump OU madrid")}, want: []string{"election", "espagne"}, anyOrder: true},
		{name: "exclusion", req: store.SearchRequest{Query: search.Parse("sécurité -retraite")}, want: []string{"assurance"}},
		{name: "exclusion of everything", req: store.SearchRequest{Query: search.Parse("retraite -caisse")}},
		{name: "rubrique", req: store.SearchRequest{Query: search.Parse("le OR la OR et"), Category: "monde"}, want: []string{"election", "espagne"}, anyOrder: true},
		{name: "last month", req: store.SearchRequest{Query: search.Parse("sécurité sociale"), Period: store.LastMonth}, want: []string{"retraite"}},
		{name: "last year", req: store.SearchRequest{Query: search.Parse("le OR la OR et"), Period: store.LastYear}, want: []string{"assurance", "retraite", "espagne"}, anyOrder: true},
		{name: "by date", req: store.SearchRequest{Query: search.Parse("le OR la OR et"), ByDate: true}, want: []string{"retraite", "assurance", "espagne", "election"}},
		{name: "a typo under 4 letters stays", req: store.SearchRequest{Query: search.Parse("rtp")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := f.find(tt.req)
			got := foundSlugs(res.Articles)
			if tt.anyOrder {
				got = slices.Sorted(slices.Values(got))
				tt.want = slices.Sorted(slices.Values(tt.want))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("articles %v, want %v", got, tt.want)
			}
			if res.Total != len(tt.want) {
				t.Errorf("total %d, want %d", res.Total, len(tt.want))
			}
			query := tt.query
			if query == "" {
				query = tt.req.Query.Text
			}
			if res.Query.Text != query || res.Corrected != tt.corrected || res.Partial != tt.partial || res.Suggestion != tt.suggest {
				t.Errorf("query %q corrected %v partial %v suggestion %q; want %q %v %v %q",
					res.Query.Text, res.Corrected, res.Partial, res.Suggestion, query, tt.corrected, tt.partial, tt.suggest)
			}
		})
	}
}

// A period filter bounds how long the results hold: until the oldest
// article found leaves the period.
func TestFindValidUntil(t *testing.T) {
	f := newFindFixture(t)
	res := f.find(store.SearchRequest{Query: search.Parse("sécurité"), Period: store.LastMonth})
	if want := f.now.Add(-2 * 24 * time.Hour).Add(30 * 24 * time.Hour); !res.ValidUntil.Equal(want) {
		t.Errorf("ValidUntil %v, want %v", res.ValidUntil, want)
	}
	if res := f.find(store.SearchRequest{Query: search.Parse("sécurité")}); !res.ValidUntil.IsZero() {
		t.Errorf("no period: ValidUntil %v, want zero", res.ValidUntil)
	}
}

// The vocabulary, in the database and in memory, stays what a rebuild
// from nothing gives, through every kind of change.
func TestVocabularyFollowsChanges(t *testing.T) {
	f := newFindFixture(t)
	ctx := context.Background()
	check := func(stage string) {
		t.Helper()
		f.find(store.SearchRequest{Query: search.Parse("retrate")}) // loads the vocabulary if needed
		table, err := f.st.VocabularyTable(ctx)
		if err != nil {
			t.Fatal(err)
		}
		memory := f.st.VocabularyInMemory()
		if err := f.st.RebuildSearchIndex(ctx); err != nil {
			t.Fatal(err)
		}
		rebuilt, err := f.st.VocabularyTable(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(table, rebuilt) {
			t.Errorf("%s: vocabulary\n%v\nrebuilt:\n%v", stage, table, rebuilt)
		}
		if !slices.Equal(memory, table) {
			t.Errorf("%s: vocabulary in memory\n%v\nin the database:\n%v", stage, memory, table)
		}
	}
	check("first load")
	if res := f.find(store.SearchRequest{Query: search.Parse("mercossur")}); res.Total != 0 {
		t.Fatalf("mercossur found %v before any article has the word", foundSlugs(res.Articles))
	}
	f.find(store.SearchRequest{Query: search.Parse("retrate")}) // the vocabulary is in memory
	f.apply(store.Changes{Articles: []content.Article{f.article("monde", "mercosur", "Le Mercosur", 1, "Un accord commercial.")}})
	if res := f.find(store.SearchRequest{Query: search.Parse("mercossur")}); !res.Corrected || res.Query.Text != "Mercosur" {
		t.Errorf("after publishing, mercossur: %+v, want corrected to Mercosur (as the title writes it)", res.Query.Text)
	}
	check("article added")
	f.apply(store.Changes{Articles: []content.Article{f.article("vie-pratique", "retraite", "Préparer son départ", 2, "La caisse des Français.")}})
	if res := f.find(store.SearchRequest{Query: search.Parse("retrate")}); res.Corrected {
		t.Errorf("retrate corrected to %q after the word left every article", res.Query.Text)
	}
	check("article changed")
	f.apply(store.Changes{Categories: []content.Category{{Slug: "monde", Title: "Planète", Path: "monde/_index.md"}}})
	check("rubrique renamed")
	f.apply(store.Changes{DeletedArticles: []string{"monde/mercosur.md"}})
	if res := f.find(store.SearchRequest{Query: search.Parse("mercossur")}); res.Corrected {
		t.Errorf("mercossur corrected after the article left")
	}
	check("article deleted")
}
