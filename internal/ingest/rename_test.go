package ingest_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/sitetest"
	"github.com/horizons-expat/site/internal/store"
)

// rename moves a file as mv and git mv do: same file, new name.
func (f *fixture) rename(from, to string) {
	f.t.Helper()
	if err := os.Rename(filepath.Join(f.dir, filepath.FromSlash(from)), filepath.Join(f.dir, filepath.FromSlash(to))); err != nil {
		f.t.Fatal(err)
	}
}

// notice tells the syncer what the file at name is now, as the watcher
// does when a file appears under a name.
func (f *fixture) notice(name string) {
	f.t.Helper()
	info, err := os.Lstat(filepath.Join(f.dir, filepath.FromSlash(name)))
	if err != nil {
		f.t.Fatal(err)
	}
	f.syncer.Noticed(name, info)
}

// saveAtomically writes text as most editors save: a temporary file, then a
// rename over the old one, which gives the name a new file.
func (f *fixture) saveAtomically(name, text string) {
	f.t.Helper()
	p := filepath.Join(f.dir, filepath.FromSlash(name))
	tmp := filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+".tmp")
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		f.t.Fatal(err)
	}
	if err := os.Rename(tmp, p); err != nil {
		f.t.Fatal(err)
	}
	f.touch(name)
}

// addresses are those of the online articles titled title, newest first.
func (f *fixture) addresses(title string) []string {
	f.t.Helper()
	latest, err := f.store.Latest(context.Background(), store.View{Now: sitetest.FixtureNow}, 100, 0)
	if err != nil {
		f.t.Fatal(err)
	}
	var at []string
	for _, a := range latest {
		if a.Title == title {
			at = append(at, a.URLPath())
		}
	}
	return at
}

// redirect is where the site sends a request for path, "" when nowhere.
func (f *fixture) redirect(path string) string {
	f.t.Helper()
	to, err := f.store.Redirect(context.Background(), store.View{Now: sitetest.FixtureNow}, path)
	if errors.Is(err, store.ErrNotFound) {
		return ""
	}
	if err != nil {
		f.t.Fatal(err)
	}
	return to
}

// TestRenameThenBreak: an article added, then renamed and saved broken
// before the next pass, keeps its last good version online, under its new
// address; the former one redirects there (make soak found it answering
// 410 while the new address was never good).
func TestRenameThenBreak(t *testing.T) {
	const (
		good   = "---\ntitle: Ajoutée puis déplacée\ndate: 2024-11-24 08:00\n---\n\nLa bonne version.\n"
		broken = "---\ntitle: Cassée en chemin\ndate: le 2024-11-24\n---\n\nLa version refusée.\n"
		fixed  = "---\ntitle: Réparée\ndate: 2024-11-24 08:00\n---\n\nLa version réparée.\n"
	)
	for _, tc := range []struct {
		name, to, url string
		// atomic: the broken version is a new file saved over the renamed
		// one. Else it is written in place, which the watcher may notice
		// before the renamed file (noticed) or only after.
		atomic, noticed bool
		// polling: no watcher, so no event tells of the rename.
		polling bool
	}{
		{"same rubrique, broken in place", "monde/deplacee.md", "/monde/deplacee", false, false, false},
		{"same rubrique, noticed, then broken in place", "monde/deplacee.md", "/monde/deplacee", false, true, false},
		{"same rubrique, broken by an atomic save", "monde/deplacee.md", "/monde/deplacee", true, true, false},
		{"other rubrique, broken in place", "pratique/deplacee.md", "/pratique/deplacee", false, false, false},
		{"other rubrique, broken by an atomic save", "pratique/deplacee.md", "/pratique/deplacee", true, true, false},
		{"polling, broken in place", "pratique/deplacee.md", "/pratique/deplacee", false, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			var change ingest.Change
			f.syncer.OnChange(func(c ingest.Change) { change = c })
			f.sync()
			f.write("monde/ajoutee.md", good)
			f.sync()
			if got := f.title("monde", "ajoutee"); got != "Ajoutée puis déplacée" {
				t.Fatalf("added article serves %q", got)
			}
			id := entryID(t, f.store, "monde/ajoutee.md")
			change = ingest.Change{}

			// Within one pass: renamed, then broken; the watcher sees
			// the old name go by a rename, and perhaps the new one come.
			f.rename("monde/ajoutee.md", tc.to)
			if !tc.polling {
				f.syncer.MovedAway("monde/ajoutee.md")
			}
			if tc.noticed {
				f.notice(tc.to)
			}
			if tc.atomic {
				f.saveAtomically(tc.to, broken)
			} else {
				f.write(tc.to, broken)
			}
			f.sync()

			category, slug, _ := strings.Cut(strings.TrimPrefix(tc.url, "/"), "/")
			if got := f.title(category, slug); got != "Ajoutée puis déplacée" {
				t.Errorf("%s serves %q, want the last good version; problems:\n%s", tc.url, got, f.problems())
			}
			if got := f.redirect("/monde/ajoutee"); got != tc.url {
				t.Errorf("former URL redirects to %q, want %s", got, tc.url)
			}
			if want := tc.to + ":3: date « le 2024-11-24 » illisible"; !strings.Contains(f.problems(), want) {
				t.Errorf("problems:\n%s\nwant %q", f.problems(), want)
			}
			if n := f.syncer.Status().Articles; n != 18 {
				t.Errorf("status counts %d articles, want 18", n)
			}
			// The change names the article in both rubriques, as moved
			// in lists (not in place), for caches to forget its pages at
			// both addresses and both rubriques' lists.
			if want := (ingest.Places{
				Before: []store.ArticlePlace{{ID: id, Category: "monde"}},
				After:  []store.ArticlePlace{{ID: id, Category: category}},
			}); !reflect.DeepEqual(change.Listed, want) {
				t.Errorf("change lists %+v, want %+v", change.Listed, want)
			}

			// A pass with nothing new changes nothing.
			f.sync()
			if got := f.title(category, slug); got != "Ajoutée puis déplacée" {
				t.Errorf("next pass: %s serves %q", tc.url, got)
			}

			// Fixed: the fix goes online at the new address.
			f.write(tc.to, fixed)
			f.sync()
			if got := f.title(category, slug); got != "Réparée" {
				t.Errorf("after the fix %s serves %q; problems:\n%s", tc.url, got, f.problems())
			}
			if got := f.redirect("/monde/ajoutee"); got != tc.url {
				t.Errorf("after the fix the former URL redirects to %q, want %s", got, tc.url)
			}

			// A restart reads the article where it now is.
			f.open()
			if rep := f.sync(); rep.Parsed != 0 {
				t.Errorf("restart parsed %d files, want 0", rep.Parsed)
			}
			if got := f.title(category, slug); got != "Réparée" {
				t.Errorf("after a restart %s serves %q", tc.url, got)
			}
		})
	}
}

// TestDeleteThenNewBrokenFile: a deleted article never comes back under the
// name of a new broken file, even when the new file was noticed by the
// watcher: only the renamed file itself carries the last good version.
func TestDeleteThenNewBrokenFile(t *testing.T) {
	f := newFixture(t)
	f.sync()
	before, err := os.Lstat(filepath.Join(f.dir, "monde", "nouvelle-01.md"))
	if err != nil {
		t.Fatal(err)
	}
	f.remove("monde/nouvelle-01.md")
	f.write("monde/autre.md", "---\ntitle: Autre\ndate: le 2024-11-24\n---\n\nTexte.\n")
	f.notice("monde/autre.md")
	if after, err := os.Lstat(filepath.Join(f.dir, "monde", "autre.md")); err == nil && os.SameFile(before, after) {
		// ext4 does so: the case this test is about.
		t.Log("the new file took the deleted file's inode")
	}
	f.sync()
	if got := f.title("monde", "autre"); got != "" {
		t.Errorf("/monde/autre serves %q, want nothing (its only version is broken)", got)
	}
	gone, err := f.store.Gone(context.Background(), store.View{Now: sitetest.FixtureNow}, "/monde/nouvelle-01")
	if err != nil || !gone {
		t.Errorf("deleted article: gone %v, %v; redirect %q", gone, err, f.redirect("/monde/nouvelle-01"))
	}
}

// TestRenameWhileDown: a file renamed while the server was stopped is the
// first pass's rename after the restart, whose stored outlines (read in the
// background while the pass walks the folder) must be those from before
// the pass. The article keeps its aliases, and the problems are exactly
// those that site check finds with the database's moves.
func TestRenameWhileDown(t *testing.T) {
	f := newFixture(t)
	f.sync()
	link := "Voir la [retraite](/pratique/retraite).\n"
	f.write("monde/lien.md", "---\ntitle: Un lien\ndate: 2024-11-21 09:00\nsources:\n  - \"[Cleiss](https://www.cleiss.fr/)\"\n---\n\n"+link)
	f.sync()
	f.store.Close()

	f.rename("pratique/retraite.md", "pratique/retraite-a-l-etranger.md")
	f.open()
	if rep := f.sync(); rep.Parsed != 1 {
		t.Errorf("restart parsed %d files, want the renamed one", rep.Parsed)
	}
	if got := f.title("pratique", "retraite-a-l-etranger"); got != "Préparer sa retraite à l’étranger" {
		t.Fatalf("the renamed article serves %q", got)
	}
	for _, from := range []string{"/ancienne/retraite", "/pratique/retraite"} {
		if got := f.redirect(from); got != "/pratique/retraite-a-l-etranger" {
			t.Errorf("%s redirects to %q, want the new address", from, got)
		}
	}
	moves, err := f.store.Moves(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	set, err := ingest.CheckDir(f.dir, moves)
	if err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for _, p := range set.Problems {
		want = append(want, p.String())
	}
	for _, p := range f.syncer.Status().Problems {
		got = append(got, p.String())
	}
	if !slices.Contains(got, "monde/lien.md:8: avertissement : lien vers l'ancienne adresse /pratique/retraite, qui ne redirige vers "+
		"/pratique/retraite-a-l-etranger que tant que la base s'en souvient : mettez le lien à jour") {
		t.Errorf("the link to the former address is not noted: %q", got)
	}
	if !slices.Equal(got, want) {
		t.Errorf("after the restart the server finds\n%s\nsite check finds\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// racingFolder is a content folder in which a file is renamed while a pass
// lists the folder dir: the listing holds the names from before the rename
// and, with both, those from after it too, as a listing read in several
// system calls may (POSIX leaves it open), each name as it was when listed
// last. The listing of
// the folder then, when set, waits for the rename. The walk takes the
// folders at the top in order, so then must come after dir: a folder
// listed before dir cannot wait for it.
type racingFolder struct {
	fs.FS
	dir, then string
	both      bool
	rename    func()
	once      sync.Once
	renamed   chan struct{}
}

func (r *racingFolder) ReadDir(name string) ([]fs.DirEntry, error) {
	if name == r.then {
		<-r.renamed
	}
	list, err := fs.ReadDir(r.FS, name)
	if err != nil || name != r.dir {
		return list, err
	}
	r.once.Do(func() {
		defer close(r.renamed)
		r.rename()
		if !r.both {
			return
		}
		after, err := fs.ReadDir(r.FS, name)
		if err != nil {
			return
		}
		// A name listed again is looked at again: what it is after.
		list = slices.DeleteFunc(list, func(e fs.DirEntry) bool {
			return slices.ContainsFunc(after, func(d fs.DirEntry) bool { return d.Name() == e.Name() })
		})
		list = append(list, after...)
		slices.SortFunc(list, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	})
	return list, nil
}

// TestRenameDuringTheWalk: a file renamed while a pass walks the folder is
// never online twice, and the rename is never taken for a deletion: once a
// pass has seen it, there is one article at the new address, the former
// one redirecting there (the soak test saw the front page show an article
// at two versions, its old name's last good one beside its new name's).
func TestRenameDuringTheWalk(t *testing.T) {
	const title = "Nouvelle numéro 01"
	for _, tc := range []struct {
		name, listed, then, to, url string
		both                        bool
		// lazy: the listing leaves each file's stat for later, as
		// os.DirFS does (an os.Root stats as it lists).
		lazy bool
	}{
		{"same rubrique, listed before and after", "monde", "", "monde/renommee.md", "/monde/renommee", true, false},
		{"same rubrique, listed before", "monde", "", "monde/renommee.md", "/monde/renommee", false, false},
		// Its old name is gone when the walk looks at it.
		{"same rubrique, listed before, looked at after", "monde", "", "monde/renommee.md", "/monde/renommee", false, true},
		// Seen under both names.
		{"other rubrique, old one listed before, new one after", "monde", "pratique", "pratique/renommee.md", "/pratique/renommee", false, false},
		// Seen under neither.
		{"other rubrique, new one listed before, old one after", "afrique", "monde", "afrique/renommee.md", "/afrique/renommee", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.write("afrique/_index.md", "---\ntitle: Afrique\n---\n")
			f.sync()
			id := entryID(t, f.store, "monde/nouvelle-01.md")
			folder := &racingFolder{dir: tc.listed, then: tc.then, both: tc.both, renamed: make(chan struct{}),
				rename: func() { f.rename("monde/nouvelle-01.md", tc.to) }}
			f.folder = func(fsys fs.FS) fs.FS {
				folder.FS = fsys
				if tc.lazy {
					folder.FS = os.DirFS(f.dir)
				}
				return folder
			}
			f.open() // the same database, read through the racing folder
			f.sync()
			f.syncer.MovedAway("monde/nouvelle-01.md") // the watcher's event, once the rename is done

			// After the pass that walked during the rename, the article
			// is at one address, the new one if that pass saw the rename
			// (a listing from before it is the folder as it was); after
			// the next pass, at the new one.
			check := func(when string, renamed bool) {
				t.Helper()
				at := f.addresses(title)
				if !renamed && slices.Equal(at, []string{"/monde/nouvelle-01"}) {
					if got := entryID(t, f.store, "monde/nouvelle-01.md"); got != id {
						t.Errorf("%s: the article is number %d, was %d", when, got, id)
					}
					return
				}
				if !slices.Equal(at, []string{tc.url}) {
					t.Errorf("%s: the article is at %q, want only %s; problems:\n%s", when, at, tc.url, f.problems())
				}
				if got := f.redirect("/monde/nouvelle-01"); got != tc.url {
					t.Errorf("%s: the former address redirects to %q, want %s", when, got, tc.url)
				}
				if got := entryID(t, f.store, tc.to); got != id {
					t.Errorf("%s: the article is number %d, was %d: a new article, not a rename", when, got, id)
				}
			}
			check("after the pass that walked during the rename", tc.both)
			f.sync()
			check("after the next pass", true)
		})
	}
}

// TestRenameOverAnotherDuringTheWalk: a file renamed over another stored
// one while a pass lists the folder is never online twice, though the walk
// saw it under both names, every name it expected found.
func TestRenameOverAnotherDuringTheWalk(t *testing.T) {
	f := newFixture(t)
	// The two files have the same size and time: only their identities
	// tell them apart, which a pass knows from the one before.
	folder := &racingFolder{dir: "nowhere", both: true, renamed: make(chan struct{}),
		rename: func() { f.rename("monde/nouvelle-01.md", "monde/nouvelle-02.md") }}
	f.folder = func(fsys fs.FS) fs.FS { folder.FS = fsys; return folder }
	f.open()
	f.sync()
	folder.dir = "monde"
	for _, when := range []string{"after the pass that walked during the rename", "after the next pass"} {
		f.sync()
		if at := f.addresses("Nouvelle numéro 02"); len(at) > 0 {
			t.Errorf("%s: the overwritten article is still at %q", when, at)
		}
		if at := f.addresses("Nouvelle numéro 01"); !slices.Equal(at, []string{"/monde/nouvelle-02"}) {
			t.Errorf("%s: the renamed article is at %q, want only /monde/nouvelle-02", when, at)
		}
	}
}

// countingFolder counts the walks of a content folder: each lists its top.
type countingFolder struct {
	fs.FS
	walks atomic.Int32
}

func (c *countingFolder) ReadDir(name string) ([]fs.DirEntry, error) {
	if name == "." {
		c.walks.Add(1)
	}
	return fs.ReadDir(c.FS, name)
}

// TestWalksOnceUnlessAStoredFileWent: a pass looks twice at the folder only
// when a stored file is no longer where it was, so that a first start and
// the passes of edits and additions, nearly all of them, walk it once.
func TestWalksOnceUnlessAStoredFileWent(t *testing.T) {
	const text = "---\ntitle: Ajoutée\ndate: 2024-11-24 08:00\n---\n\nTexte.\n"
	f := newFixture(t)
	folder := &countingFolder{}
	f.folder = func(fsys fs.FS) fs.FS { folder.FS = fsys; return folder }
	f.open()
	for _, step := range []struct {
		name   string
		change func()
		walks  int32
	}{
		{"first pass", func() {}, 1},
		{"nothing changed", func() {}, 1},
		{"an edit", func() { f.write("monde/nouvelle-02.md", strings.Replace(text, "Ajoutée", "Modifiée", 1)) }, 1},
		{"an addition", func() { f.write("monde/ajoutee.md", text) }, 1},
		{"a rename", func() { f.rename("monde/ajoutee.md", "monde/deplacee.md") }, 2},
		{"a deletion", func() { f.remove("monde/deplacee.md") }, 2},
		{"a restart", func() { f.open() }, 1},
	} {
		step.change()
		folder.walks.Store(0)
		f.sync()
		if got := folder.walks.Load(); got != step.walks {
			t.Errorf("%s: %d walks, want %d", step.name, got, step.walks)
		}
	}
}
