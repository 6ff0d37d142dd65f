package ingest

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/store"
)

// article is a parsed article as plan needs it: a path, its URL, a hash.
func article(p, hash string) content.Article {
	cat, name, _ := strings.Cut(p, "/")
	return content.Article{Path: p, Hash: hash, Category: cat, Slug: strings.TrimSuffix(name, ".md"),
		Sources: []content.Source{{Title: "Cleiss", URL: "https://www.cleiss.fr/"}}}
}

// stored is a state whose store holds the category monde and the given
// articles (path → hash), each with its file record.
func stored(articles map[string]string) state {
	st := newState()
	st.hasSite = true
	st.categories["monde"] = true
	st.files["monde/_index.md"] = store.FileRecord{Path: "monde/_index.md", Hash: "c"}
	st.files[content.SiteFile] = store.FileRecord{Path: content.SiteFile, Hash: "s"}
	for p, h := range articles {
		a := article(p, h)
		st.entries[p] = a.Entry()
		st.outlines[p] = outline(a)
		st.files[p] = store.FileRecord{Path: p, Hash: h}
	}
	return st
}

// kinds classifies every path as the walk does.
func kinds(paths ...string) map[string]content.Kind {
	out := map[string]content.Kind{}
	for _, p := range paths {
		out[p] = content.Classify(p)
	}
	return out
}

func paths(as []content.Article) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Path)
	}
	return out
}

func messages(ps []content.Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

func TestPlan(t *testing.T) {
	base := []string{content.SiteFile, "monde/_index.md"}
	tests := []struct {
		name  string
		state state
		in    parsed
		// want is what the change holds, written as plan's fields.
		articles, deletedArticles, deletedCategories, deletedAuthors []string
		renames                                                      []store.Rename
		cross                                                        []string // substrings, one per problem
	}{
		{
			name:     "new article in a stored category is saved",
			state:    stored(nil),
			in:       parsed{kinds: kinds(append(base, "monde/a.md")...), articles: map[string]content.Article{"monde/a.md": article("monde/a.md", "1")}},
			articles: []string{"monde/a.md"},
		},
		{
			name:  "article of a missing category stays out",
			state: stored(nil),
			in:    parsed{kinds: kinds(append(base, "asie/a.md")...), articles: map[string]content.Article{"asie/a.md": article("asie/a.md", "1")}},
			cross: []string{"asie/_index.md: fichier manquant ou invalide"},
		},
		{
			name:  "a stored article keeps its URL against a newcomer",
			state: stored(map[string]string{"monde/b.md": "1"}),
			in: parsed{kinds: kinds(append(base, "monde/a.md", "monde/b.md")...), articles: map[string]content.Article{
				"monde/a.md": {Path: "monde/a.md", Hash: "2", Category: "monde", Slug: "b"},
			}},
			cross: []string{"monde/a.md: même adresse /monde/b que monde/b.md"},
		},
		{
			name:  "renamed and broken in one pass: the last good version follows",
			state: stored(map[string]string{"monde/a.md": "1"}),
			in: parsed{kinds: kinds(append(base, "monde/z.md")...), deleted: []string{"monde/a.md"},
				moved: map[string]string{"monde/z.md": "monde/a.md"}},
			renames: []store.Rename{{From: "monde/a.md", To: "monde/z.md", Category: "monde", Slug: "z"}},
		},
		{
			name:  "the same bytes under a new name are a rename, not a deletion",
			state: stored(map[string]string{"monde/a.md": "1"}),
			in: parsed{kinds: kinds(append(base, "monde/z.md")...), deleted: []string{"monde/a.md"},
				articles: map[string]content.Article{"monde/z.md": article("monde/z.md", "1")}},
			articles: []string{"monde/z.md"},
			renames:  []store.Rename{{From: "monde/a.md", To: "monde/z.md"}},
		},
		{
			name:            "a deleted article is deleted",
			state:           stored(map[string]string{"monde/a.md": "1"}),
			in:              parsed{kinds: kinds(base...), deleted: []string{"monde/a.md"}},
			deletedArticles: []string{"monde/a.md"},
		},
		{
			name:  "a category file deleted while its folder holds articles stays",
			state: stored(map[string]string{"monde/a.md": "1"}),
			in:    parsed{kinds: kinds(content.SiteFile, "monde/a.md"), deleted: []string{"monde/_index.md"}},
		},
		{
			name:              "an empty category folder's file deleted removes the category",
			state:             stored(nil),
			in:                parsed{kinds: kinds(content.SiteFile), deleted: []string{"monde/_index.md"}},
			deletedCategories: []string{"monde"},
		},
		{
			name:           "a deleted author file removes the author",
			state:          stored(nil),
			in:             parsed{kinds: kinds(base...), deleted: []string{"auteurs/jeanne-dupont.md"}},
			deletedAuthors: []string{"jeanne-dupont"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(tt.state.entries)
			tt.in.parser = content.NewParser()
			ch, cross := tt.state.plan(tt.in)
			if len(tt.state.entries) != before {
				t.Fatal("plan changed the state")
			}
			check := func(what string, got, want any) {
				t.Helper()
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s = %v, want %v", what, got, want)
				}
			}
			check("articles", paths(ch.Articles), tt.articles)
			check("deleted articles", ch.DeletedArticles, tt.deletedArticles)
			check("deleted categories", ch.DeletedCategories, tt.deletedCategories)
			check("deleted authors", ch.DeletedAuthors, tt.deletedAuthors)
			check("renames", ch.Renames, tt.renames)
			check("deleted files", ch.DeletedFiles, tt.in.deleted)
			got := messages(cross)
			if len(got) != len(tt.cross) {
				t.Fatalf("problems = %q, want %d matching %q", got, len(tt.cross), tt.cross)
			}
			for i, want := range tt.cross {
				if !strings.HasPrefix(got[i], want) {
					t.Errorf("problem %d = %q, want it to start with %q", i, got[i], want)
				}
			}
		})
	}
}

// TestPlanCommit follows a change through commit: the state then says what
// the store holds, and the next plan of the same files changes nothing.
func TestPlanCommit(t *testing.T) {
	st := stored(map[string]string{"monde/a.md": "1"})
	in := parsed{
		kinds:    kinds(content.SiteFile, "monde/_index.md", "monde/z.md", "monde/b.md"),
		deleted:  []string{"monde/a.md"},
		moved:    map[string]string{"monde/z.md": "monde/a.md"},
		articles: map[string]content.Article{"monde/b.md": article("monde/b.md", "2")},
		records: map[string]store.FileRecord{
			"monde/z.md": {Path: "monde/z.md", Hash: "3"},
			"monde/b.md": {Path: "monde/b.md", Hash: "2"},
		},
		problems: map[string][]content.Problem{"monde/z.md": {{Path: "monde/z.md", Line: 2, Message: "titre manquant"}}},
		parser:   content.NewParser(),
	}
	ch, cross := st.plan(in)
	st.commit(ch)
	var got []string
	for p := range st.entries {
		got = append(got, p)
	}
	if len(got) != 2 || st.entries["monde/z.md"].Slug != "z" || st.entries["monde/b.md"].Slug != "b" {
		t.Errorf("entries after commit = %v, want monde/b.md and monde/z.md (slug z)", st.entries)
	}
	if _, ok := st.files["monde/a.md"]; ok {
		t.Error("the former file is still recorded")
	}
	problems := st.problems(cross, []store.Move{{Path: "monde/z.md", From: "/monde/a", To: "/monde/z"}}, nil)
	want := []string{
		"monde/z.md: avertissement : l'article a changé d'adresse : /monde/a redirige vers /monde/z",
		"monde/z.md:2: titre manquant",
	}
	if g := messages(problems); len(g) != 2 || !strings.HasPrefix(g[0], want[0]) || g[1] != want[1] {
		t.Errorf("problems = %q, want %q…", g, want)
	}
	again := parsed{kinds: in.kinds, parser: in.parser}
	if ch, cross := st.plan(again); !ch.Empty() || cross != nil {
		t.Errorf("a second plan of the same files changes %+v, problems %v", ch, cross)
	}
}

func TestNextSite(t *testing.T) {
	good := content.Site{Title: "Bon", TimeZone: "Europe/Paris"}
	bad := []content.Problem{{Path: content.SiteFile, Message: "title manquant"}}
	tests := []struct {
		name     string
		hasSite  bool
		read     *content.Site
		problems []content.Problem
		want     string
		changed  bool
	}{
		{"valid file replaces the settings", true, &good, nil, "Bon", true},
		{"bad file keeps the last good settings", true, &good, bad, "Stocké", false},
		{"bad file is better than nothing", false, &good, bad, "Bon", true},
		{"unchanged file keeps the settings", true, nil, nil, "Stocké", false},
		{"no file yet: the defaults stand", false, nil, nil, "Stocké", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newState()
			st.site.Title, st.hasSite = "Stocké", tt.hasSite
			site, changed := st.nextSite(tt.read, tt.problems)
			if site.Title != tt.want || changed != tt.changed {
				t.Errorf("nextSite = %q, %v; want %q, %v", site.Title, changed, tt.want, tt.changed)
			}
		})
	}
}

// TestMissingSettings: without site.yaml the site keeps its last settings
// (or the defaults), and says so for as long as the file is missing, not
// only in the pass that saw it go.
func TestMissingSettings(t *testing.T) {
	st := stored(nil)
	ch, cross := st.plan(parsed{kinds: kinds("monde/_index.md"), deleted: []string{content.SiteFile}, parser: content.NewParser()})
	if ch.Site != nil || cross != nil {
		t.Fatalf("deleting site.yaml changes the settings (%v) or gives problems %v", ch.Site, cross)
	}
	st.commit(ch)
	for pass := range 2 {
		got := messages(st.problems(nil, nil, nil))
		if len(got) != 1 || !strings.HasPrefix(got[0], "site.yaml: fichier manquant : le site a besoin de son site.yaml") {
			t.Errorf("pass %d: problems = %q", pass, got)
		}
	}
}

// BenchmarkProblems measures what every pass adds to find the problems
// spanning articles, on 20,000 stored articles of five links each to
// earlier ones (the first few link ahead: a handful of warnings): a pass
// that finds nothing changed pays it too.
func BenchmarkProblems(b *testing.B) {
	st := stored(nil)
	for i := range 20000 {
		a := article(fmt.Sprintf("monde/a%05d.md", i), "h")
		a.Date = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
		a.Tags = []content.Tag{{Slug: "monde", Label: "Monde"}, {Slug: fmt.Sprintf("t%d", i%300), Label: fmt.Sprintf("T%d", i%300)}}
		for j := range 5 {
			a.Links = append(a.Links, content.Link{Target: fmt.Sprintf("/monde/a%05d", (i+20000-1-j*7)%20000), Line: 10 + j})
		}
		st.entries[a.Path] = a.Entry()
		st.outlines[a.Path] = outline(a)
	}
	b.Run("changed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			st.whole.valid = false
			st.problems(nil, nil, nil)
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			st.problems(nil, nil, nil)
		}
	})
}

// TestOrphanCategory: a rubrique whose _index.md is deleted while articles
// remain stays online, and the problem is listed until the file is back.
func TestOrphanCategory(t *testing.T) {
	st := stored(map[string]string{"monde/a.md": "1"})
	ch, _ := st.plan(parsed{kinds: kinds(content.SiteFile, "monde/a.md"), deleted: []string{"monde/_index.md"}, parser: content.NewParser()})
	st.commit(ch)
	if !st.categories["monde"] {
		t.Fatal("the rubrique went offline with its file")
	}
	want := "monde/_index.md: fichier supprimé alors que la rubrique contient encore des articles"
	for pass := range 2 {
		got := messages(st.problems(nil, nil, nil))
		if len(got) != 1 || !strings.HasPrefix(got[0], want) {
			t.Errorf("pass %d: problems = %q, want %q", pass, got, want)
		}
	}
	st.files["monde/_index.md"] = store.FileRecord{Path: "monde/_index.md"}
	if got := st.problems(nil, nil, nil); len(got) != 0 {
		t.Errorf("with the file back: problems %v", got)
	}
}
