package store_test

import (
	"bufio"
	"context"
	"database/sql"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/corpus"
	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/search"
	"github.com/horizons-expat/site/internal/sitetest"
	"github.com/horizons-expat/site/internal/store"
)

// bundledNow is after every bundled article.
var bundledNow = time.Date(2024, 11, 26, 12, 0, 0, 0, time.UTC)

// loadStore opens a store in a temporary folder and loads the content
// folder dir into it.
func loadStore(t testing.TB, dir string, now time.Time) *store.Store {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "site.db"), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sy, err := ingest.New(ctx, os.DirFS(dir), st, log, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sy.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestSearchRelevance measures the search on the bundled content with
// the queries readers type: spelled right (search_relevance.tsv: each at
// its rank or better) and misspelled (search_relevance_typos.tsv: each in
// the top 3, at least 90 % first), through Find, as the search page asks.
func TestSearchRelevance(t *testing.T) {
	st := loadStore(t, filepath.Join("..", "..", "content"), bundledNow)
	for _, set := range []struct {
		file     string
		min      int     // cases at least
		minFirst float64 // share of cases ranked first, at least
		asTyped  bool    // searched as typed, with no "did you mean"
	}{
		{"search_relevance.tsv", 42, 0, true},
		{"search_relevance_typos.tsv", 30, 0.9, false},
	} {
		t.Run(set.file, func(t *testing.T) {
			cases, first, top3 := relevance(t, st, set.file, set.asTyped)
			if cases < set.min {
				t.Errorf("only %d cases, want at least %d", cases, set.min)
			}
			if float64(first) < set.minFirst*float64(cases) {
				t.Errorf("%d of %d first, want at least %.0f %%", first, cases, 100*set.minFirst)
			}
			t.Logf("%d queries: %d first, %d in the top 3", cases, first, top3)
		})
	}
}

// relevance runs the queries of a relevance file, fails those that miss
// their rank, and counts those ranked first and in the top 3.
func relevance(t *testing.T, st *store.Store, file string, asTyped bool) (cases, first, top3 int) {
	f, err := os.Open(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Split(text, "\t")
		if len(fields) != 3 {
			t.Fatalf("%s:%d: want 3 tab-separated fields", file, line)
		}
		query, want := fields[0], fields[1]
		worst, err := strconv.Atoi(fields[2])
		if err != nil {
			t.Fatalf("%s:%d: rank: %v", file, line, err)
		}
		cases++
		res, err := st.Find(context.Background(), store.View{Now: bundledNow}, store.SearchRequest{Query: search.Parse(query), Limit: 10})
		if err != nil {
			t.Fatalf("search %q: %v", query, err)
		}
		rank := 0
		var got []string
		for i, a := range res.Articles {
			got = append(got, a.Path)
			if a.Path == want && rank == 0 {
				rank = i + 1
			}
		}
		switch {
		case rank == 1:
			first++
			top3++
		case rank > 0 && rank <= 3:
			top3++
		}
		t.Logf("%-45q rank %d (want ≤ %d), searched as %q, suggesting %q", query, rank, worst, res.Query.Text, res.Suggestion)
		if rank == 0 || rank > worst {
			t.Errorf("%s:%d: %q: %s at rank %d, want ≤ %d; got %v", file, line, query, want, rank, worst, got)
		}
		if asTyped && (res.Corrected || res.Partial || res.Suggestion != "") {
			t.Errorf("%s:%d: %q searched as %q (partial %v), suggesting %q: want it as typed", file, line, query, res.Query.Text, res.Partial, res.Suggestion)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases, first, top3
}

// found returns the paths of the articles that query finds in v.
func found(t *testing.T, st *store.Store, v store.View, query string) []string {
	t.Helper()
	list, total, err := st.Search(context.Background(), v, search.Parse(query), 10, 0)
	if err != nil {
		t.Fatalf("search %q: %v", query, err)
	}
	if total != len(list) {
		t.Errorf("search %q: total %d for %d results", query, total, len(list))
	}
	var out []string
	for _, a := range list {
		out = append(out, a.Path)
	}
	return out
}

func TestSearchIndexFollowsChanges(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	dbPath := filepath.Join(t.TempDir(), "site.db")
	st, err := store.Open(ctx, dbPath, log)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { st.Close() }()
	now := time.Date(2024, 11, 25, 12, 0, 0, 0, time.UTC)
	v := store.View{Now: now}
	cat := content.Category{Slug: "monde", Title: "Monde", Path: "monde/_index.md"}
	article := func(name, title string, date time.Time, draft bool, tags ...string) content.Article {
		a := content.Article{Path: "monde/" + name + ".md", Category: "monde", Slug: name, Title: title,
			Date: date, Draft: draft, BodyText: "Un texte sur la vie à l'étranger."}
		for _, tag := range tags {
			a.Tags = append(a.Tags, content.Tag{Slug: tag, Label: tag})
		}
		return a
	}
	apply := func(ch store.Changes) {
		t.Helper()
		ch.Now = now
		if err := st.Apply(ctx, ch); err != nil {
			t.Fatal(err)
		}
	}
	yesterday := now.Add(-24 * time.Hour)
	apply(store.Changes{
		Categories: []content.Category{cat},
		Articles: []content.Article{
			article("a", "Préparer sa retraite", yesterday, false, "fiscalité"),
			article("brouillon", "Retraite en brouillon", yesterday, true),
			article("futur", "Retraite programmée", now.Add(time.Hour), false),
		},
	})
	check := func(query string, v store.View, want ...string) {
		t.Helper()
		if got := found(t, st, v, query); !slices.Equal(got, want) {
			t.Errorf("search %q = %v, want %v", query, got, want)
		}
	}
	check("retraite", v, "monde/a.md")
	check("fiscalite", v, "monde/a.md")
	check("monde", v, "monde/a.md")
	check("retraite", store.View{Now: now, Unpublished: true}, "monde/futur.md", "monde/brouillon.md", "monde/a.md")

	apply(store.Changes{Articles: []content.Article{article("a", "Changer de banque", yesterday, false)}})
	check("retraite", v)
	check("banque", v, "monde/a.md")
	check("fiscalite", v)

	cat.Title = "Planète"
	apply(store.Changes{Categories: []content.Category{cat}})
	check("planete", v, "monde/a.md")
	check("monde", v)

	apply(store.Changes{DeletedArticles: []string{"monde/a.md"}})
	check("banque", v)

	// A database whose index was built by another analysis is indexed anew
	// when it opens.
	apply(store.Changes{Articles: []content.Article{article("b", "Voter à l'étranger", yesterday, false)}})
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+dbPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`INSERT INTO article_search (article_search) VALUES ('delete-all')`, `UPDATE meta SET value = 'old' WHERE key = 'search_index'`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	if st, err = store.Open(ctx, dbPath, log); err != nil {
		t.Fatal(err)
	}
	check("voter", v, "monde/b.md")
}

// TestSearchRanksAsFTS5 checks that Search, which ranks from the scores of
// each phrase kept between searches, answers what FTS5 answers when it
// ranks the whole query itself: same articles, same order, same total,
// same scores to the last bit, for words, phrases, prefixes, repeated and
// common words, in every view, on every page, while the store forgets
// phrases to stay in its budget, and across a change of content.
func TestSearchRanksAsFTS5(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "content")
	if err := corpus.Generate(dir, 150, 3); err != nil {
		t.Fatal(err)
	}
	// Articles that only some views show, beside the corpus's few.
	for name, fm := range map[string]string{
		"brouillon": "date: 2024-11-01\ndraft: true",
		"programme": "date: 2024-12-01",
		"perime":    "date: 2024-10-01\nexpires: 2024-12-15",
	} {
		src := "---\ntitle: La retraite de France\n" + fm + "\ntags: [retraite]\n---\n\nLa caisse de retraite des Français de l'étranger.\n"
		if err := os.WriteFile(filepath.Join(dir, "vie-pratique", name+".md"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	st := loadStore(t, dir, corpus.Reference)
	ctx := context.Background()
	queries := []string{
		"retraite", "sécurité sociale", "securite sociale retraite", "consulat Madrid", "impots non residents",
		"lycée français Valence", `"vote par procuration"`, "erasmus", "visa japon", "télétravail",
		"passeport", "bourses scolaires", "l'étranger", "fiscalité", "Canada", "permis de conduire",
		"santé", "pensions", "expat*", "climat énergie", "francais", "ambassade de France",
		"droits à la retraite", "Quai d'Orsay", "introuvable", "NEAR(a b) OR -c",
		"retraite retraite", "de", "la caisse de retraite", `"caisse de retraite"*`, "interna*", "a* b*",
		"Tokyo Japon", "retraite introuvable", "retraite etranger*", "sociale etranger* retraite",
		"santé OU pensions Canada", `retraite -"sécurité sociale"`, "introuvable OR visa -japon -expat*",
	}
	if sitetest.Race { // a third of them, "de" kept for the views' check: see sitetest.Race
		var sample []string
		for i, q := range queries {
			if i%3 == 0 || q == "de" {
				sample = append(sample, q)
			}
		}
		queries = sample
	}
	views := map[string]store.View{
		"published": {Now: corpus.Reference},
		"preview":   {Now: corpus.Reference, Unpublished: true},
		"later":     {Now: corpus.Reference.Add(40 * 24 * time.Hour)}, // scheduled ones out, expiring ones gone
	}
	compare := func(stage string) {
		t.Helper()
		// FTS5's answer for every match, from which each page is cut.
		type key struct{ view, query string }
		want := map[key][]int64{}
		wantScores := map[key][]float64{}
		for name, v := range views {
			for _, text := range queries {
				ids, scores, err := st.SearchByFullScan(ctx, v, search.Parse(text))
				if err != nil {
					t.Fatal(err)
				}
				want[key{name, text}], wantScores[key{name, text}] = ids, scores
			}
		}
		// The corpus has drafts, scheduled and expiring articles, which
		// the views must tell apart.
		published, later, preview := want[key{"published", "de"}], want[key{"later", "de"}], want[key{"preview", "de"}]
		if len(published) >= len(preview) || slices.Equal(slices.Sorted(slices.Values(published)), slices.Sorted(slices.Values(later))) {
			t.Fatalf(`%s: "de" finds %d published, %d later, %d in preview: the views do not differ`, stage, len(published), len(later), len(preview))
		}
		pages := []struct{ limit, offset int }{{12, 0}, {10, 95}, {1000, 0}}
		for name, v := range views {
			for _, text := range queries {
				all := want[key{name, text}]
				for _, p := range pages {
					list, total, err := st.Search(ctx, v, search.Parse(text), p.limit, p.offset)
					if err != nil {
						t.Fatalf("%s, %s, %q: %v", stage, name, text, err)
					}
					var got []int64
					for _, a := range list {
						got = append(got, a.ID)
					}
					page := all[min(p.offset, len(all)):min(p.offset+p.limit, len(all))]
					if !slices.Equal(got, page) || total != len(all) {
						t.Errorf("%s, %s, %q, limit %d offset %d:\ngot  %d %v\nwant %d %v",
							stage, name, text, p.limit, p.offset, total, got, len(all), page)
					}
				}
				// Only the page, best first (as the search box asks): the
				// same page, found without ranking every match.
				for _, p := range pages[:2] {
					res, err := st.Find(ctx, v, store.SearchRequest{Query: search.Parse(text), Exact: true, Top: true, Limit: p.limit, Offset: p.offset})
					if err != nil {
						t.Fatalf("%s, %s, %q: %v", stage, name, text, err)
					}
					var got []int64
					for _, a := range res.Articles {
						got = append(got, a.ID)
					}
					if page := all[min(p.offset, len(all)):min(p.offset+p.limit, len(all))]; !slices.Equal(got, page) {
						t.Errorf("%s, %s, %q, top %d from %d:\ngot  %v\nwant %v", stage, name, text, p.limit, p.offset, got, page)
					}
				}
				// To the last bit: sums in another order would differ.
				scores, err := st.SearchScores(ctx, v, search.Parse(text))
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(scores, wantScores[key{name, text}]) {
					t.Errorf("%s, %s, %q: scores differ from FTS5's:\ngot  %v\nwant %v", stage, name, text, scores, wantScores[key{name, text}])
				}
			}
		}
	}
	compare("every phrase kept")
	st.ForgetSearchScores()
	st.SetSearchCacheBudget(24 << 10)
	compare("phrases forgotten")
	if st.SearchCacheEvictions() == 0 {
		t.Error("the small budget forgot nothing")
	}
	// A change of content, while scores of the old one are kept and the
	// store scores them anew in the background.
	st.SetSearchCacheBudget(1 << 30)
	err := st.Apply(ctx, store.Changes{Now: corpus.Reference, DeletedArticles: []string{"vie-pratique/perime.md"},
		Articles: []content.Article{{Path: "vie-pratique/nouvelle.md", Category: "vie-pratique", Slug: "nouvelle",
			Title: "La retraite des Français de l'étranger", Date: corpus.Reference.Add(-time.Hour),
			BodyText: "Sécurité sociale, retraite et passeport : ce qui change pour les Français de l'étranger."}}})
	if err != nil {
		t.Fatal(err)
	}
	compare("after the change")
}

// A prefix looked for in the titles (the search box's last word) finds
// the articles whose title has it, ranked as FTS5 ranks them, the walk
// that stops early included.
func TestSearchTitlePrefix(t *testing.T) {
	st := loadStore(t, filepath.Join("..", "..", "content"), bundledNow)
	ctx := context.Background()
	v := store.View{Now: bundledNow}
	for _, text := range []string{"retr*", "droits ret*", "fran*", "assurance mal*", "zzz*", "expatri*"} {
		q := search.Parse(text).TitlePrefix()
		want, _, err := st.SearchByFullScan(ctx, v, q)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		all, _, err := st.SearchByFullScan(ctx, v, search.Parse(text))
		if err != nil {
			t.Fatal(err)
		}
		if len(want) > len(all) {
			t.Errorf("%q: %d in titles, more than the %d in the text", text, len(want), len(all))
		}
		got, err := st.Suggest(ctx, v, store.SearchRequest{Query: q, Exact: true, Limit: 8})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != min(8, len(want)) {
			t.Fatalf("%q: %d suggestions, FTS5 finds %d", text, len(got), len(want))
		}
		prefix := strings.TrimSuffix(text[strings.LastIndexByte(text, ' ')+1:], "*")
		for _, sg := range got {
			if !strings.Contains(strings.ToLower(sg.Title), prefix) {
				t.Errorf("%q: suggestion %q has no word starting %q", text, sg.Title, prefix)
			}
		}
		page, _, err := st.Search(ctx, v, q, 8, 0)
		if err != nil {
			t.Fatal(err)
		}
		for i, a := range page {
			if i >= len(got) || got[i].Title != a.Title || a.ID != want[i] {
				t.Errorf("%q: suggestion %d differs from the full ranking's %q (FTS5's id %d)", text, i, a.Title, want[i])
			}
		}
	}
}

// TestSearchOddPages checks the pages no link leads to: past the end, at
// the largest offset, empty, negative.
func TestSearchOddPages(t *testing.T) {
	st := loadStore(t, filepath.Join("..", "..", "content"), bundledNow)
	q := search.Parse("retraite")
	_, want, err := st.Search(context.Background(), store.View{Now: bundledNow}, q, 12, 0)
	if err != nil || want == 0 {
		t.Fatalf("retraite: %d results, %v", want, err)
	}
	for _, p := range []struct{ limit, offset, results int }{
		{12, want, 0}, {12, math.MaxInt - 3, 0}, {math.MaxInt, 1, want - 1}, {0, 0, 0}, {12, -5, min(12, want)}, {-1, 0, 0},
	} {
		list, total, err := st.Search(context.Background(), store.View{Now: bundledNow}, q, p.limit, p.offset)
		if err != nil || total != want || len(list) != p.results {
			t.Errorf("limit %d offset %d: %d results of %d, %v; want %d of %d", p.limit, p.offset, len(list), total, err, p.results, want)
		}
	}
}
