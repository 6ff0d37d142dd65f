package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/sitetest"
	"github.com/horizons-expat/site/internal/web"
)

// TestChangeKeysOfPasses runs a sequence of passes over a copy of the
// fixture, one kind of change each (retagged, edited in place, authors
// added and removed in place, title, date, draft, rubrique, author files,
// new, moved, renamed, renamed and broken, deleted, site settings), and
// compares the keys that each pass names with testdata/change_keys.txt.
// That file was first written by the code that computed keys inside
// ingest (changedKeys, before the key names moved to web), so it pins the
// exact key sets through that move. After an intended change of the
// mapping, run go test ./internal/web -run TestChangeKeysOfPasses -update
// and read the diff.
func TestChangeKeysOfPasses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "content")
	sitetest.CopyDir(t, sitetest.Fixture(), dir)
	ctx := context.Background()
	_, s := sitetest.Syncer(t, dir)
	var out strings.Builder
	s.OnChange(func(c ingest.Change) { fmt.Fprintf(&out, "%s\n", strings.Join(web.ChangeKeys(c), " ")) })
	step := func(name string, do func()) {
		t.Helper()
		do()
		fmt.Fprintf(&out, "== %s\n", name)
		if _, err := s.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	w := func(name, body string) func() {
		return func() {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			// The stat-based skip compares size and modification time:
			// make sure the time moves even on coarse clocks.
			future := time.Now().Add(time.Duration(len(body)) * time.Millisecond)
			if err := os.Chtimes(p, future, future); err != nil {
				t.Fatal(err)
			}
		}
	}
	mv := func(from, to string) func() {
		return func() {
			if err := os.Rename(filepath.Join(dir, filepath.FromSlash(from)), filepath.Join(dir, filepath.FromSlash(to))); err != nil {
				t.Fatal(err)
			}
		}
	}
	rm := func(name string) func() {
		return func() {
			if err := os.Remove(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
				t.Fatal(err)
			}
		}
	}
	step("first", func() {})
	step("retag", w("pratique/retraite.md", "---\ntitle: Retraite\ndate: 2024-11-20\ntags: [pension]\n---\n\nTexte.\n"))
	step("text", w("pratique/retraite.md", "---\ntitle: Retraite\ndate: 2024-11-20\ntags: [pension]\n---\n\nTexte corrigé.\n"))
	step("author in place", w("pratique/retraite.md", "---\ntitle: Retraite\ndate: 2024-11-20\ntags: [pension]\nauthors: [Camille Martin, Jean Dupont]\n---\n\nTexte corrigé.\n"))
	step("author out in place", w("pratique/retraite.md", "---\ntitle: Retraite\ndate: 2024-11-20\ntags: [pension]\nauthors: [Jean Dupont]\n---\n\nTexte corrigé.\n"))
	step("title", w("pratique/retraite.md", "---\ntitle: Retraite anticipée\ndate: 2024-11-20\ntags: [pension]\nauthors: [Jean Dupont]\n---\n\nTexte corrigé.\n"))
	step("date", w("pratique/retraite.md", "---\ntitle: Retraite anticipée\ndate: 2024-11-21\ntags: [pension]\nauthors: [Jean Dupont]\n---\n\nTexte corrigé.\n"))
	step("draft", w("pratique/retraite.md", "---\ntitle: Retraite anticipée\ndate: 2024-11-21\ntags: [pension]\ndraft: true\n---\n\nTexte corrigé.\n"))
	step("category", w("monde/_index.md", "---\ntitle: Le monde\nweight: 10\n---\n"))
	step("author file", w("auteurs/camille-martin.md", "---\nname: Camille Martin\nrole: Reporter\n---\n"))
	step("new author file", w("auteurs/jean-dupont.md", "---\nname: Jean Dupont\n---\n"))
	step("author file deleted", rm("auteurs/camille-martin.md"))
	step("new article", w("monde/neuve.md", "---\ntitle: Neuve\ndate: 2024-11-22\ntags: [visa, monde]\nauthors: [Jean Dupont]\n---\n\nTexte.\n"))
	step("move across", mv("monde/neuve.md", "pratique/neuve.md"))
	step("rename same", mv("pratique/neuve.md", "pratique/neuve2.md"))
	step("rename and break", func() {
		mv("pratique/neuve2.md", "monde/neuve3.md")()
		w("monde/neuve3.md", "---\ntitle: Cassée\ndate: le 2024-11-22\n---\n\nx\n")()
	})
	step("fix", w("monde/neuve3.md", "---\ntitle: Neuve\ndate: 2024-11-22\ntags: [visa]\n---\n\nTexte.\n"))
	step("two at once", func() {
		w("monde/neuve3.md", "---\ntitle: Neuve\ndate: 2024-11-22\ntags: [visa]\n---\n\nTexte changé.\n")()
		w("monde/autre.md", "---\ntitle: Autre\ndate: 2024-11-23\ntags: [visa]\n---\n\nTexte.\n")()
	})
	step("delete", rm("monde/neuve3.md"))
	step("site", w("site.yaml", "title: Fixture modifiée\ntagline: Le site de test\ndescription: Un petit site pour les tests automatiques.\nbase_url: https://fixture.example\nlanguage: fr\ntimezone: Europe/Paris\n"))
	step("nothing", func() {})

	file := filepath.Join("testdata", "change_keys.txt")
	if *update {
		if err := os.WriteFile(file, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got := out.String(); got != string(want) {
		t.Errorf("keys differ from %s (run with -update if the change is intended):\n%s", file, lineDiff(string(want), got))
	}
}
