package ingest_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/horizons-expat/site/internal/sitetest"
)

// article is the text of an article file.
func article(title, date string, frontMatter ...string) string {
	fm := ""
	for _, l := range frontMatter {
		fm += l + "\n"
	}
	return fmt.Sprintf("---\ntitle: %q\ndate: %s\n%s---\n\nLe texte de « %s ».\n", title, date, fm, title)
}

// TestLiveReload drives a running site through every way editors change
// content: each change must show without a restart.
func TestLiveReload(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})

	t.Run("new article written in place", func(t *testing.T) {
		site.Write(t, "monde/arrivee.md", article("Arrivée en direct", "2024-11-24 08:00"))
		site.WaitFor(t, "/monde/arrivee", http.StatusOK, "Arrivée en direct")
		site.WaitFor(t, "/monde", http.StatusOK, "Arrivée en direct", "15 articles")
	})

	t.Run("article changed in place", func(t *testing.T) {
		src := site.Read(t, "pratique/retraite.md")
		site.Write(t, "pratique/retraite.md", strings.Replace(src, "Préparer sa retraite à l'étranger", "Retraite, le guide revu", 1))
		site.WaitFor(t, "/pratique/retraite", http.StatusOK, "Retraite, le guide revu")
		// The alias keeps working across the change.
		if r := site.Get(t, "/ancienne/retraite"); r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/pratique/retraite" {
			t.Errorf("alias: %d %q, want 301 to /pratique/retraite", r.StatusCode, r.Header.Get("Location"))
		}
	})

	t.Run("written to a temporary file then renamed (VS Code, most editors)", func(t *testing.T) {
		tmp := "monde/.nouvelle-02.md.tmp-8312"
		site.Write(t, tmp, article("Deuxième, réécrite par renommage", "2024-11-02 09:00"))
		site.Rename(t, tmp, "monde/nouvelle-02.md")
		site.WaitFor(t, "/monde/nouvelle-02", http.StatusOK, "Deuxième, réécrite par renommage")
	})

	t.Run("vim: original moved to a backup, new file written", func(t *testing.T) {
		site.Write(t, "monde/.nouvelle-03.md.swp", "\x00binary swap\xff")
		site.Rename(t, "monde/nouvelle-03.md", "monde/nouvelle-03.md~")
		site.Write(t, "monde/nouvelle-03.md", article("Troisième, enregistrée par vim", "2024-11-03 09:00"))
		site.Remove(t, "monde/nouvelle-03.md~")
		site.Remove(t, "monde/.nouvelle-03.md.swp")
		site.WaitFor(t, "/monde/nouvelle-03", http.StatusOK, "Troisième, enregistrée par vim")
	})

	t.Run("atomic mv from outside the content folder", func(t *testing.T) {
		outside := filepath.Join(t.TempDir(), "depeche.md")
		if err := os.WriteFile(outside, []byte(article("Dépêche déplacée", "2024-11-24 10:00")), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(outside, site.Path("monde/depeche.md")); err != nil {
			t.Fatal(err)
		}
		site.WaitFor(t, "/monde/depeche", http.StatusOK, "Dépêche déplacée")
	})

	t.Run("swap, backup and hidden files are ignored", func(t *testing.T) {
		for _, name := range []string{"monde/.#verrou.md", "monde/sauvegarde.md~", "monde/.cache.md.swp", "monde/.cache/secret.md", "#brouillon-emacs.md#"} {
			site.Write(t, name, "---\ntitle: [cassé\n")
		}
		// A real change after them: once it shows, they have been seen.
		site.Write(t, "monde/temoin.md", article("Témoin", "2024-11-24 11:00"))
		site.WaitFor(t, "/monde/temoin", http.StatusOK, "Témoin")
		st := site.Get(t, "/_status")
		for _, bit := range []string{"verrou", "sauvegarde", ".cache", "brouillon-emacs", "Erreurs (1", "Erreurs (2"} {
			if strings.Contains(st.Body, bit) {
				t.Errorf("status page mentions %q, an ignored file:\n%s", bit, st.Body)
			}
		}
	})

	t.Run("renamed article: new URL, old one redirects", func(t *testing.T) {
		site.Rename(t, "monde/nouvelle-04.md", "monde/quatrieme-nouvelle.md")
		site.WaitFor(t, "/monde/quatrieme-nouvelle", http.StatusOK, "Nouvelle numéro 04")
		r := site.Get(t, "/monde/nouvelle-04")
		if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/monde/quatrieme-nouvelle" {
			t.Fatalf("old URL: %d to %q, want 301 to /monde/quatrieme-nouvelle", r.StatusCode, r.Header.Get("Location"))
		}
		// The editor is told how to make the redirect durable.
		site.WaitForStatus(t, "monde/quatrieme-nouvelle.md: avertissement : l'article a changé d'adresse", "aliases: [/monde/nouvelle-04]")
		// Moved to another category too.
		site.Rename(t, "monde/quatrieme-nouvelle.md", "pratique/quatrieme-nouvelle.md")
		site.WaitFor(t, "/pratique/quatrieme-nouvelle", http.StatusOK, "Nouvelle numéro 04")
		for _, old := range []string{"/monde/nouvelle-04", "/monde/quatrieme-nouvelle"} {
			if r := site.Get(t, old); r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/pratique/quatrieme-nouvelle" {
				t.Errorf("%s: %d to %q, want 301 to /pratique/quatrieme-nouvelle", old, r.StatusCode, r.Header.Get("Location"))
			}
		}
		// Following the editor's advice makes the status quiet again.
		src := site.Read(t, "pratique/quatrieme-nouvelle.md")
		site.Write(t, "pratique/quatrieme-nouvelle.md", strings.Replace(src, "---\n", "---\naliases: [/monde/nouvelle-04, /monde/quatrieme-nouvelle]\n", 1))
		site.WaitForStatusWithout(t, "l'article a changé d'adresse")
	})

	t.Run("renamed and broken at once: the last good version follows the file", func(t *testing.T) {
		site.Write(t, "monde/avant.md", article("Avant le déplacement", "2024-11-24 09:30"))
		site.WaitFor(t, "/monde/avant", http.StatusOK, "Avant le déplacement")
		site.Rename(t, "monde/avant.md", "monde/apres.md")
		site.Write(t, "monde/apres.md", "---\ntitle: Cassé en chemin\ndate: le 24\n---\n\nTexte.\n")
		site.WaitForStatus(t, "monde/apres.md:3: date « le 24 » illisible")
		site.WaitFor(t, "/monde/apres", http.StatusOK, "Avant le déplacement")
		if r := site.Get(t, "/monde/avant"); r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/monde/apres" {
			t.Errorf("old URL: %d to %q, want 301 to /monde/apres", r.StatusCode, r.Header.Get("Location"))
		}
	})

	t.Run("deleted article answers 410 and leaves the listings", func(t *testing.T) {
		site.Remove(t, "monde/nouvelle-05.md")
		site.WaitFor(t, "/monde/nouvelle-05", http.StatusGone, "Article retiré")
		for _, p := range []string{"/monde", "/monde/page/2", "/", "/tags/monde"} {
			if r := site.Get(t, p); strings.Contains(r.Body, "Nouvelle numéro 05") {
				t.Errorf("%s still lists the deleted article", p)
			}
		}
		// Written again, it comes back.
		site.Write(t, "monde/nouvelle-05.md", article("Nouvelle numéro 05, le retour", "2024-11-05 09:00"))
		site.WaitFor(t, "/monde/nouvelle-05", http.StatusOK, "Nouvelle numéro 05, le retour")
	})

	t.Run("category _index.md changed", func(t *testing.T) {
		site.Write(t, "monde/_index.md", "---\ntitle: Le monde entier\ndescription: Tout le monde.\nweight: 10\n---\n")
		site.WaitFor(t, "/", http.StatusOK, "Le monde entier")
		site.WaitFor(t, "/monde", http.StatusOK, "Le monde entier", "Tout le monde.")
	})

	t.Run("new category folder, then a file added to it later", func(t *testing.T) {
		site.Write(t, "sport/_index.md", "---\ntitle: Sport\nweight: 30\n---\n")
		site.Write(t, "sport/match.md", article("Le match de la semaine", "2024-11-24 12:00"))
		site.WaitFor(t, "/sport/match", http.StatusOK, "Le match de la semaine")
		site.Write(t, "sport/revanche.md", article("La revanche", "2024-11-24 13:00"))
		site.WaitFor(t, "/sport/revanche", http.StatusOK, "La revanche")
		site.WaitFor(t, "/sport", http.StatusOK, "2 articles")
	})

	t.Run("whole folder moved in, then removed", func(t *testing.T) {
		outside := filepath.Join(t.TempDir(), "culture")
		if err := os.MkdirAll(outside, 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(outside, "_index.md"), []byte("---\ntitle: Culture\n---\n"), 0o644)
		os.WriteFile(filepath.Join(outside, "expo.md"), []byte(article("Une exposition", "2024-11-24 14:00")), 0o644)
		if err := os.Rename(outside, site.Path("culture")); err != nil {
			t.Fatal(err)
		}
		site.WaitFor(t, "/culture/expo", http.StatusOK, "Une exposition")
		site.Write(t, "culture/concert.md", article("Un concert", "2024-11-24 15:00"))
		site.WaitFor(t, "/culture/concert", http.StatusOK, "Un concert")
		site.Remove(t, "culture")
		site.WaitFor(t, "/culture/expo", http.StatusGone)
		site.WaitFor(t, "/culture", http.StatusNotFound)
	})

	t.Run("site.yaml changed", func(t *testing.T) {
		src := site.Read(t, "site.yaml")
		site.Write(t, "site.yaml", strings.Replace(src, "title: Fixture", "title: Horizons en direct", 1))
		site.WaitFor(t, "/", http.StatusOK, "Horizons en direct")
	})

	if t.Failed() {
		t.Logf("site log:\n%s", site.Logs())
	}
}
