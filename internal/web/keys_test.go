package web

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/store"
)

// TestChangeKeys checks the mapping from what a pass changed to the keys
// of the pages it altered, case by case.
func TestChangeKeys(t *testing.T) {
	retraite := store.ArticlePlace{ID: 7, Category: "pratique", Tags: []string{"retraite", "securite-sociale"}, Authors: []string{"camille-martin", "la-redaction"}}
	moved := retraite
	moved.Category = "monde"
	retagged := retraite
	retagged.Tags = []string{"pension", "retraite"}
	bare := store.ArticlePlace{ID: 12, Category: "monde"}
	soloAuthor := retraite
	soloAuthor.Authors = []string{"camille-martin"}
	places := func(p ...store.ArticlePlace) []store.ArticlePlace { return p }
	lists := []string{"feeds", "home", "latest", "search", "sitemap", "tags"}
	for _, tc := range []struct {
		name   string
		change ingest.Change
		want   []string
	}{
		{"nothing readers see (file records only)", ingest.Change{Generation: 3}, nil},
		{"site settings or a rubrique: every page", ingest.Change{Site: true}, []string{"site"}},
		{"an article added: its lists and the lists of newest articles",
			ingest.Change{Listed: ingest.Places{After: places(retraite)}},
			append([]string{"a7", "c-pratique", "t-retraite", "t-securite-sociale", "u-camille-martin", "u-la-redaction"}, lists...)},
		{"an article deleted: the lists it was in",
			ingest.Change{Listed: ingest.Places{Before: places(bare)}},
			append([]string{"a12", "c-monde"}, lists...)},
		{"an article moved to another rubrique: both rubriques",
			ingest.Change{Listed: ingest.Places{Before: places(retraite), After: places(moved)}},
			append([]string{"a7", "c-monde", "c-pratique", "t-retraite", "t-securite-sociale", "u-camille-martin", "u-la-redaction"}, lists...)},
		{"tags changed: the old tags and the new ones",
			ingest.Change{Listed: ingest.Places{Before: places(retraite), After: places(retagged)}},
			append([]string{"a7", "c-pratique", "t-pension", "t-retraite", "t-securite-sociale", "u-camille-martin", "u-la-redaction"}, lists...)},
		{"an author removed from an article that moves in lists: the author's pages too",
			ingest.Change{Listed: ingest.Places{Before: places(retraite), After: places(soloAuthor)}},
			append([]string{"a7", "c-pratique", "t-retraite", "t-securite-sociale", "u-camille-martin", "u-la-redaction"}, lists...)},
		{"an edit in place: the pages showing the article, feeds, sitemaps, search",
			ingest.Change{Edited: ingest.Places{Before: places(bare), After: places(bare)}},
			[]string{"a12", "feeds", "search", "sitemap"}},
		{"an edit in place that changes the authors: both authors' pages, not the rubrique nor the tags",
			ingest.Change{Edited: ingest.Places{Before: places(soloAuthor), After: places(retraite)}},
			[]string{"a7", "feeds", "search", "sitemap", "u-camille-martin", "u-la-redaction"}},
		{"an edit in place beside an article moved: the lists of newest articles once",
			ingest.Change{Listed: ingest.Places{After: places(bare)}, Edited: ingest.Places{Before: places(soloAuthor), After: places(soloAuthor)}},
			append([]string{"a12", "a7", "c-monde", "u-camille-martin"}, lists...)},
		{"an author's file saved or deleted: their pages only",
			ingest.Change{Authors: []string{"camille-martin", "ancien-auteur"}},
			[]string{"u-ancien-auteur", "u-camille-martin"}},
		{"everything at once: each key once, sorted",
			ingest.Change{Site: true, Listed: ingest.Places{Before: places(retraite, bare), After: places(moved, bare)}, Authors: []string{"camille-martin"}},
			append([]string{"a12", "a7", "c-monde", "c-pratique", "site", "t-retraite", "t-securite-sociale", "u-camille-martin", "u-la-redaction"}, lists...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := slices.Sorted(slices.Values(tc.want))
			if tc.want == nil {
				want = nil
			}
			if got := ChangeKeys(tc.change); !slices.Equal(got, want) {
				t.Errorf("keys = %q, want %q", got, want)
			}
		})
	}
}

// TestImagesReadyKeys checks the keys that new variants of images purge:
// the pages of the articles showing them, and the feeds.
func TestImagesReadyKeys(t *testing.T) {
	if got := ImagesReadyKeys(nil); got != nil {
		t.Errorf("no article: keys %q, want none", got)
	}
	if got, want := ImagesReadyKeys([]int64{7, 12}), []string{"a7", "a12", "feeds"}; !slices.Equal(got, want) {
		t.Errorf("keys = %q, want %q", got, want)
	}
}

// TestChangedKeys checks, on real passes over the fixture, that a change
// names the surrogate keys of every page it changed, before and after, so
// that shared caches purge exactly those.
func TestChangedKeys(t *testing.T) {
	ts, got := keysSite(t)
	retraite := articleID(t, ts, "pratique", "retraite")

	// Moving the article to another category with other tags: both the old
	// and the new category and tags must be purged.
	ts.write(t, "pratique/retraite.md", "---\ntitle: Retraite\ndate: 2024-11-20\ntags: [pension]\n---\n\nTexte.\n")
	if len(*got) != 1 {
		t.Fatalf("got %d key sets, want 1", len(*got))
	}
	keys := (*got)[0]
	for _, want := range []string{articleKey(retraite), "c-pratique", "t-retraite", "t-securite-sociale", "t-pension",
		authorKey("camille-martin"), authorKey("la-redaction"),
		keyHome, keyLatest, keyFeeds, keySitemap, keySearch} {
		if !slices.Contains(keys, want) {
			t.Errorf("keys %v lack %q", keys, want)
		}
	}
	if slices.Contains(keys, keySite) {
		t.Errorf("an article edit must not purge every page: %v", keys)
	}

	// The same article, its text alone edited: only the pages that show
	// it (they carry its key), and feeds, sitemaps and search results.
	*got = nil
	ts.write(t, "pratique/retraite.md", "---\ntitle: Retraite\ndate: 2024-11-20\ntags: [pension]\n---\n\nTexte corrigé.\n")
	if want := []string{articleKey(retraite), keyFeeds, keySearch, keySitemap}; len(*got) != 1 || !slices.Equal((*got)[0], want) {
		t.Errorf("keys of an edit in place = %v, want %v", *got, want)
	}
	// Its title, its date, its tags or its visibility move it in lists,
	// or change its namesakes' titles: every list it was or is in.
	for _, front := range []string{
		"title: Retraite anticipée\ndate: 2024-11-20\ntags: [pension]",
		"title: Retraite anticipée\ndate: 2024-11-21\ntags: [pension]",
		"title: Retraite anticipée\ndate: 2024-11-21\ntags: [pension, impots]",
		"title: Retraite anticipée\ndate: 2024-11-21\ntags: [pension, impots]\ndraft: true",
	} {
		*got = nil
		ts.write(t, "pratique/retraite.md", "---\n"+front+"\n---\n\nTexte corrigé.\n")
		if len(*got) != 1 || !slices.Contains((*got)[0], "c-pratique") || !slices.Contains((*got)[0], "t-pension") || !slices.Contains((*got)[0], keyHome) {
			t.Errorf("front matter %q: keys %v, want its category, tags and the home page", front, *got)
		}
	}

	// A category's settings show in every page's menu.
	*got = nil
	ts.write(t, "monde/_index.md", "---\ntitle: Le monde\nweight: 10\n---\n")
	if len(*got) != 1 || !slices.Contains((*got)[0], keySite) {
		t.Errorf("category change keys = %v, want %q", *got, keySite)
	}

	// An author's file shows on their page and feeds only.
	*got = nil
	ts.write(t, "auteurs/camille-martin.md", "---\nname: Camille Martin\nrole: Reporter\n---\n")
	if len(*got) != 1 || !slices.Equal((*got)[0], []string{authorKey("camille-martin")}) {
		t.Errorf("author file change keys = %v, want only %q", *got, authorKey("camille-martin"))
	}

	// Nothing changed: nothing to purge.
	*got = nil
	if _, err := ts.syncer.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(*got) != 0 {
		t.Errorf("a pass that changed nothing purged %v", *got)
	}
}

// TestMoveAcrossCategoriesPurgesBoth checks that moving an article file to
// another rubrique (git mv) purges the pages of both: the old rubrique's
// listing showed the article until the move.
func TestMoveAcrossCategoriesPurgesBoth(t *testing.T) {
	ts, got := keysSite(t)
	retraite := articleID(t, ts, "pratique", "retraite")
	content := filepath.Join(ts.dir, "content")
	if err := os.Rename(filepath.Join(content, "pratique", "retraite.md"), filepath.Join(content, "monde", "retraite.md")); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.syncer.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if moved := articleID(t, ts, "monde", "retraite"); moved != retraite {
		t.Fatalf("the move made a new article (a%d, was a%d): not a rename", moved, retraite)
	}
	if len(*got) != 1 {
		t.Fatalf("got %d key sets, want 1", len(*got))
	}
	keys := (*got)[0]
	for _, want := range []string{articleKey(retraite), "c-pratique", "c-monde", "t-retraite", "t-securite-sociale",
		keyHome, keyLatest, keyFeeds, keySitemap} {
		if !slices.Contains(keys, want) {
			t.Errorf("keys %v lack %q", keys, want)
		}
	}
}

// keysSite is a test site over a copy of the fixture, and the key sets
// that its later passes purge, as a proxy would be told (a pass that
// changes nothing readers see purges nothing).
func keysSite(t *testing.T) (*testSite, *[][]string) {
	t.Helper()
	ts := newTestSite(t, fixture, 0)
	got := new([][]string)
	ts.syncer.OnChange(func(c ingest.Change) {
		if keys := ChangeKeys(c); len(keys) > 0 {
			*got = append(*got, keys)
		}
	})
	return ts, got
}

// articleID is the id of the article at /category/slug, drafts included.
func articleID(t *testing.T, ts *testSite, category, slug string) int64 {
	t.Helper()
	a, err := ts.srv.store.Article(context.Background(), store.View{Now: fixtureNow, Unpublished: true}, category, slug)
	if err != nil {
		t.Fatalf("article %s/%s: %v", category, slug, err)
	}
	return a.ID
}
