package store_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/store"
	"github.com/horizons-expat/site/migrations"
)

var paris = mustLoad("Europe/Paris")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at is a wall-clock instant in Paris, on the given November 2024 day.
func at(day, hour int) time.Time { return time.Date(2024, 11, day, hour, 0, 0, 0, paris) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func open(t testing.TB, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), path, quiet)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return st
}

func dbPath(t testing.TB) string { return filepath.Join(t.TempDir(), "data", "site.db") }

var site = content.Site{Title: "Horizons", BaseURL: "https://horizons.example", Language: "fr", TimeZone: "Europe/Paris", Location: paris}

var categories = []content.Category{
	{Slug: "monde", Title: "Monde", Weight: 20, Path: "monde/_index.md", Hash: "c1"},
	{Slug: "pratique", Title: "Vie pratique", Weight: 10, Path: "pratique/_index.md", Hash: "c2"},
}

// art is an article of category cat with file name slug.md.
func art(cat, slug string, date time.Time, tags ...string) content.Article {
	a := content.Article{
		Path: cat + "/" + slug + ".md", Hash: "h-" + slug, Category: cat, Slug: slug,
		Title: "Titre " + slug, Date: date, BodyHTML: "<p>Corps " + slug + "</p>", BodyText: "Corps " + slug,
	}
	for _, t := range tags {
		a.Tags = append(a.Tags, content.Tag{Slug: content.Slugify(t), Label: t})
	}
	return a
}

func apply(t testing.TB, st *store.Store, ch store.Changes) {
	t.Helper()
	if ch.Now.IsZero() {
		ch.Now = at(30, 12)
	}
	if err := st.Apply(context.Background(), ch); err != nil {
		t.Fatalf("apply: %v", err)
	}
}

// seeded returns a store holding the site, both categories and articles.
func seeded(t *testing.T, articles ...content.Article) *store.Store {
	t.Helper()
	st := open(t, dbPath(t))
	apply(t, st, store.Changes{Site: &site, Categories: categories, Articles: articles})
	return st
}

func slugs(list []store.Article) string {
	var out []string
	for _, a := range list {
		out = append(out, a.Slug)
	}
	return strings.Join(out, " ")
}

func TestVisibility(t *testing.T) {
	draft := art("monde", "brouillon", at(10, 9))
	draft.Draft = true
	expiring := art("monde", "perime", at(5, 9))
	expiring.Expires = at(20, 0)
	st := seeded(t,
		art("monde", "publie", at(12, 9)),
		draft,
		art("monde", "programme", at(25, 8)),
		expiring,
	)
	ctx := context.Background()
	tests := []struct {
		name string
		view store.View
		want string // visible slugs, newest first
	}{
		{"before everything", store.View{Now: at(1, 0)}, ""},
		{"just before expiry", store.View{Now: at(20, 0).Add(-time.Second)}, "publie perime"},
		{"at expiry", store.View{Now: at(20, 0)}, "publie"},
		{"one second before the schedule", store.View{Now: at(25, 8).Add(-time.Second)}, "publie"},
		{"at the scheduled minute", store.View{Now: at(25, 8)}, "programme publie"},
		{"preview shows everything", store.View{Now: at(1, 0), Unpublished: true}, "programme publie brouillon perime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := st.Latest(ctx, tt.view, 10, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got := slugs(list); got != tt.want {
				t.Errorf("Latest = %q, want %q", got, tt.want)
			}
			_, total, err := st.InCategory(ctx, tt.view, "monde", 10, 0)
			if err != nil {
				t.Fatal(err)
			}
			if want := len(strings.Fields(tt.want)); total != want {
				t.Errorf("InCategory total = %d, want %d", total, want)
			}
			for _, slug := range []string{"publie", "brouillon", "programme", "perime"} {
				_, err := st.Article(ctx, tt.view, "monde", slug)
				visible := strings.Contains(" "+tt.want+" ", " "+slug+" ")
				if visible && err != nil {
					t.Errorf("Article(%s): %v", slug, err)
				}
				if !visible && !errors.Is(err, store.ErrNotFound) {
					t.Errorf("Article(%s) error = %v, want ErrNotFound", slug, err)
				}
			}
		})
	}

	t.Run("NextEvent", func(t *testing.T) {
		for _, tc := range []struct {
			now, want time.Time
		}{
			{at(1, 0), at(5, 9)},
			{at(12, 9), at(20, 0)},
			{at(20, 0), at(25, 8)},
			{at(26, 0), time.Time{}},
		} {
			got, err := st.NextEvent(ctx, store.View{Now: tc.now})
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tc.want) {
				t.Errorf("NextEvent(%v) = %v, want %v", tc.now, got, tc.want)
			}
		}
	})

	t.Run("expired article is gone", func(t *testing.T) {
		for _, tc := range []struct {
			now  time.Time
			want bool
		}{{at(19, 0), false}, {at(20, 0), true}} {
			gone, err := st.Gone(ctx, store.View{Now: tc.now}, "/monde/perime")
			if err != nil {
				t.Fatal(err)
			}
			if gone != tc.want {
				t.Errorf("Gone at %v = %v, want %v", tc.now, gone, tc.want)
			}
		}
	})
}

func TestListingOrderAndPagination(t *testing.T) {
	var list []content.Article
	for i, slug := range []string{"a", "b", "c", "d", "e"} {
		list = append(list, art("monde", slug, at(1+i, 9)))
	}
	// Two articles at the same instant: the later-stored comes first, always.
	list = append(list, art("monde", "f", at(10, 9)), art("monde", "g", at(10, 9)))
	list = append(list, art("pratique", "p", at(7, 9)))
	st := seeded(t, list...)
	ctx, v := context.Background(), store.View{Now: at(30, 0)}

	all, err := st.Latest(ctx, v, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := slugs(all), "g f p e d c b a"; got != want {
		t.Errorf("Latest = %q, want %q", got, want)
	}
	for _, a := range all {
		if a.Category == "pratique" && a.CategoryTitle != "Vie pratique" {
			t.Errorf("category title = %q", a.CategoryTitle)
		}
		if a.BodyHTML != "" {
			t.Errorf("listing carries the body of %s", a.Slug)
		}
	}

	var pages []string
	for offset := 0; offset < 7; offset += 3 {
		page, total, err := st.InCategory(ctx, v, "monde", 3, offset)
		if err != nil {
			t.Fatal(err)
		}
		if total != 7 {
			t.Errorf("total = %d, want 7", total)
		}
		pages = append(pages, slugs(page))
	}
	if got, want := strings.Join(pages, " | "), "g f e | d c b | a"; got != want {
		t.Errorf("pages = %q, want %q", got, want)
	}
	page, total, err := st.InCategory(ctx, v, "monde", 3, 30)
	if err != nil || len(page) != 0 || total != 7 {
		t.Errorf("past the end: %d articles, total %d, err %v", len(page), total, err)
	}
	_, total, err = st.InCategory(ctx, v, "inconnue", 3, 0)
	if err != nil || total != 0 {
		t.Errorf("unknown category: total %d, err %v", total, err)
	}
}

func TestRelated(t *testing.T) {
	st := seeded(t,
		art("monde", "sujet", at(10, 9), "europe", "retraite"),
		art("pratique", "deux-tags", at(1, 9), "europe", "retraite"),
		art("pratique", "un-tag-ailleurs", at(3, 9), "retraite"),
		art("monde", "un-tag-ici", at(2, 9), "europe"),
		art("monde", "meme-rubrique-recent", at(8, 9)),
		art("monde", "meme-rubrique-ancien", at(4, 9)),
		art("pratique", "sans-lien-recent", at(9, 9)),
		art("pratique", "sans-lien-ancien", at(5, 9)),
		art("pratique", "futur", at(29, 9), "europe", "retraite"),
	)
	ctx, v := context.Background(), store.View{Now: at(20, 0)}
	a, err := st.Article(ctx, v, "monde", "sujet")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Tags) != 2 || a.Tags[0].Slug != "europe" || a.BodyHTML != "<p>Corps sujet</p>" {
		t.Errorf("article = %+v", a)
	}
	related, err := st.Related(ctx, v, a, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := "deux-tags un-tag-ici un-tag-ailleurs meme-rubrique-recent meme-rubrique-ancien sans-lien-recent sans-lien-ancien"
	if got := slugs(related); got != want {
		t.Errorf("Related =\n %q\nwant\n %q", got, want)
	}
	related, err = st.Related(ctx, v, a, 3)
	if err != nil || len(related) != 3 {
		t.Errorf("Related limit 3: %d articles, %v", len(related), err)
	}
}

func TestTags(t *testing.T) {
	draft := art("monde", "brouillon", at(3, 9), "Secret")
	draft.Draft = true
	st := seeded(t,
		art("monde", "a", at(1, 9), "Sécurité sociale", "Europe"),
		art("monde", "b", at(2, 9), "Europe"),
		art("pratique", "c", at(4, 9), "Europe"),
		draft,
	)
	ctx, v := context.Background(), store.View{Now: at(30, 0)}
	tags, err := st.Tags(ctx, v)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tg := range tags {
		got = append(got, tg.Slug+"="+tg.Label+":"+string(rune('0'+tg.Count)))
	}
	if s, want := strings.Join(got, " "), "europe=Europe:3 securite-sociale=Sécurité sociale:1"; s != want {
		t.Errorf("Tags = %q, want %q", s, want)
	}
	label, err := st.Tag(ctx, v, "securite-sociale")
	if err != nil || label != "Sécurité sociale" {
		t.Errorf("Tag = %q, %v", label, err)
	}
	if _, err := st.Tag(ctx, v, "secret"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Tag of a draft only: %v, want ErrNotFound", err)
	}
	list, total, err := st.WithTag(ctx, v, "europe", 2, 0)
	if err != nil || total != 3 || slugs(list) != "c b" {
		t.Errorf("WithTag = %q total %d, %v", slugs(list), total, err)
	}
}

func TestMovesAndDeletions(t *testing.T) {
	ctx, v := context.Background(), store.View{Now: at(30, 0)}
	a := art("monde", "ancien", at(1, 9))
	a.Aliases = []string{"/vieux/chemin"}
	st := seeded(t, a, art("monde", "autre", at(2, 9)))

	target, err := st.Redirect(ctx, v, "/vieux/chemin")
	if err != nil || target != "/monde/ancien" {
		t.Fatalf("alias Redirect = %q, %v", target, err)
	}

	// The editor renames the article (slug) and moves it to another category.
	moved := a
	moved.Slug, moved.Category = "nouveau", "pratique"
	apply(t, st, store.Changes{Articles: []content.Article{moved}})
	for _, from := range []string{"/monde/ancien", "/vieux/chemin"} {
		target, err := st.Redirect(ctx, v, from)
		if err != nil || target != "/pratique/nouveau" {
			t.Errorf("Redirect(%s) = %q, %v; want /pratique/nouveau", from, target, err)
		}
	}
	if _, err := st.Article(ctx, v, "monde", "ancien"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("old URL still serves the article: %v", err)
	}
	if _, err := st.Article(ctx, v, "pratique", "nouveau"); err != nil {
		t.Errorf("new URL: %v", err)
	}

	// Then deletes it: every URL it had is gone, none redirects.
	apply(t, st, store.Changes{DeletedArticles: []string{a.Path}})
	for _, p := range []string{"/pratique/nouveau", "/monde/ancien", "/vieux/chemin"} {
		if _, err := st.Redirect(ctx, v, p); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Redirect(%s) after deletion: %v, want ErrNotFound", p, err)
		}
		gone, err := st.Gone(ctx, v, p)
		if err != nil || !gone {
			t.Errorf("Gone(%s) = %v, %v; want true", p, gone, err)
		}
	}
	if gone, _ := st.Gone(ctx, v, "/monde/autre"); gone {
		t.Error("a live article is gone")
	}
	if gone, _ := st.Gone(ctx, v, "/nulle/part"); gone {
		t.Error("an unknown path is gone")
	}

	// A new article at a gone URL makes it live again.
	apply(t, st, store.Changes{Articles: []content.Article{art("monde", "ancien", at(3, 9))}})
	if gone, _ := st.Gone(ctx, v, "/monde/ancien"); gone {
		t.Error("a republished URL is still gone")
	}
	if _, err := st.Article(ctx, v, "monde", "ancien"); err != nil {
		t.Errorf("republished article: %v", err)
	}
}

// TestQueryAliasPaths checks that the paths whose query may lead elsewhere
// are those of the aliases that carry one, each named once.
func TestQueryAliasPaths(t *testing.T) {
	a := art("monde", "un", at(1, 9))
	a.Aliases = []string{"/?p=123", "/?page_id=7", "/index.php?id=4", "/vieux/chemin"}
	b := art("monde", "deux", at(2, 9))
	b.Aliases = []string{"/?p=124"}
	st := seeded(t, a, b, art("monde", "trois", at(3, 9)))
	got, err := st.QueryAliasPaths(context.Background())
	slices.Sort(got)
	if err != nil || !slices.Equal(got, []string{"/", "/index.php"}) {
		t.Errorf("QueryAliasPaths = %q, %v; want [/ /index.php]", got, err)
	}
}

func TestSwapSlugsInOneChange(t *testing.T) {
	ctx, v := context.Background(), store.View{Now: at(30, 0)}
	a, b := art("monde", "un", at(1, 9)), art("monde", "deux", at(2, 9))
	st := seeded(t, a, b)
	a.Slug, b.Slug = "deux", "un"
	a.Hash, b.Hash = "x", "y"
	apply(t, st, store.Changes{Articles: []content.Article{a, b}})
	got, err := st.Article(ctx, v, "monde", "deux")
	if err != nil || got.Path != "monde/un.md" {
		t.Errorf("after the swap /monde/deux = %s, %v", got.Path, err)
	}
}

func TestNotFound(t *testing.T) {
	ctx, v := context.Background(), store.View{Now: at(30, 0)}
	st := open(t, dbPath(t))
	if _, err := st.Site(ctx); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Site on an empty store: %v", err)
	}
	apply(t, st, store.Changes{Site: &site, Categories: categories})
	checks := map[string]error{}
	_, checks["Article"] = st.Article(ctx, v, "monde", "rien")
	_, checks["Category"] = st.Category(ctx, "rien")
	_, checks["Tag"] = st.Tag(ctx, v, "rien")
	_, checks["Redirect"] = st.Redirect(ctx, v, "/rien")
	for name, err := range checks {
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
		if err != nil && !strings.Contains(err.Error(), "rien") {
			t.Errorf("%s error %q does not say what was missing", name, err)
		}
	}
	got, err := st.Site(ctx)
	if err != nil || got.Title != "Horizons" || got.Location.String() != "Europe/Paris" {
		t.Errorf("Site = %+v, %v", got, err)
	}
	cats, err := st.Categories(ctx)
	if err != nil || len(cats) != 2 || cats[0].Slug != "pratique" {
		t.Errorf("Categories not in menu order: %+v, %v", cats, err)
	}
}

func TestVersionAndFiles(t *testing.T) {
	ctx := context.Background()
	st := open(t, dbPath(t))
	v0, _ := st.Version(ctx)
	rec := store.FileRecord{Path: "monde/a.md", Hash: "h", Size: 10, ModTime: 42,
		Problems: []content.Problem{{Path: "monde/a.md", Line: 3, Message: "clé inconnue", Warning: true}}}
	apply(t, st, store.Changes{Site: &site, Categories: categories, Files: []store.FileRecord{rec}})
	v1, _ := st.Version(ctx)
	if v1 != v0+1 {
		t.Errorf("version %d → %d, want +1", v0, v1)
	}
	files, err := st.Files(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := files["monde/a.md"]
	if got.Hash != "h" || got.Size != 10 || got.ModTime != 42 || len(got.Problems) != 1 || got.Problems[0] != rec.Problems[0] {
		t.Errorf("file record = %+v", got)
	}
	apply(t, st, store.Changes{DeletedFiles: []string{"monde/a.md"}})
	if files, _ := st.Files(ctx); len(files) != 0 {
		t.Errorf("deleted file still recorded: %v", files)
	}
}

// TestReopen checks that the database survives a restart as it is.
func TestReopen(t *testing.T) {
	ctx, v := context.Background(), store.View{Now: at(30, 0)}
	path := dbPath(t)
	st, err := store.Open(ctx, path, quiet)
	if err != nil {
		t.Fatal(err)
	}
	apply(t, st, store.Changes{Site: &site, Categories: categories, Articles: []content.Article{art("monde", "a", at(1, 9))}})
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st = open(t, path)
	if _, err := st.Article(ctx, v, "monde", "a"); err != nil {
		t.Errorf("article lost on reopen: %v", err)
	}
}

// TestRebuildUnusableFile checks that Open replaces files that are not a
// usable database with a new, empty one (ingest then fills it again).
func TestRebuildUnusableFile(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, path string)
		rebuilt bool // false: SQLite takes the file as an empty database
	}{
		{"garbage", func(t *testing.T, path string) {
			write(t, path, []byte(strings.Repeat("ceci n'est pas une base SQLite\n", 500)))
		}, true},
		{"empty file", func(t *testing.T, path string) { write(t, path, nil) }, false},
		{"truncated", func(t *testing.T, path string) {
			makeDB(t, path)
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, info.Size()/2); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"corrupt pages", func(t *testing.T, path string) {
			makeDB(t, path)
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			// Scribble over every page but the first (the header).
			info, _ := f.Stat()
			junk := []byte(strings.Repeat("\xde\xad\xbe\xef", 1024))
			for off := int64(4096); off < info.Size(); off += 4096 {
				if _, err := f.WriteAt(junk, off); err != nil {
					t.Fatal(err)
				}
			}
		}, true},
		{"foreign database", func(t *testing.T, path string) {
			db, err := sql.Open("sqlite", "file:"+path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(`CREATE TABLE articles (name TEXT); INSERT INTO articles VALUES ('x')`); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"stale WAL beside garbage", func(t *testing.T, path string) {
			write(t, path, []byte("garbage"))
			write(t, path+"-wal", []byte("more garbage"))
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := dbPath(t)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			tt.prepare(t, path)
			var logs strings.Builder
			st, err := store.Open(context.Background(), path, slog.New(slog.NewTextHandler(&logs, nil)))
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			t.Cleanup(func() { st.Close() })
			if rebuilt := strings.Contains(logs.String(), "database unusable, rebuilding it from content"); rebuilt != tt.rebuilt {
				t.Errorf("rebuilt = %v, want %v; logs: %q", rebuilt, tt.rebuilt, logs.String())
			}
			ctx, v := context.Background(), store.View{Now: at(30, 0)}
			apply(t, st, store.Changes{Site: &site, Categories: categories, Articles: []content.Article{art("monde", "neuf", at(1, 9))}})
			if _, err := st.Article(ctx, v, "monde", "neuf"); err != nil {
				t.Errorf("rebuilt database does not work: %v", err)
			}
		})
	}
}

func write(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// makeDB creates a real database with enough articles to span many pages.
func makeDB(t *testing.T, path string) {
	t.Helper()
	st, err := store.Open(context.Background(), path, quiet)
	if err != nil {
		t.Fatal(err)
	}
	var list []content.Article
	for i := range 200 {
		a := art("monde", "article-"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+"-"+itoa(i), at(1, 9))
		a.BodyHTML = strings.Repeat("<p>Du texte.</p>", 50)
		list = append(list, a)
	}
	if err := st.Apply(context.Background(), store.Changes{Now: at(1, 0), Site: &site, Categories: categories, Articles: list}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// TestMigrateOldDatabase checks that a database made by an older version of
// the site, with only the first migration applied, is brought up to date
// and keeps working.
func TestMigrateOldDatabase(t *testing.T) {
	ctx := context.Background()
	path := dbPath(t)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	sources := p.ListSources()
	if _, err := p.UpTo(ctx, sources[0].Version); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	st := open(t, path)
	apply(t, st, store.Changes{Site: &site, Categories: categories, Articles: []content.Article{art("monde", "a", at(1, 9))}})
	if _, err := st.Article(ctx, store.View{Now: at(30, 0)}, "monde", "a"); err != nil {
		t.Errorf("migrated database: %v", err)
	}

	db, err = sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err = goose.NewProvider(goose.DialectSQLite3, db, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	version, err := p.GetDBVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if latest := sources[len(sources)-1].Version; version != latest {
		t.Errorf("schema version %d after Open, want the latest %d", version, latest)
	}
}

// TestSeal checks the seal that lets a cleanly closed database skip the
// full check at the next start: written by Close, removed by Open before
// any write, so that a crash never leaves a seal that vouches for a file
// changed since. (TestRebuildUnusableFile damages sealed files: a seal that
// no longer matches brings the full check back.)
func TestSeal(t *testing.T) {
	path := dbPath(t)
	makeDB(t, path)
	if _, err := os.Stat(path + ".sealed"); err != nil {
		t.Fatalf("Close left no seal: %v", err)
	}
	st := open(t, path)
	if _, err := os.Stat(path + ".sealed"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the seal must go when the database opens: %v", err)
	}
	if _, err := st.Article(context.Background(), store.View{Now: at(30, 0)}, "monde", "article-a-0"); err != nil {
		t.Errorf("article lost across a sealed restart: %v", err)
	}
}

// TestFeedArticles checks that a feed's articles, whose tags are read for
// all of them at once, come whole and each with its tags in its order, as
// Article gives them one by one.
func TestFeedArticles(t *testing.T) {
	draft := art("monde", "brouillon", at(9, 9), "Secret")
	draft.Draft = true
	st := seeded(t,
		art("monde", "trois", at(3, 9), "Zèbre", "Europe", "Asie"),
		art("pratique", "deux", at(2, 9), "Retraite", "Europe"),
		art("monde", "sans-tag", at(4, 9)),
		draft,
	)
	ctx, v := context.Background(), store.View{Now: at(30, 0)}
	list, err := st.FeedArticles(ctx, v, store.FeedScope{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := slugs(list), "sans-tag trois deux"; got != want {
		t.Fatalf("FeedArticles = %q, want %q", got, want)
	}
	var tags []string
	for _, tg := range list[1].Tags {
		tags = append(tags, tg.Slug)
	}
	if got, want := strings.Join(tags, " "), "zebre europe asie"; got != want || list[1].BodyHTML != "<p>Corps trois</p>" {
		t.Errorf("feed article trois: tags %q (want %q), body %q", got, want, list[1].BodyHTML)
	}
	for _, a := range list {
		one, err := st.Article(ctx, v, a.Category, a.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, one) {
			t.Errorf("feed article %s =\n %+v\nArticle gives\n %+v", a.Slug, a, one)
		}
	}
	list, err = st.FeedArticles(ctx, v, store.FeedScope{Category: "monde"}, 1)
	if err != nil || slugs(list) != "sans-tag" {
		t.Errorf("FeedArticles of monde, 1 = %q, %v", slugs(list), err)
	}
}

// TestMigrationToAuthorsRereadsFiles: a database made before authors and
// headings were stored forgets the sizes of its files, so that the next
// reload parses every file again and fills them.
func TestMigrationToAuthorsRereadsFiles(t *testing.T) {
	ctx := context.Background()
	path := dbPath(t)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 4); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO files (path, hash, size, mtime_ns, problems) VALUES ('monde/a.md', 'h', 120, 5, '[]')`); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	st := open(t, path)
	files, err := st.Files(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if f := files["monde/a.md"]; f.Size != -1 || f.Hash != "" {
		t.Errorf("file record after the migration = %+v, want size -1 and no hash", f)
	}
	a := art("monde", "a", at(1, 9))
	a.Authors = []string{"Camille Martin", "La rédaction"}
	a.Headings = []content.Heading{{Level: 2, ID: "partie", Text: "Partie"}}
	apply(t, st, store.Changes{Site: &site, Categories: categories, Articles: []content.Article{a}})
	got, err := st.Article(ctx, store.View{Now: at(30, 0)}, "monde", "a")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Authors, a.Authors) || !reflect.DeepEqual(got.Headings, a.Headings) {
		t.Errorf("authors %q, headings %+v; want %q, %+v", got.Authors, got.Headings, a.Authors, a.Headings)
	}
}

// TestSiteLoadsItsTimeZoneOnce checks that reading the site settings does
// not load the time zone again at every request: the same *time.Location
// comes back until the zone changes.
func TestSiteLoadsItsTimeZoneOnce(t *testing.T) {
	st := open(t, dbPath(t))
	apply(t, st, store.Changes{Site: &site})
	ctx := context.Background()
	a, err := st.Site(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.Site(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if a.Location != b.Location || a.Location.String() != "Europe/Paris" {
		t.Errorf("locations %p (%s) and %p: want one Europe/Paris", a.Location, a.Location, b.Location)
	}
	other := site
	other.TimeZone = "America/Montreal"
	apply(t, st, store.Changes{Site: &other})
	c, err := st.Site(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Location.String() != "America/Montreal" {
		t.Errorf("after the change the zone is %s, want America/Montreal", c.Location)
	}
}
