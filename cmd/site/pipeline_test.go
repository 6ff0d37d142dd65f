package main

import (
	"html"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/horizons-expat/site/internal/sitetest"
)

// TestCheckAndServerAgree runs the broken files of testdata/pipeline (a
// broken internal link, bad front matter, a duplicate URL, a missing image
// and a missing document, an unsourced article, a link ahead in time, raw
// HTML, a tag spelled two ways, a misplaced file, a rubrique without its
// _index.md, and an article the test moves) through `site check`, the
// server's log and /_status: all three must list the same problems, word
// for word, because they come from one pipeline.
func TestCheckAndServerAgree(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{Content: filepath.Join("testdata", "pipeline")})
	// Only the server's database remembers a move: check reads it there.
	site.Rename(t, "monde/ancien-nom.md", "monde/nouveau-nom.md")
	site.WaitFor(t, "/monde/ancien-nom", http.StatusMovedPermanently)
	statusPage := site.WaitForStatus(t, "monde/nouveau-nom.md: avertissement : l'article a changé d'adresse")
	site.WaitForLog(t, "monde/nouveau-nom.md: avertissement : l'article a changé d'adresse")

	code, stdout, stderr := runSite(t, "check", "-content", site.ContentDir, "-db", site.DBPath)
	if code != 1 {
		t.Errorf("site check = %d, want 1 (errors)\n%s", code, stderr)
	}
	checked := strings.Split(strings.TrimSpace(stdout), "\n")

	var status []string
	for _, m := range regexp.MustCompile(`data-problem="([^"]*)"`).FindAllStringSubmatch(statusPage.Body, -1) {
		status = append(status, html.UnescapeString(m[1]))
	}

	// The log names each problem when it appears and when it is fixed:
	// what remains is the current list.
	current := map[string]bool{}
	for _, line := range strings.Split(site.Logs(), "\n") {
		_, quoted, ok := strings.Cut(line, " problem=")
		if !ok {
			continue
		}
		text, err := strconv.Unquote(quoted)
		if err != nil {
			text = quoted // slog quotes only values that need it
		}
		current[text] = !strings.Contains(line, `msg="content problem fixed"`)
	}
	var logged []string
	for text, now := range current {
		if now {
			logged = append(logged, text)
		}
	}
	slices.Sort(logged)
	slices.Sort(status)
	slices.Sort(checked)

	// Every kind of problem of the set is there, so that agreeing means
	// something.
	for _, want := range []string{
		"hors-rubrique.md: article hors rubrique",
		"monde/doublon.md: même adresse /monde/correct que monde/correct.md",
		"monde/en-avance.md:7: avertissement : lien vers /monde/correct, publié le 2024-11-13 09:30, après cet article",
		"monde/en-tete.md:3: en-tête YAML invalide",
		"monde/html-brut.md:7: avertissement : balise HTML <b> ignorée",
		"monde/image-absente.md:7: avertissement : image « /media/absente.png » : image introuvable",
		"monde/lien-casse.md:7: lien interne cassé vers /monde/nulle-part",
		"monde/media-absent.md:7: lien vers le fichier /media/rapport.pdf introuvable",
		"monde/mot-cle.md: avertissement : mot-clé « securite » écrit « Sécurité » dans monde/correct.md",
		"monde/nouveau-nom.md: avertissement : l'article a changé d'adresse : /monde/ancien-nom redirige vers /monde/nouveau-nom",
		"monde/sans-source.md:1: avertissement : article sans source",
		"sport/_index.md: fichier manquant ou invalide",
		"media/casse.png: avertissement : image refusée (aucun article ne l'utilise encore) : image illisible",
	} {
		if !slices.ContainsFunc(checked, func(p string) bool { return strings.HasPrefix(p, want) }) {
			t.Errorf("site check lacks %q", want)
		}
	}
	if !slices.Equal(status, checked) {
		t.Errorf("/_status and site check disagree:\n/_status:\n%s\nsite check:\n%s", strings.Join(status, "\n"), strings.Join(checked, "\n"))
	}
	if !slices.Equal(logged, checked) {
		t.Errorf("the server's log and site check disagree:\nlog:\n%s\nsite check:\n%s", strings.Join(logged, "\n"), strings.Join(checked, "\n"))
	}
}
