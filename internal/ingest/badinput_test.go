package ingest_test

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/sitetest"
)

// page is what a path must answer while a bad file is in place.
type page struct {
	path   string
	status int
	want   []string
	absent []string
}

// TestBadInputNeverBreaksTheSite saves every kind of bad file into a
// running site. Each must be reported on /_status and by site check, leave
// the rest of the site as it was, keep the last good version online, and
// vanish from the status page once undone.
func TestBadInputNeverBreaksTheSite(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	goodRetraite := site.Read(t, "pratique/retraite.md")
	goodIndex := site.Read(t, "pratique/_index.md")
	goodSite := site.Read(t, "site.yaml")
	outside := filepath.Join(t.TempDir(), "secret.md")
	if err := os.WriteFile(outside, []byte(article("Texte hors du dossier", "2024-11-20")), 0o644); err != nil {
		t.Fatal(err)
	}
	stillOnline := page{"/pratique/retraite", http.StatusOK, []string{"Préparer sa retraite à l’étranger", "Le texte sur la"}, nil}

	tests := []struct {
		name string
		bad  func(t *testing.T)
		undo func(t *testing.T)
		// problem is what /_status and site check say, as "path:line: message" or a part of it.
		problem []string
		// check is what site check says, when it differs from problem.
		check []string
		pages []page
	}{
		{
			name: "broken YAML",
			bad: func(t *testing.T) {
				site.Write(t, "pratique/retraite.md", "---\ntitle: [Préparer sa retraite\ndate: 2024-11-20\n---\n\nTexte.\n")
			},
			undo:    func(t *testing.T) { site.Write(t, "pratique/retraite.md", goodRetraite) },
			problem: []string{"pratique/retraite.md:", "en-tête YAML invalide"},
			pages:   []page{stillOnline},
		},
		{
			name: "unquoted colon in a title",
			bad: func(t *testing.T) {
				site.Write(t, "pratique/retraite.md", "---\ntitle: Retraite : le guide\ndate: 2024-11-20\n---\n\nTexte.\n")
			},
			undo:    func(t *testing.T) { site.Write(t, "pratique/retraite.md", goodRetraite) },
			problem: []string{"pratique/retraite.md:2: en-tête YAML invalide", "doit être entre guillemets"},
			pages:   []page{stillOnline},
		},
		{
			name: "file cut in the middle of its front matter",
			bad: func(t *testing.T) {
				site.Write(t, "pratique/retraite.md", goodRetraite[:strings.Index(goodRetraite, "updated")+4])
			},
			undo:    func(t *testing.T) { site.Write(t, "pratique/retraite.md", goodRetraite) },
			problem: []string{"pratique/retraite.md:", "en-tête YAML non fermé : ajoutez une ligne --- après la dernière clé"},
			pages:   []page{stillOnline},
		},
		{
			name: "non-UTF-8 bytes",
			bad: func(t *testing.T) {
				site.WriteBytes(t, "pratique/retraite.md", []byte(strings.Replace(goodRetraite, "étranger", "\xe9tranger", 1)))
			},
			undo:    func(t *testing.T) { site.Write(t, "pratique/retraite.md", goodRetraite) },
			problem: []string{"pratique/retraite.md:2: caractères invalides : le fichier doit être enregistré en UTF-8"},
			pages:   []page{stillOnline},
		},
		{
			name:    "empty file",
			bad:     func(t *testing.T) { site.Write(t, "pratique/retraite.md", "") },
			undo:    func(t *testing.T) { site.Write(t, "pratique/retraite.md", goodRetraite) },
			problem: []string{"pratique/retraite.md: fichier vide"},
			pages:   []page{stillOnline},
		},
		{
			name: "10 MB file",
			bad: func(t *testing.T) {
				big := goodRetraite + strings.Repeat("Un texte sans fin. ", 10<<20/19)
				site.Write(t, "pratique/retraite.md", big)
			},
			undo:    func(t *testing.T) { site.Write(t, "pratique/retraite.md", goodRetraite) },
			problem: []string{"pratique/retraite.md: fichier trop volumineux (10,0 Mo, maximum 2 Mo)"},
			pages:   []page{stillOnline},
		},
		{
			name: "symbolic link pointing outside content/",
			bad: func(t *testing.T) {
				if err := os.Symlink(outside, site.Path("monde/lien.md")); err != nil {
					t.Fatal(err)
				}
			},
			undo:    func(t *testing.T) { site.Remove(t, "monde/lien.md") },
			problem: []string{"monde/lien.md: lien symbolique vers l'extérieur du dossier content"},
			pages: []page{
				{"/monde/lien", http.StatusNotFound, nil, []string{"Texte hors du dossier"}},
				{"/monde", http.StatusOK, []string{"Nouvelle numéro 14"}, []string{"Texte hors du dossier"}},
			},
		},
		{
			name: "file name with spaces and accents",
			bad: func(t *testing.T) {
				site.Write(t, "monde/Élection à l'étranger.md", article("Élection à l'étranger", "2024-11-24"))
			},
			undo:    func(t *testing.T) { site.Remove(t, "monde/Élection à l'étranger.md") },
			problem: []string{"monde/Élection à l'étranger.md: avertissement : le nom de fichier n'est pas une adresse propre : l'article sera publié sous « election-a-l-etranger »"},
			pages:   []page{{"/monde/election-a-l-etranger", http.StatusOK, []string{"Élection à l’étranger"}, nil}},
		},
		{
			name: "two files with the same slug",
			bad: func(t *testing.T) {
				site.Write(t, "monde/copie.md", article("Une copie qui vole l'adresse", "2024-11-24", "slug: nouvelle-01"))
			},
			undo:    func(t *testing.T) { site.Remove(t, "monde/copie.md") },
			problem: []string{"monde/copie.md: même adresse /monde/nouvelle-01 que monde/nouvelle-01.md"},
			// Without a server, nothing tells which file came first.
			check: []string{"même adresse /monde/nouvelle-01"},
			pages: []page{
				{"/monde/nouvelle-01", http.StatusOK, []string{"Nouvelle numéro 01"}, []string{"Une copie qui vole"}},
				{"/monde", http.StatusOK, nil, []string{"Une copie qui vole"}},
			},
		},
		{
			name: "unknown category folder",
			bad: func(t *testing.T) {
				site.Write(t, "inconnue/article.md", article("Perdu dans une rubrique inconnue", "2024-11-24"))
			},
			undo:    func(t *testing.T) { site.Remove(t, "inconnue") },
			problem: []string{"inconnue/_index.md: fichier manquant ou invalide : la rubrique « inconnue » doit avoir un _index.md valide"},
			pages: []page{
				{"/inconnue/article", http.StatusNotFound, nil, nil},
				{"/", http.StatusOK, []string{"Nouvelle numéro 14"}, []string{"Perdu dans une rubrique"}},
			},
		},
		{
			name:    "_index.md removed while its articles remain",
			bad:     func(t *testing.T) { site.Remove(t, "pratique/_index.md") },
			undo:    func(t *testing.T) { site.Write(t, "pratique/_index.md", goodIndex) },
			problem: []string{"pratique/_index.md: fichier supprimé alors que la rubrique contient encore des articles"},
			check:   []string{"pratique/_index.md: fichier manquant ou invalide : la rubrique « pratique » doit avoir un _index.md valide"},
			pages: []page{
				stillOnline,
				{"/pratique", http.StatusOK, []string{"Vie pratique", "Les démarches."}, nil},
			},
		},
		{
			name:    "_index.md broken while its articles remain",
			bad:     func(t *testing.T) { site.Write(t, "pratique/_index.md", "---\ntitle: [Vie\n---\n") },
			undo:    func(t *testing.T) { site.Write(t, "pratique/_index.md", goodIndex) },
			problem: []string{"pratique/_index.md:2: en-tête YAML invalide"},
			pages:   []page{stillOnline, {"/pratique", http.StatusOK, []string{"Vie pratique", "Les démarches."}, nil}},
		},
		{
			name:    "site.yaml broken: the last good settings stay",
			bad:     func(t *testing.T) { site.Write(t, "site.yaml", "title: [Fixture\ntimezone: Europe/Paris\n") },
			undo:    func(t *testing.T) { site.Write(t, "site.yaml", goodSite) },
			problem: []string{"site.yaml:", "en-tête YAML invalide"},
			pages:   []page{{"/", http.StatusOK, []string{"<title>Fixture</title>", "Le site de test"}, nil}, stillOnline},
		},
		{
			name: "site.yaml with an unknown time zone",
			bad: func(t *testing.T) {
				site.Write(t, "site.yaml", strings.Replace(goodSite, "Europe/Paris", "Europe/Atlantide", 1))
			},
			undo:    func(t *testing.T) { site.Write(t, "site.yaml", goodSite) },
			problem: []string{"site.yaml:6: fuseau horaire « Europe/Atlantide » inconnu"},
			pages:   []page{{"/pratique/retraite", http.StatusOK, []string{"20 novembre 2024"}, nil}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.bad(t)
			site.WaitForStatus(t, tt.problem...)
			for _, p := range tt.pages {
				r := site.Get(t, p.path)
				if r.StatusCode != p.status {
					t.Errorf("GET %s = %d, want %d", p.path, r.StatusCode, p.status)
				}
				for _, w := range p.want {
					if !strings.Contains(r.Body, w) && !strings.Contains(r.Body, escape(w)) {
						t.Errorf("GET %s lacks %q", p.path, w)
					}
				}
				for _, a := range p.absent {
					if strings.Contains(r.Body, a) || strings.Contains(r.Body, escape(a)) {
						t.Errorf("GET %s shows %q", p.path, a)
					}
				}
			}
			// The rest of the site is as it was.
			if r := site.Get(t, "/monde/nouvelle-14"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Nouvelle numéro 14") {
				t.Errorf("an unrelated article: %d", r.StatusCode)
			}

			// site check says the same, in path:line: message form.
			set, err := ingest.CheckDir(site.ContentDir, nil)
			if err != nil {
				t.Fatalf("site check: %v", err)
			}
			var out bytes.Buffer
			for _, p := range set.Problems {
				out.WriteString(p.String() + "\n")
			}
			want := tt.check
			if want == nil {
				want = tt.problem
			}
			for _, w := range want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("site check does not say %q; it says:\n%s", w, out.String())
				}
			}

			// The log names it too.
			site.WaitForLog(t, "content problem", tt.problem[0])

			tt.undo(t)
			site.WaitForStatusWithout(t, tt.problem[len(tt.problem)-1])
			if r := site.Get(t, "/_status"); !strings.Contains(r.Body, "Erreurs (0)") {
				t.Errorf("after the fix, the status page still lists errors:\n%s", r.Body)
			}
		})
	}
	if t.Failed() {
		t.Logf("site log:\n%s", site.Logs())
	}
}

func escape(s string) string {
	return strings.NewReplacer("'", "&#39;", `"`, "&#34;", "<", "&lt;", ">", "&gt;", "&", "&amp;").Replace(s)
}
