package content

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestHugoFrontMatter reads front matter as Hugo writes it, in its three
// formats, with Hugo's names of our keys: none of it may warn.
func TestHugoFrontMatter(t *testing.T) {
	at := func(s string) time.Time {
		t.Helper()
		v, err := ParseDate(s, paris)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name  string
		src   string
		check func(t *testing.T, a Article)
	}{
		{"TOML with native dates", "+++\ntitle = \"Études : mode d'emploi\"\ndate = 2024-11-13T09:30:00+01:00\nlastmod = 2024-11-20\nexpiryDate = 2025-06-30T00:00:00\ntags = [\"études\", \"visa\"]\ndraft = false\nweight = 3\n+++\n\nTexte.\n",
			func(t *testing.T, a Article) {
				if a.Title != "Études\u00a0: mode d’emploi" || !a.Date.Equal(at("2024-11-13T09:30:00+01:00")) {
					t.Errorf("title %q date %v", a.Title, a.Date)
				}
				if !a.Updated.Equal(at("2024-11-20")) || !a.Expires.Equal(at("2025-06-30 00:00")) {
					t.Errorf("updated %v expires %v", a.Updated, a.Expires)
				}
				if len(a.Tags) != 2 || a.Tags[0].Slug != "etudes" {
					t.Errorf("tags %v", a.Tags)
				}
			}},
		{"TOML local date-time is in the site's zone", "+++\ntitle = 'T'\ndate = 2024-07-01T09:30:00\n+++\n",
			func(t *testing.T, a Article) {
				if want := time.Date(2024, 7, 1, 9, 30, 0, 0, paris); !a.Date.Equal(want) {
					t.Errorf("date %v, want %v", a.Date, want)
				}
			}},
		{"JSON", "{\n  \"title\": \"Un titre\",\n  \"date\": \"2024-11-13T09:30:00Z\",\n  \"categories\": [\"Monde\"],\n  \"keywords\": [\"visa\", \"monde\"],\n  \"draft\": true\n}\n\nTexte.\n",
			func(t *testing.T, a Article) {
				if a.Title != "Un titre" || !a.Draft || !a.Date.Equal(at("2024-11-13T09:30:00Z")) {
					t.Errorf("got %+v", a)
				}
				if got := tagSlugs(a.Tags); !reflect.DeepEqual(got, []string{"monde", "visa"}) {
					t.Errorf("tags %v: categories and keywords are tags, once each", got)
				}
			}},
		{"publishDate later than date is an embargo", "---\ntitle: T\ndate: 2024-11-13\npublishDate: 2030-01-01T08:00:00+01:00\n---\n",
			func(t *testing.T, a Article) {
				if !a.Date.Equal(at("2030-01-01T08:00:00+01:00")) {
					t.Errorf("date %v: the article must not appear before publishDate", a.Date)
				}
			}},
		{"publishDate alone is the date", "---\ntitle: T\npubdate: 2024-11-13 10:00\n---\n",
			func(t *testing.T, a Article) {
				if !a.Date.Equal(at("2024-11-13 10:00")) {
					t.Errorf("date %v", a.Date)
				}
			}},
		{"modified and unpublishdate", "---\ntitle: T\ndate: 2024-11-13\nmodified: 2024-11-14\nunpublishdate: 2024-12-01\n---\n",
			func(t *testing.T, a Article) {
				if !a.Updated.Equal(at("2024-11-14")) || !a.Expires.Equal(at("2024-12-01")) {
					t.Errorf("updated %v expires %v", a.Updated, a.Expires)
				}
			}},
		{"description is the meta description, not the summary", "---\ntitle: T\ndate: 2024-11-13\ndescription: Pour les moteurs.\nsummary: Pour les listes.\n---\n\nPremier paragraphe.\n",
			func(t *testing.T, a Article) {
				if a.MetaDesc() != "Pour les moteurs." || a.Description() != "Pour les listes." {
					t.Errorf("meta %q description %q", a.MetaDesc(), a.Description())
				}
			}},
		{"more divider ends the summary", "---\ntitle: T\ndate: 2024-11-13\n---\n\nLe chapeau, en **deux** mots.\n\n<!--more-->\n\nLa suite.\n",
			func(t *testing.T, a Article) {
				if a.Summary != "Le chapeau, en deux mots." {
					t.Errorf("summary %q", a.Summary)
				}
				if strings.Contains(a.BodyHTML, "more") || strings.Contains(a.BodyHTML, "omitted") {
					t.Errorf("divider left in the body: %s", a.BodyHTML)
				}
			}},
		{"images: the first is the cover", "---\ntitle: T\ndate: 2024-11-13\nimages: [/media/a.jpg, /media/b.jpg]\nimage_alt: Une photo\n---\n",
			func(t *testing.T, a Article) {
				if a.Image != "/media/a.jpg" {
					t.Errorf("image %q", a.Image)
				}
			}},
		{"aliases relative to the folder, and site-relative", "---\ntitle: T\ndate: 2024-11-13\naliases: [ancien, /2024/11/13/vieux/, \"/?p=12&x=1\"]\n---\n",
			func(t *testing.T, a Article) {
				if want := []string{"/monde/ancien", "/2024/11/13/vieux", "/?p=12&x=1"}; !reflect.DeepEqual(a.Aliases, want) {
					t.Errorf("aliases %q, want %q", a.Aliases, want)
				}
			}},
		{"url in the rubrique names the slug", "---\ntitle: T\ndate: 2024-11-13\nurl: /monde/autre-nom/\n---\n",
			func(t *testing.T, a Article) {
				if a.Slug != "autre-nom" || len(a.Aliases) != 0 {
					t.Errorf("slug %q aliases %q", a.Slug, a.Aliases)
				}
			}},
		{"url elsewhere is an alias", "---\ntitle: T\ndate: 2024-11-13\nurl: /blog/2024/vieux-billet/\n---\n",
			func(t *testing.T, a Article) {
				if a.Slug != "a" || !reflect.DeepEqual(a.Aliases, []string{"/blog/2024/vieux-billet"}) {
					t.Errorf("slug %q aliases %q", a.Slug, a.Aliases)
				}
			}},
		{"keys in any case", "---\nTitle: T\nDate: 2024-11-13\nExpiryDate: 2025-01-01\n---\n",
			func(t *testing.T, a Article) {
				if a.Title != "T" || a.Expires.IsZero() {
					t.Errorf("got %+v", a)
				}
			}},
	}
	prs := NewParser()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, problems := prs.Article("monde/a.md", []byte(tt.src), paris)
			if len(problems) > 0 {
				t.Fatalf("problems: %v", problems)
			}
			tt.check(t, a)
		})
	}
}

func tagSlugs(tags []Tag) []string {
	var out []string
	for _, t := range tags {
		out = append(out, t.Slug)
	}
	return out
}

// TestFrontMatterFormatProblems checks that TOML and JSON problems name the
// file's own line, as YAML's do.
func TestFrontMatterFormatProblems(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // prefix of the first problem
		warning   bool
	}{
		{"TOML syntax", "+++\ntitle = 'T'\ndate = 2024-11-13\ntags = [a]\n+++\n",
			"monde/a.md:4: en-tête TOML invalide", false},
		{"TOML unclosed", "+++\ntitle = 'T'\n\nTexte.\n",
			"monde/a.md:5: en-tête TOML non fermé : ajoutez une ligne +++", false},
		{"TOML bad date value", "+++\ntitle = 'T'\ndate = 'hier'\n+++\n",
			"monde/a.md:3: date « hier » illisible", false},
		{"TOML unknown key in a table", "+++\ntitle = 'T'\ndate = 2024-11-13\n[params]\nx = 1\n+++\n",
			"monde/a.md:4: avertissement : clé inconnue « params » ignorée", true},
		{"JSON syntax", "{\n  \"title\": \"T\",\n  \"date\": 2024-11-13\n}\n",
			"monde/a.md:3: en-tête JSON invalide", false},
		{"JSON unclosed", "{\n  \"title\": \"T\",\n",
			"monde/a.md:3: en-tête JSON invalide : fin inattendue", false},
		{"JSON not an object", "{\"title\": \"T\"} suite\n",
			"monde/a.md:1: en-tête JSON : le texte de l'article commence sur la ligne qui suit", false},
		{"JSON title not text", "{\n\"date\": \"2024-11-13\",\n\n\"title\": [1, 2]\n}\n",
			"monde/a.md:4: « title » doit être un texte simple", false},
		{"JSON unknown key", "{\n\"title\": \"T\",\n\"date\": \"2024-11-13\",\n\"layout\": {\"a\": [1]},\n\"excerpt\": \"x\"\n}\n",
			"monde/a.md:4: avertissement : clés inconnues ignorées : « layout » (ligne 4), « excerpt » (ligne 5, vouliez-vous écrire « summary » ?)", true},
		{"unknown keys named in one warning", "---\ntitle: T\ndate: 2024-11-13\nexpiry: 2025-01-01\nsumary: x\ntoc: true\n---\n",
			"monde/a.md:4: avertissement : clés inconnues ignorées : « expiry » (ligne 4, vouliez-vous écrire « expires » ?), « sumary » (ligne 5, vouliez-vous écrire « summary » ?), « toc » (ligne 6)", true},
		{"two names of one key", "---\ntitle: T\ndate: 2024-11-13\nlastmod: 2024-11-14\nupdated: 2024-11-15\n---\n",
			"monde/a.md:5: avertissement : « updated » redit « lastmod » (ligne 4)", true},
		{"publishDate before date", "---\ntitle: T\ndate: 2024-11-13\npublishDate: 2024-11-01\n---\n",
			"monde/a.md:4: avertissement : « publishDate » précède la date", true},
		{"url not a path", "---\ntitle: T\ndate: 2024-11-13\nurl: https://ailleurs.fr/x\n---\n",
			"monde/a.md:4: url « https://ailleurs.fr/x » invalide", false},
	}
	prs := NewParser()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := prs.Article("monde/a.md", []byte(tt.src), paris)
			if len(problems) == 0 {
				t.Fatalf("no problem, want %q", tt.want)
			}
			if got := problems[0].String(); !strings.HasPrefix(got, tt.want) {
				t.Errorf("problem = %q\nwant prefix %q\nall: %v", got, tt.want, problems)
			}
			if HasErrors(problems) == tt.warning {
				t.Errorf("HasErrors = %v, want %v (%v)", HasErrors(problems), !tt.warning, problems)
			}
		})
	}
}
