package ingest_test

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/web"
)

// The cross-file rules, judged by the pipeline that both the server and
// `site check` run (ingest.Check is its read-only use).

// reserved is the URL scheme the server and `site check` judge with.
var reserved = ingest.WithReserved(web.ReservedSegments())

const siteYAML = "title: Horizons\nbase_url: https://horizons.example\ntimezone: Europe/Paris\n"

// sourced keeps the warning for articles without a source out of the
// cases that test something else.
const sourced = "sources: [\"[Cleiss](https://www.cleiss.fr/)\"]\n"

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

func categoryFile(title string) *fstest.MapFile {
	return file("---\ntitle: " + title + "\nweight: 10\n---\n")
}

func articleFile(title, date, extra string) *fstest.MapFile {
	return file("---\ntitle: " + title + "\ndate: " + date + "\n" + sourced + extra + "---\n\nTexte de l'article.\n")
}

func problemStrings(ps []content.Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

func articlePaths(as []content.Article) string {
	var out []string
	for _, a := range as {
		out = append(out, a.Path)
	}
	return strings.Join(out, " ")
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name     string
		fs       fstest.MapFS
		articles string   // paths of the articles served
		problems []string // prefixes of every problem, in order
	}{
		{
			name: "clean tree",
			fs: fstest.MapFS{
				"site.yaml":           file(siteYAML),
				"monde/_index.md":     categoryFile("Monde"),
				"monde/a.md":          articleFile("A", "2024-11-13", ""),
				"monde/b.md":          articleFile("B", "2024-11-14", ""),
				"monde/.a.md.swp":     file("garbage"),
				"monde/photo.jpg":     file("\xff\xd8"),
				".git/config":         file("x"),
				"monde/_brouillon.md": file("not an article"),
			},
			articles: "monde/a.md monde/b.md",
		},
		{
			name: "category folder without _index.md",
			fs: fstest.MapFS{
				"site.yaml":       file(siteYAML),
				"monde/_index.md": categoryFile("Monde"),
				"monde/a.md":      articleFile("A", "2024-11-13", ""),
				"sport/match.md":  articleFile("Match", "2024-11-13", ""),
				"sport/score.md":  articleFile("Score", "2024-11-13", ""),
			},
			articles: "monde/a.md",
			problems: []string{"sport/_index.md: fichier manquant ou invalide : la rubrique « sport » doit avoir un _index.md"},
		},
		{
			name: "category _index.md without title",
			fs: fstest.MapFS{
				"site.yaml":       file(siteYAML),
				"monde/_index.md": file("---\ndescription: Sans titre\n---\n"),
				"monde/a.md":      articleFile("A", "2024-11-13", ""),
			},
			problems: []string{
				"monde/_index.md: fichier manquant ou invalide : la rubrique « monde » doit avoir un _index.md valide",
				"monde/_index.md:2: le titre de la rubrique (title) est obligatoire",
			},
		},
		{
			name: "two articles with the same URL",
			fs: fstest.MapFS{
				"site.yaml":       file(siteYAML),
				"monde/_index.md": categoryFile("Monde"),
				"monde/a.md":      articleFile("A", "2024-11-13", ""),
				"monde/b.md":      articleFile("B", "2024-11-13", "slug: a\n"),
			},
			articles: "monde/a.md",
			problems: []string{"monde/b.md: même adresse /monde/a que monde/a.md"},
		},
		{
			name: "bad files left out, others served",
			fs: fstest.MapFS{
				"site.yaml":       file(siteYAML),
				"monde/_index.md": categoryFile("Monde"),
				"monde/a.md":      articleFile("A", "2024-11-13", ""),
				"monde/b.md":      file("---\ntitle: B\n---\n"),
				"monde/c.md":      articleFile("C", "hier", ""),
				"monde/d.md":      articleFile("D", "2024-11-13", "titel: D\n"),
				"monde/e.md":      file(""),
			},
			articles: "monde/a.md monde/d.md",
			problems: []string{
				"monde/b.md:2: la date (date) est obligatoire",
				"monde/c.md:3: date « hier » illisible",
				"monde/d.md:5: avertissement : clé inconnue « titel »",
				"monde/e.md: fichier vide",
			},
		},
		{
			name: "misplaced Markdown files",
			fs: fstest.MapFS{
				"site.yaml":            file(siteYAML),
				"monde/_index.md":      categoryFile("Monde"),
				"a-la-racine.md":       articleFile("A", "2024-11-13", ""),
				"monde/archives/vx.md": articleFile("V", "2024-11-13", ""),
			},
			problems: []string{
				"a-la-racine.md: article hors rubrique",
				"monde/archives/vx.md: sous-dossier non pris en charge",
			},
		},
		{
			name: "bad category folder names",
			fs: fstest.MapFS{
				"site.yaml":           file(siteYAML),
				"Monde/_index.md":     categoryFile("Monde"),
				"Monde/a.md":          articleFile("A", "2024-11-13", ""),
				"tags/_index.md":      categoryFile("Tags"),
				"recherche/_index.md": categoryFile("Recherche"),
			},
			problems: []string{
				"Monde/_index.md: nom de dossier « Monde » invalide pour une rubrique",
				"Monde/_index.md: fichier manquant ou invalide",
				"recherche/_index.md: « recherche » est une adresse réservée du site",
				"tags/_index.md: « tags » est une adresse réservée du site",
			},
		},
		{
			name: "aliases",
			fs: fstest.MapFS{
				"site.yaml":       file(siteYAML),
				"monde/_index.md": categoryFile("Monde"),
				"monde/a.md":      articleFile("A", "2024-11-13", "aliases: [/vieux/a, /monde/a, /monde]\n"),
				"monde/b.md":      articleFile("B", "2024-11-13", "aliases: [/vieux/a, /tags/x, /vieux/b, /vieux/b]\n"),
			},
			articles: "monde/a.md monde/b.md",
			problems: []string{
				"monde/a.md: l'alias /monde/a est l'adresse même de l'article",
				"monde/a.md: l'alias /monde est une adresse du site",
				"monde/b.md: l'alias /vieux/a est déjà l'adresse ou un alias de monde/a.md",
				"monde/b.md: l'alias /tags/x est une adresse du site",
				"monde/b.md: l'alias /vieux/b est donné deux fois",
			},
		},
		{
			name: "aliases of imported sites",
			fs: fstest.MapFS{
				"site.yaml":       file(siteYAML),
				"monde/_index.md": file("---\ntitle: Monde\naliases: [/category/monde/, \"/?cat=3\", /monde, /tags/x]\n---\n"),
				// WordPress's pages live at /about; /?p=1 is looked up before any route.
				"monde/a.md": articleFile("A", "2024-11-13", "aliases: [/qui-sommes-nous, \"/?p=1\", /robots.txt, /_status]\n"),
			},
			articles: "monde/a.md",
			problems: []string{
				"monde/_index.md:3: avertissement : alias « /monde » invalide",
				"monde/_index.md:3: avertissement : alias « /tags/x » invalide",
				"monde/a.md: l'alias /robots.txt est une adresse du site",
				"monde/a.md: l'alias /_status est une adresse du site",
			},
		},
		{
			name: "missing site.yaml",
			fs: fstest.MapFS{
				"monde/_index.md": categoryFile("Monde"),
				"monde/a.md":      articleFile("A", "2024-11-13", ""),
			},
			articles: "monde/a.md",
			problems: []string{"site.yaml: fichier manquant"},
		},
		{
			name: "bad site.yaml",
			fs: fstest.MapFS{
				"site.yaml":       file("title: Horizons\nbase_url: horizons.example\ntimezone: Europe/Lutece\nlangue: fr\n"),
				"monde/_index.md": categoryFile("Monde"),
				"monde/a.md":      articleFile("A", "2024-11-13", ""),
			},
			articles: "monde/a.md",
			problems: []string{
				"site.yaml:2: base_url « horizons.example » invalide",
				"site.yaml:3: fuseau horaire « Europe/Lutece » inconnu",
				"site.yaml:4: avertissement : clé inconnue « langue » ignorée (vouliez-vous écrire « language » ?)",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := ingest.Check(tt.fs, nil, reserved)
			if err != nil {
				t.Fatal(err)
			}
			if got := articlePaths(set.Articles); got != tt.articles {
				t.Errorf("articles = %q, want %q", got, tt.articles)
			}
			got := problemStrings(set.Problems)
			if len(got) != len(tt.problems) {
				t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.problems, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.problems[i]) {
					t.Errorf("problem %d = %q\nwant prefix %q", i, got[i], tt.problems[i])
				}
			}
		})
	}
}

func TestCheckSortsCategories(t *testing.T) {
	set, err := ingest.Check(fstest.MapFS{
		"site.yaml":   file(siteYAML),
		"b/_index.md": file("---\ntitle: Bêta\nweight: 20\n---\n"),
		"a/_index.md": file("---\ntitle: Alpha\nweight: 30\n---\n"),
		"c/_index.md": file("---\ntitle: Gamma\nweight: 20\n---\n"),
		"d/_index.md": file("---\ntitle: Delta\n---\n"),
	}, nil, reserved)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range set.Categories {
		got = append(got, c.Slug)
	}
	if s := strings.Join(got, " "); s != "d b c a" {
		t.Errorf("category order = %q, want by weight then title: %q", s, "d b c a")
	}
}

func TestCheckTimeZone(t *testing.T) {
	set, err := ingest.Check(fstest.MapFS{
		"site.yaml":       file("title: T\ntimezone: America/New_York\n"),
		"monde/_index.md": categoryFile("Monde"),
		"monde/a.md":      articleFile("A", "2024-11-13 09:30", ""),
	}, nil, reserved)
	if err != nil {
		t.Fatal(err)
	}
	if got := set.Articles[0].Date.UTC().Format("2006-01-02 15:04"); got != "2024-11-13 14:30" {
		t.Errorf("date read in the site's zone = %s UTC, want 2024-11-13 14:30", got)
	}
}

func TestBrokenLinks(t *testing.T) {
	set, err := ingest.Check(fstest.MapFS{
		"site.yaml":       file(siteYAML),
		"monde/_index.md": categoryFile("Monde"),
		"monde/a.md": file("---\ntitle: A\ndate: 2024-11-13\n" + sourced + "tags: [Europe]\naliases: [/vieux/a]\n---\n\n" +
			"[b](/monde/b) [cat](/monde/) [tag](/tags/europe) [alias](/vieux/a#x) [accueil](/)\n\n" +
			"[css](/static/style.css) [ext](https://example.org/x) [rien](/monde/c?x=1)\n"),
		"monde/b.md": articleFile("B", "2024-11-13", ""),
	}, nil, reserved)
	if err != nil {
		t.Fatal(err)
	}
	got := problemStrings(set.Problems)
	// Links that work through a redirect are warnings naming the target.
	want := []string{
		"monde/a.md:9: avertissement : lien vers /monde/, qui redirige vers /monde : écrivez directement /monde",
		"monde/a.md:9: avertissement : lien vers /vieux/a#x, un alias qui redirige vers /monde/a : écrivez directement /monde/a",
		"monde/a.md:11: lien interne cassé vers /monde/c?x=1",
	}
	if len(got) != len(want) {
		t.Fatalf("broken links = %q, want %q", got, want)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("broken link %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestTagSpellings(t *testing.T) {
	set, err := ingest.Check(fstest.MapFS{
		"site.yaml":       file(siteYAML),
		"monde/_index.md": categoryFile("Monde"),
		"monde/a.md":      articleFile("A", "2024-11-13", "tags: [Sécurité, Santé]\n"),
		"monde/b.md":      articleFile("B", "2024-11-13", "tags: [securite, Santé]\n"),
	}, nil, reserved)
	if err != nil {
		t.Fatal(err)
	}
	got := problemStrings(set.Problems)
	want := []string{"monde/b.md: avertissement : mot-clé « securite » écrit « Sécurité » dans monde/a.md : les deux mènent à /tags/securite ; écrivez-le partout de la même façon"}
	if !slices.Equal(got, want) {
		t.Errorf("problems = %q, want %q", got, want)
	}
}

func TestEditorialChecks(t *testing.T) {
	src := func(date, extra, body string) *fstest.MapFile {
		return file("---\ntitle: T\ndate: " + date + "\n" + extra + "---\n\n" + body + "\n")
	}
	const sourced = "sources: [\"[Cleiss](https://www.cleiss.fr/)\"]\n"
	set, err := ingest.Check(fstest.MapFS{
		"site.yaml":       file(siteYAML),
		"monde/_index.md": categoryFile("Monde"),
		"monde/old.md": src("2021-05-20 10:00", sourced+"aliases: [/vieux/old]\n",
			"Voir [l'ancien](/monde/older), [le neuf](/monde/new/) et [l'alias](/vieux/older#x)."),
		"monde/revised.md": src("2021-05-20 10:00", sourced+"updated: 2024-11-12\n",
			"Mis à jour le 12 novembre 2024 : lire [le neuf](/monde/new).\n\n"+
				"Mis à jour : [le plus neuf](/monde/newest)."),
		"monde/older.md":  src("2020-01-01", sourced+"aliases: [/vieux/older]\n", "Texte."),
		"monde/new.md":    src("2024-11-01", sourced, "[moi](/monde/new) [avant](/monde/old)"),
		"monde/newest.md": src("2025-01-01", "", "Texte."),
	}, nil, reserved)
	if err != nil {
		t.Fatal(err)
	}
	got := problemStrings(set.Problems)
	want := []string{
		"monde/newest.md:1: avertissement : article sans source",
		"monde/old.md:8: avertissement : lien vers /monde/new/, qui redirige vers /monde/new",
		"monde/old.md:8: avertissement : lien vers /vieux/older#x, un alias qui redirige vers /monde/older",
		"monde/old.md:8: avertissement : lien vers /monde/new/, publié le 2024-11-01 00:00, après cet article (2021-05-20 10:00)",
		"monde/revised.md:10: avertissement : lien ajouté par une mise à jour vers /monde/newest, publié le 2025-01-01 00:00",
	}
	if len(got) != len(want) {
		t.Fatalf("problems = %q\nwant %q", got, want)
	}
	for i := range got {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d = %q\nwant prefix %q", i, got[i], want[i])
		}
	}
}

// TestCheckMediaLinks checks that links to files of media/ (an imported
// PDF) are judged by the file, not as pages.
func TestCheckMediaLinks(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"site.yaml":            "title: Essai\n",
		"monde/_index.md":      "---\ntitle: Monde\n---\n",
		"monde/a.md":           "---\ntitle: A\ndate: 2024-11-13\nsources: [\"[Cleiss](https://www.cleiss.fr/)\"]\n---\n\n[Le rapport](/media/wp/rapport.pdf) et [l'absent](/media/wp/absent.pdf).\n",
		"media/wp/rapport.pdf": "%PDF-1.4\n",
	}
	for rel, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, err := ingest.CheckDir(dir, nil, reserved)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range set.Problems {
		got = append(got, p.String())
	}
	want := []string{"monde/a.md:7: lien vers le fichier /media/wp/absent.pdf introuvable dans content/media/"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems = %q\nwant %q", got, want)
	}
}
