package ingest_test

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/sitetest"
	"github.com/horizons-expat/site/internal/store"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// fixture is a copy of the test content folder with a syncer over it.
type fixture struct {
	t      *testing.T
	dir    string
	dbPath string
	store  *store.Store
	syncer *ingest.Syncer
	mtime  time.Time // each write gets a later modification time
	// folder, when set, wraps the content folder the syncer reads.
	folder func(fs.FS) fs.FS
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "content")
	sitetest.CopyDir(t, sitetest.Fixture(), dir)
	// Files written long before the passes, as on a real site; writes in
	// the test get later times, still in the past.
	f := &fixture{t: t, dir: dir, dbPath: filepath.Join(t.TempDir(), "site.db"), mtime: time.Now().Add(-time.Hour)}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		old := f.mtime.Add(-time.Hour)
		return os.Chtimes(p, old, old)
	})
	if err != nil {
		t.Fatal(err)
	}
	f.open()
	return f
}

func (f *fixture) open() {
	f.t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, f.dbPath, quiet)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { st.Close() })
	root, err := os.OpenRoot(f.dir)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { root.Close() })
	fsys := root.FS()
	if f.folder != nil {
		fsys = f.folder(fsys)
	}
	s, err := ingest.New(ctx, fsys, st, quiet, func() time.Time { return sitetest.FixtureNow })
	if err != nil {
		f.t.Fatal(err)
	}
	f.store, f.syncer = st, s
}

func (f *fixture) sync() ingest.Report {
	f.t.Helper()
	rep, err := f.syncer.Sync(context.Background())
	if err != nil {
		f.t.Fatalf("sync: %v", err)
	}
	return rep
}

func (f *fixture) write(name, text string) {
	f.t.Helper()
	p := filepath.Join(f.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		f.t.Fatal(err)
	}
	f.touch(name)
}

func (f *fixture) touch(name string) {
	f.t.Helper()
	f.mtime = f.mtime.Add(time.Second)
	if err := os.Chtimes(filepath.Join(f.dir, filepath.FromSlash(name)), f.mtime, f.mtime); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) remove(name string) {
	f.t.Helper()
	if err := os.Remove(filepath.Join(f.dir, filepath.FromSlash(name))); err != nil {
		f.t.Fatal(err)
	}
}

// title returns the title served at category/slug, or "" when none is.
func (f *fixture) title(category, slug string) string {
	f.t.Helper()
	a, err := f.store.Article(context.Background(), store.View{Now: sitetest.FixtureNow}, category, slug)
	if err != nil {
		return ""
	}
	return a.Title
}

// problems are the errors of the last pass. The fixture's articles also
// carry the warnings of the checks spanning articles (no sources, links to
// later articles), which golden pages keep as they are; these tests watch
// the errors.
func (f *fixture) problems() string {
	var out []string
	for _, p := range f.syncer.Status().Problems {
		if p.Warning {
			continue
		}
		out = append(out, p.String())
	}
	return strings.Join(out, "\n")
}

const fixtureFiles = 21 // site.yaml, 2 _index.md, 17 articles, 1 author

func TestSync(t *testing.T) {
	f := newFixture(t)

	rep := f.sync()
	if rep.Read != fixtureFiles || rep.Parsed != fixtureFiles-1 || rep.Saved != 17 {
		t.Errorf("initial load: %+v, want %d read, %d parsed, 17 saved", rep, fixtureFiles, fixtureFiles-1)
	}
	if st := f.syncer.Status(); st.Articles != 17 || content.HasErrors(st.Problems) || !st.LastSync.Equal(sitetest.FixtureNow) {
		t.Errorf("status after load: %+v", st)
	}
	if got := f.title("pratique", "retraite"); got != "Préparer sa retraite à l’étranger" {
		t.Errorf("title = %q", got)
	}

	if rep := f.sync(); rep.Read != 0 || rep.Parsed != 0 || rep.Saved != 0 {
		t.Errorf("nothing changed: %+v, want nothing read or parsed", rep)
	}
	v1, _ := f.store.Version(context.Background())

	f.touch("pratique/retraite.md")
	if rep := f.sync(); rep.Read != 1 || rep.Parsed != 0 {
		t.Errorf("touched file: %+v, want 1 read, 0 parsed", rep)
	}

	f.write("pratique/retraite.md", "---\ntitle: Retraite, nouvelle version\ndate: 2024-11-20 10:30\n---\n\nNouveau texte.\n")
	if rep := f.sync(); rep.Read != 1 || rep.Parsed != 1 || rep.Saved != 1 {
		t.Errorf("one edit: %+v, want 1 read, 1 parsed, 1 saved", rep)
	}
	if got := f.title("pratique", "retraite"); got != "Retraite, nouvelle version" {
		t.Errorf("edited title = %q", got)
	}
	if v2, _ := f.store.Version(context.Background()); v2 <= v1 {
		t.Errorf("content version did not grow: %d → %d", v1, v2)
	}

	// A bad edit: the last good version stays online, the problem is reported.
	f.write("pratique/retraite.md", "---\ntitle: Retraite cassée\ndate: le 20 novembre\n---\n\nTexte.\n")
	if rep := f.sync(); rep.Parsed != 1 || rep.Saved != 0 {
		t.Errorf("bad edit: %+v, want 1 parsed, 0 saved", rep)
	}
	if got := f.title("pratique", "retraite"); got != "Retraite, nouvelle version" {
		t.Errorf("after a bad edit the article shows %q, want the last good version", got)
	}
	want := "pratique/retraite.md:3: date « le 20 novembre » illisible"
	if !strings.HasPrefix(f.problems(), want) {
		t.Errorf("problems = %q, want %q", f.problems(), want)
	}
	f.sync()
	if !strings.HasPrefix(f.problems(), want) {
		t.Errorf("the problem was forgotten by the next pass: %q", f.problems())
	}

	// Fixed: the problem goes away.
	f.write("pratique/retraite.md", "---\ntitle: Retraite réparée\ndate: 2024-11-20 10:30\n---\n\nTexte.\n")
	f.sync()
	if got := f.title("pratique", "retraite"); got != "Retraite réparée" || f.problems() != "" {
		t.Errorf("after the fix: title %q, problems %q", got, f.problems())
	}

	// Deleted: gone.
	f.remove("pratique/retraite.md")
	if rep := f.sync(); rep.Deleted != 1 {
		t.Errorf("deletion: %+v, want 1 deleted", rep)
	}
	if got := f.title("pratique", "retraite"); got != "" {
		t.Errorf("deleted article still served: %q", got)
	}
	gone, err := f.store.Gone(context.Background(), store.View{Now: sitetest.FixtureNow}, "/pratique/retraite")
	if err != nil || !gone {
		t.Errorf("deleted article not gone: %v %v", gone, err)
	}
	if n := f.syncer.Status().Articles; n != 16 {
		t.Errorf("status counts %d articles, want 16", n)
	}

	// A restart on the same database reads nothing again.
	f.open()
	if rep := f.sync(); rep.Read != 0 || rep.Parsed != 0 {
		t.Errorf("restart: %+v, want nothing read", rep)
	}
}

func TestSyncNewArticleAndConflicts(t *testing.T) {
	f := newFixture(t)
	f.sync()

	f.write("monde/nouvelle-15.md", "---\ntitle: Nouvelle numéro 15\ndate: 2024-11-15 09:00\n---\n\nTexte.\n")
	if rep := f.sync(); rep.Parsed != 1 || rep.Saved != 1 {
		t.Errorf("new article: %+v", rep)
	}
	if f.title("monde", "nouvelle-15") == "" {
		t.Error("new article not served")
	}

	// A newcomer that takes the URL of a live article is refused; the live one stays.
	f.write("monde/copie.md", "---\ntitle: Copie\ndate: 2024-11-15 09:00\nslug: nouvelle-01\n---\n\nTexte.\n")
	f.sync()
	if got := f.title("monde", "nouvelle-01"); got != "Nouvelle numéro 01" {
		t.Errorf("live article lost its URL to a newcomer: %q", got)
	}
	if want := "monde/copie.md: même adresse /monde/nouvelle-01 que monde/nouvelle-01.md"; !strings.Contains(f.problems(), want) {
		t.Errorf("problems = %q, want %q", f.problems(), want)
	}

	// Once the live article goes, the newcomer takes its URL by itself.
	f.remove("monde/nouvelle-01.md")
	f.sync()
	if got := f.title("monde", "nouvelle-01"); got != "Copie" {
		t.Errorf("freed URL shows %q, want the waiting article; problems %q", got, f.problems())
	}

	// An article in a folder without _index.md is left out until it has one.
	f.write("sport/match.md", "---\ntitle: Le match\ndate: 2024-11-15 09:00\n---\n\nTexte.\n")
	f.sync()
	if f.title("sport", "match") != "" {
		t.Error("article of a category without _index.md is served")
	}
	if want := "sport/_index.md: fichier manquant ou invalide"; !strings.Contains(f.problems(), want) {
		t.Errorf("problems = %q, want %q", f.problems(), want)
	}
	f.write("sport/_index.md", "---\ntitle: Sport\n---\n")
	f.sync()
	if f.title("sport", "match") != "Le match" {
		t.Errorf("article not served once its category exists; problems %q", f.problems())
	}

	// Deleting a category file while articles remain keeps the category online.
	f.remove("sport/_index.md")
	f.sync()
	if f.title("sport", "match") != "Le match" {
		t.Error("articles vanished with their category file")
	}
	want := "sport/_index.md: fichier supprimé alors que la rubrique contient encore des articles"
	if !strings.Contains(f.problems(), want) {
		t.Errorf("problems = %q, want %q", f.problems(), want)
	}
	// Still true at the next pass, so still said.
	f.sync()
	if !strings.Contains(f.problems(), want) {
		t.Errorf("the next pass forgot the missing category file: %q", f.problems())
	}
}

func TestSyncTimeZoneChange(t *testing.T) {
	f := newFixture(t)
	f.sync()
	before, err := f.store.Article(context.Background(), store.View{Now: sitetest.FixtureNow}, "pratique", "retraite")
	if err != nil {
		t.Fatal(err)
	}
	f.write("site.yaml", "title: Fixture\nbase_url: https://fixture.example\ntimezone: America/New_York\n")
	if rep := f.sync(); rep.Parsed < 17 {
		t.Errorf("time zone change re-read %d files, want every article", rep.Parsed)
	}
	after, err := f.store.Article(context.Background(), store.View{Now: sitetest.FixtureNow}, "pratique", "retraite")
	if err != nil {
		t.Fatal(err)
	}
	if got := after.Date.Sub(before.Date); got != 6*time.Hour {
		t.Errorf("10:30 in New York is %v after 10:30 in Paris, want 6h", got)
	}
}

// TestSyncSameSizeSameTime rewrites a file with bytes of the same size
// within the same file time, as a quick second save can on a file system
// with coarse timestamps: the pass must still see the new version.
func TestSyncSameSizeSameTime(t *testing.T) {
	f := newFixture(t)
	f.sync()
	write := func(title string, mtime time.Time) {
		p := filepath.Join(f.dir, "pratique", "retraite.md")
		if err := os.WriteFile(p, []byte("---\ntitle: "+title+"\ndate: 2024-11-20 10:30\n---\n\nTexte.\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	tick := time.Now().Truncate(time.Second)
	write("Version A", tick)
	f.sync()
	write("Version B", tick) // same size, same time
	f.sync()
	if got := f.title("pratique", "retraite"); got != "Version B" {
		t.Errorf("title = %q, want the second save", got)
	}
	// Once the file is older than the passes, size and time suffice again.
	if rep := f.sync(); rep.Parsed != 0 {
		t.Errorf("third pass parsed %d files, want 0", rep.Parsed)
	}
}

// TestRestartKeepsProblems: a restart parses no unchanged file, yet its
// status lists the same problems, those spanning articles included: the
// links, sources and tags of every article are read back from the store.
func TestRestartKeepsProblems(t *testing.T) {
	f := newFixture(t)
	f.write("monde/casse.md", "---\ntitle: Cassé\ndate: 2024-11-10\ntags: [Monde]\n---\n\n"+
		"[rien](/monde/nulle-part), [le document](/media/absent.pdf), [la suite](/pratique/retraite).\n")
	f.sync()
	all := func() []string {
		var out []string
		for _, p := range f.syncer.Status().Problems {
			out = append(out, p.String())
		}
		return out
	}
	before := all()
	for _, want := range []string{
		"monde/casse.md:1: avertissement : article sans source",
		"monde/casse.md:7: lien interne cassé vers /monde/nulle-part",
		"monde/casse.md:7: lien vers le fichier /media/absent.pdf introuvable",
		"monde/casse.md:7: avertissement : lien vers /pratique/retraite, publié le 2024-11-20 10:30, après cet article",
	} {
		if !slices.ContainsFunc(before, func(p string) bool { return strings.HasPrefix(p, want) }) {
			t.Errorf("problems lack %q:\n%s", want, strings.Join(before, "\n"))
		}
	}

	f.open()
	if rep := f.sync(); rep.Parsed != 0 {
		t.Errorf("restart parsed %d files, want none", rep.Parsed)
	}
	if after := all(); !slices.Equal(after, before) {
		t.Errorf("after a restart the problems are\n%s\nwant\n%s", strings.Join(after, "\n"), strings.Join(before, "\n"))
	}
}
