package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/horizons-expat/site/internal/app"
	"github.com/horizons-expat/site/internal/sitetest"
	"github.com/horizons-expat/site/internal/web"
)

// TestCheckBundledContent keeps the shipped content clean: not one error
// and not one warning.
func TestCheckBundledContent(t *testing.T) {
	code, stdout, stderr := runSite(t, "check", "-strict", "-content", sitetest.Bundled())
	if code != 0 {
		t.Fatalf("site check on content/ = %d, want 0\n%s%s", code, stdout, stderr)
	}
	if stdout != "" {
		t.Errorf("site check printed problems:\n%s", stdout)
	}
	if !strings.Contains(stderr, "aucun problème") {
		t.Errorf("summary = %q", stderr)
	}
}

// TestCheckBrokenFixture runs site check on testdata/broken, where every
// kind of bad input of the issue sits beside one good article.
func TestCheckBrokenFixture(t *testing.T) {
	code, stdout, stderr := runSite(t, "check", "-content", filepath.Join("testdata", "broken"))
	if code != 1 {
		t.Fatalf("site check = %d, want 1\n%s%s", code, stdout, stderr)
	}
	want := []string{
		"monde/cle-inconnue.md:1: avertissement : article sans source",
		"monde/cle-inconnue.md:2: avertissement : clé inconnue « titel » ignorée (vouliez-vous écrire « title » ?)",
		"monde/date-illisible.md:3: date « 13 novembre 2024 » illisible",
		"monde/doublon.md: même adresse /monde/correct que monde/correct.md",
		"monde/latin1.md:2: caractères invalides : le fichier doit être enregistré en UTF-8",
		"monde/non-ferme.md:6: en-tête YAML non fermé",
		"monde/sans-date.md:2: la date (date) est obligatoire",
		"monde/vide.md: fichier vide",
		"monde/yaml-casse.md:2: en-tête YAML invalide : fin inattendue : un guillemet ouvert n'est pas refermé ?",
		"sport/_index.md: fichier manquant ou invalide : la rubrique « sport » doit avoir un _index.md valide",
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != len(want) {
		t.Fatalf("site check printed %d problems, want %d:\n%s", len(lines), len(want), stdout)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q\nwant prefix %q", i+1, lines[i], w)
		}
	}
	if !strings.Contains(stderr, "2 articles, 1 rubrique, 8 erreurs, 2 avertissements\n") {
		t.Errorf("summary = %q", stderr)
	}
}

// TestHelp: asking for help is not a mistake: usage on standard output,
// exit 0.
func TestHelp(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-h"}, "usage:"},
		{[]string{"--help"}, "usage:"},
		{[]string{"-help"}, "usage:"},
		{[]string{"help"}, "usage:"},
		{[]string{"help", "serve"}, "-log-format"},
		{[]string{"serve", "-h"}, "-log-level"},
		{[]string{"check", "--help"}, "-strict"},
		{[]string{"new", "-h"}, "-content"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runSite(t, tt.args...)
			if code != 0 || !strings.Contains(stdout, tt.want) || stderr != "" {
				t.Errorf("site %q = %d, stdout %q, stderr %q; want 0 and %q on stdout only", tt.args, code, stdout, stderr, tt.want)
			}
		})
	}
}

func TestCheckUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no command", nil, 2, "usage:"},
		{"unknown command", []string{"publier"}, 2, `unknown command "publier"`},
		{"help on an unknown command", []string{"help", "publier"}, 2, `unknown command "publier"`},
		{"missing folder", []string{"check", "-content", filepath.Join(t.TempDir(), "absent")}, 1, "dossier de contenu introuvable : "},
		{"bad flag", []string{"check", "-nope"}, 2, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runSite(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("site %q = %d, stderr %q; want %d and %q", tt.args, code, stderr, tt.code, tt.want)
			}
		})
	}
}

// TestCheckSuggestsAliasesForMovedArticles: an article whose URL changed
// while the server ran redirects only thanks to the server's database;
// `site check -db` reads it and tells the editor which alias to add.
func TestCheckSuggestsAliasesForMovedArticles(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	site.Write(t, "pratique/retraite.md", "---\ntitle: Préparer sa retraite\ndate: 2024-11-20 10:30\nslug: preparer-sa-retraite\n---\n\nTexte.\n")
	site.WaitFor(t, "/pratique/retraite", http.StatusMovedPermanently)

	code, stdout, _ := runSite(t, "check", "-content", site.ContentDir, "-db", site.DBPath)
	if code != 0 {
		t.Errorf("a move is a warning, not an error: exit %d", code)
	}
	want := "pratique/retraite.md: avertissement : l'article a changé d'adresse : /pratique/retraite redirige vers /pratique/preparer-sa-retraite"
	if !strings.Contains(stdout, want) || !strings.Contains(stdout, "« aliases: [/pratique/retraite] »") {
		t.Errorf("site check output lacks the alias suggestion:\n%s", stdout)
	}
	// Links to the former URL still work, through the redirect: to update,
	// not broken.
	if want := "monde/nouvelle-01.md:9: avertissement : lien vers l'ancienne adresse /pratique/retraite"; !strings.Contains(stdout, want) {
		t.Errorf("site check output lacks %q:\n%s", want, stdout)
	}

	// Without the database, the same links are broken.
	code, stdout, _ = runSite(t, "check", "-content", site.ContentDir, "-db", filepath.Join(t.TempDir(), "absent.db"))
	if code != 1 || strings.Contains(stdout, "aliases") || !strings.Contains(stdout, "lien interne cassé vers /pratique/retraite") {
		t.Errorf("without a database: exit %d, output:\n%s", code, stdout)
	}
}

// TestCheckPreview prints the preview link of each unpublished article,
// signed with the secret the server finds beside its database.
func TestCheckPreview(t *testing.T) {
	db := filepath.Join(t.TempDir(), "data", "site.db")
	code, stdout, stderr := runSite(t, "check", "-preview", "-db", db, "-content", sitetest.Fixture())
	if code != 0 {
		t.Fatalf("site check -preview = %d\n%s%s", code, stdout, stderr)
	}
	secret, err := app.PreviewSecret("", filepath.Dir(db), false)
	if err != nil {
		t.Fatalf("no secret beside the database after site check -preview: %v", err)
	}
	want := "aperçu : pratique/brouillon.md (brouillon) https://fixture.example" + web.PreviewPath(secret, "pratique/brouillon.md")
	if !strings.Contains(stdout, want+"\n") {
		t.Errorf("site check -preview printed\n%s\nwant the line\n%s", stdout, want)
	}
	// The fixture's warnings (sources, links) may name the article; only
	// the preview lines must not.
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, "aperçu") && strings.Contains(l, "retraite") {
			t.Errorf("a published article got a preview link: %s", l)
		}
	}
}

// TestCheckEditorMistakes: what screen readers and links need, each
// reported at its line, in French.
func TestCheckEditorMistakes(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"site.yaml":          "title: Test\nbase_url: https://test.example\ntimezone: Europe/Paris\n",
		"monde/_index.md":    "---\ntitle: Monde\n---\n",
		"monde/cible.md":     "---\ntitle: Cible\ndate: 2024-11-01\naliases: [/ancienne/cible]\n---\n\nTexte.\n",
		"monde/negligent.md": "---\ntitle: Négligent\ndate: 2024-11-02\n---\n\n## Partie\n\n#### Détail\n\n[](https://example.org)\n\n![](https://example.org/x.png)\n\n[vers la cible](/ancienne/cible) et [la rubrique](/monde/)\n",
		// Named by no article: only the check of unnamed files finds it.
		"media/piege.svg": `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><script>alert(1)</script></svg>`,
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := runSite(t, "check", "-strict", "-content", dir, "-db", filepath.Join(t.TempDir(), "site.db"))
	if code != 1 {
		t.Fatalf("site check -strict = %d, want 1\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"monde/negligent.md:8: avertissement : niveau de titre sauté : « Détail » est de niveau 4 (####) après un titre de niveau 2 ; utilisez ###",
		"monde/negligent.md:10: avertissement : lien sans texte vers https://example.org",
		"monde/negligent.md:12: avertissement : image « https://example.org/x.png » sans texte alternatif",
		"monde/negligent.md:14: avertissement : lien vers /ancienne/cible, un alias qui redirige vers /monde/cible : écrivez directement /monde/cible",
		"monde/negligent.md:14: avertissement : lien vers /monde/, qui redirige vers /monde : écrivez directement /monde",
		"media/piege.svg: avertissement : image refusée (aucun article ne l'utilise encore) : SVG refusé : il contient un élément <script> qui pourrait exécuter du code ; retirez-le",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("site check lacks\n%s\nin\n%s", want, stdout)
		}
	}
}
