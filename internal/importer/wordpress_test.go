package importer_test

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/importer"
	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/sitetest"
)

func readExport(t *testing.T, file string) *importer.Export {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	exp, err := importer.ReadWXR(f)
	if err != nil {
		t.Fatal(err)
	}
	return exp
}

// uploads makes a wp-content/uploads folder holding the given PNG files.
func uploads(t *testing.T, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 3))); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func importBasic(t *testing.T, dir string) *importer.Report {
	t.Helper()
	report, err := importer.WordPress(readExport(t, "testdata/basic.xml"), importer.WordPressOptions{
		Content: dir, Uploads: uploads(t, "2024/05/urne.png", "2024/05/bureau.png")})
	if err != nil {
		t.Fatal(err)
	}
	return report
}

func read(t *testing.T, dir, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWordPressImport(t *testing.T) {
	dir := t.TempDir()
	report := importBasic(t, dir)
	var out strings.Builder
	report.WriteTo(&out)
	t.Log(out.String())

	tests := []struct {
		name, file string
		want       []string
		not        []string
	}{
		{"front matter of a post", "europe/elections-a-l-etranger.md", []string{
			"title: 'Élections à l''étranger : mode d''emploi'", // markup out of the title
			`date: "2024-05-02T10:30:00+02:00"`,                 // GMT into the site's zone
			"summary: Comment voter depuis l'étranger.",
			"author: Marie Dupont",
			"tags: [Monde, visa]", // the first category is the rubrique, the others are tags
			"image: /media/wp/2024/05/urne.png",
			"image_alt: Une urne transparente",
			"- /2024/05/02/elections-a-l-etranger\n", "- /?p=10\n",
		}, []string{"draft:"}},
		{"an author file leads from the WordPress author pages", "auteurs/marie-dupont.md", []string{
			"name: Marie Dupont\n", "- /author/marie\n", "- /?author=1\n",
		}, nil},
		{"paragraphs from blank lines, line breaks kept", "europe/elections-a-l-etranger.md", []string{
			"Voter depuis l'étranger, c'est possible.  \nDeux lignes dans un paragraphe.",
		}, []string{"wp:paragraph", "<!--"}},
		{"links to other posts and rubriques rewritten", "europe/elections-a-l-etranger.md", []string{
			"[le visa](/vie-pratique/visa-etudiant)", "[encore le visa](/vie-pratique/visa-etudiant)",
			"[rubrique Europe](/europe)",
		}, nil},
		{"caption, gallery, embeds", "europe/elections-a-l-etranger.md", []string{
			"![Une urne](/media/wp/2024/05/urne.png)", // the missing size falls back to the original
			"*L'urne du consulat*",
			"![Le bureau de vote](/media/wp/2024/05/bureau.png)",
			"[https://www.youtube.com/watch?v=abcdefghijk](https://www.youtube.com/watch?v=abcdefghijk)",
			"[https://vimeo.com/123456](https://vimeo.com/123456)",
			"[https://carte.exemple.org/embed](https://carte.exemple.org/embed)",
			"## Un titre de niveau un", "Un crochet \\[sic] reste du texte.",
			"ligne 1\n\nligne 3",
		}, []string{"[caption", "[gallery", "[embed", "<iframe", "[contact-form", "<sup>"}},
		{"missing upload left as a link", "vie-pratique/visa-etudiant.md", []string{
			"[Absente](https://exemple.fr/wp-content/uploads/2024/05/absente.jpg)",
		}, []string{"![Absente]"}},
		{"draft", "monde/brouillon.md", []string{"draft: true", `date: "2024-05-04T09:00:00+02:00"`}, nil},
		{"pending is a draft", "non-classe/en-attente.md", []string{"draft: true"}, nil},
		{"private is a draft", "non-classe/prive.md", []string{"draft: true"}, nil},
		{"future is scheduled", "monde/a-paraitre.md", []string{`date: "2031-01-01T09:00:00+01:00"`}, []string{"draft:"}},
		{"password is a draft", "monde/secret.md", []string{"draft: true"}, nil},
		{"page", "pages/qui-sommes-nous.md", []string{"- /qui-sommes-nous\n", "- /?page_id=30\n", "Une équipe de *bénévoles*."}, nil},
		{"nested category, its own rubrique", "europe/_index.md", []string{"title: Europe", "- /category/monde/europe\n", "- /category/europe\n", "- /?cat=4\n"}, nil},
		{"rubrique with its description", "monde/_index.md", []string{"title: Monde", "description: Les nouvelles du monde.", "- /category/monde\n"}, nil},
		{"site settings", "site.yaml", []string{"title: Le Petit Expatrié", "timezone: Europe/Paris"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := read(t, dir, tt.file)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("%s lacks %q:\n%s", tt.file, w, got)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(got, n) {
					t.Errorf("%s has %q:\n%s", tt.file, n, got)
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "monde", "jete.md")); err == nil {
		t.Error("a trashed post was imported")
	}
	counts := map[string]int{"articles": 7, "pages": 1, "brouillons": 4, "programmés": 1, "à la corbeille (ignorés)": 1,
		"pièces jointes": 2, "médias copiés": 2, "autres éléments ignorés (nav_menu_item)": 1, "rubriques": 5}
	for kind, n := range counts {
		if got := report.Counted(kind); got != n {
			t.Errorf("count %q = %d, want %d", kind, got, n)
		}
	}
	wantIssues := []string{
		"Élections à l'étranger : mode d'emploi (10) : shortcode [contact-form] non converti",
		"Élections à l'étranger : mode d'emploi (10) : élément <iframe> remplacé par un lien vers https://carte.exemple.org/embed",
		"Élections à l'étranger : mode d'emploi (10) : mise en forme sans équivalent Markdown, texte gardé sans elle : <abbr>, <sup>",
		"Le visa étudiant (11) : 1 fichier(s) absent(s) du dossier -uploads, gardés en liens vers leur adresse d'origine : https://exemple.fr/wp-content/uploads/2024/05/absente.jpg",
		"Secret (17) : protégé par un mot de passe : importé en brouillon",
	}
	all := strings.Join(report.Issues, "\n")
	for _, w := range wantIssues {
		if !strings.Contains(all, w) {
			t.Errorf("report lacks %q:\n%s", w, all)
		}
	}

	set, err := ingest.CheckDir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range set.Problems {
		if !p.Warning {
			t.Errorf("imported site fails its check: %s", p)
		}
	}
}

func TestWordPressImportIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	importBasic(t, dir)
	again := importBasic(t, dir)
	for _, kind := range []string{"fichiers écrits", "fichiers mis à jour", "fichiers gardés (modifiés depuis)", "médias copiés"} {
		if n := again.Counted(kind); n != 0 {
			t.Errorf("second import: %q = %d, want 0", kind, n)
		}
	}
	if again.Imported != 8 {
		t.Errorf("second import counts %d articles in place, want 8", again.Imported)
	}

	// An editor's change survives a third import, which says so.
	edited := "---\ntitle: Revu par la rédaction\ndate: 2024-05-03\n---\n\nTexte revu.\n"
	if err := os.WriteFile(filepath.Join(dir, "vie-pratique", "visa-etudiant.md"), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	third := importBasic(t, dir)
	if got := read(t, dir, "vie-pratique/visa-etudiant.md"); got != edited {
		t.Errorf("import overwrote an editor's change:\n%s", got)
	}
	if !strings.Contains(strings.Join(third.Issues, "\n"), "Le visa étudiant (11) : vie-pratique/visa-etudiant.md modifié depuis la dernière importation : gardé tel quel") {
		t.Errorf("report does not name the kept file: %v", third.Issues)
	}
}

// TestWordPressOldAddresses starts the site on the imported folder: every
// old address answers one 301 to a page that answers 200.
func TestWordPressOldAddresses(t *testing.T) {
	dir := t.TempDir()
	importBasic(t, dir)
	site := sitetest.Start(t, sitetest.Options{Content: dir, Now: time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)})
	tests := []struct{ old, to string }{
		{"/2024/05/02/elections-a-l-etranger/", "/europe/elections-a-l-etranger"},
		{"/?p=10", "/europe/elections-a-l-etranger"},
		{"/?p=11", "/vie-pratique/visa-etudiant"},
		{"/qui-sommes-nous/", "/pages/qui-sommes-nous"},
		{"/?page_id=30", "/pages/qui-sommes-nous"},
		{"/category/monde/", "/monde"},
		{"/category/monde/europe/", "/europe"},
		{"/?cat=5", "/vie-pratique"},
	}
	for _, tt := range tests {
		t.Run(tt.old, func(t *testing.T) {
			r := site.Get(t, tt.old)
			if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != tt.to {
				t.Fatalf("GET %s = %d to %q, want 301 to %s", tt.old, r.StatusCode, r.Header.Get("Location"), tt.to)
			}
			if r := site.Get(t, tt.to); r.StatusCode != http.StatusOK {
				t.Errorf("GET %s = %d", tt.to, r.StatusCode)
			}
		})
	}
	if r := site.Get(t, "/monde/a-paraitre"); r.StatusCode != http.StatusNotFound {
		t.Errorf("the scheduled post answers %d before its date", r.StatusCode)
	}
}

func TestWordPressNothingToImport(t *testing.T) {
	exp, err := importer.ReadWXR(strings.NewReader(`<rss><channel><title>Vide</title></channel></rss>`))
	if err != nil {
		t.Fatal(err)
	}
	report, err := importer.WordPress(exp, importer.WordPressOptions{Content: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if report.Imported != 0 {
		t.Errorf("Imported = %d from an empty export", report.Imported)
	}
	if _, err := importer.ReadWXR(strings.NewReader(`<html><body>pas un export</body></html>`)); err == nil {
		t.Error("a page that is no export was read as one")
	}
}

// TestWordPressIntoExistingSite imports into a site that has rubriques: a
// mapped category goes into the existing rubrique, whose _index.md is
// left alone (the report gives the aliases to add), and a file an editor
// wrote is never replaced.
func TestWordPressIntoExistingSite(t *testing.T) {
	dir := t.TempDir()
	sitetest.CopyDir(t, sitetest.Fixture(), filepath.Join(dir, "content"))
	dir = filepath.Join(dir, "content")
	before := read(t, dir, "monde/_index.md")
	ours := "---\ntitle: Déjà là\ndate: 2024-01-01\n---\n\nÉcrit à la main.\n"
	if err := os.WriteFile(filepath.Join(dir, "pratique", "visa-etudiant.md"), []byte(ours), 0o644); err != nil {
		t.Fatal(err)
	}
	report, err := importer.WordPress(readExport(t, "testdata/basic.xml"), importer.WordPressOptions{
		Content: dir, Categories: map[string]string{"europe": "monde", "vie-pratique": "pratique"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := read(t, dir, "monde/_index.md"); got != before {
		t.Errorf("the existing rubrique's _index.md changed:\n%s", got)
	}
	if got := read(t, dir, "pratique/visa-etudiant.md"); got != ours {
		t.Errorf("an editor's file was replaced:\n%s", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "europe")); err == nil {
		t.Error("a rubrique was made for a mapped category")
	}
	read(t, dir, "monde/elections-a-l-etranger.md")
	all := strings.Join(report.Issues, "\n")
	for _, w := range []string{
		"Le visa étudiant (11) : pratique/visa-etudiant.md existe déjà et ne vient pas d'une importation : gardé tel quel",
		`monde/_index.md : rubrique existante, laissée telle quelle : ajoutez « aliases: ["/category/monde/europe", "/category/europe", "/?cat=4", "/category/monde", "/?cat=3"] »`,
	} {
		if !strings.Contains(all, w) {
			t.Errorf("report lacks %q:\n%s", w, all)
		}
	}
	set, err := ingest.CheckDir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range set.Problems {
		if !p.Warning {
			t.Errorf("site fails its check after the import: %s", p)
		}
	}
}
