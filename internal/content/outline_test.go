package content

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestHeadingsAndContents(t *testing.T) {
	src := []byte("---\ntitle: Guide\ndate: 2024-11-13\n---\n\n" +
		"Chapô.\n\n" +
		"## La CPAM\n\nTexte.\n\n" +
		"### Où écrire ?\n\nTexte.\n\n" +
		"## Études à l'étranger\n\nTexte.\n\n" +
		"## La CPAM\n\nTexte.\n\n" +
		"## Sommaire\n\nUn titre qui prendrait l'id de la page.\n\n" +
		"## 2025\n\nUne année.\n")
	a, problems := NewParser().Article("vie-pratique/guide.md", src, paris)
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	want := []Heading{
		{2, "la-cpam", "La CPAM"},
		// The texts are those the page shows, with French typography.
		{3, "ou-ecrire", "Où écrire\u00a0?"},
		{2, "etudes-a-l-etranger", "Études à l’étranger"},
		{2, "la-cpam-2", "La CPAM"},
		{2, "sommaire-2", "Sommaire"},
		{2, "section-2025", "2025"},
	}
	if len(a.Headings) != len(want) {
		t.Fatalf("headings = %+v, want %+v", a.Headings, want)
	}
	for i, h := range want {
		if a.Headings[i] != h {
			t.Errorf("heading %d = %+v, want %+v", i, a.Headings[i], h)
		}
		if !strings.Contains(a.BodyHTML, `<h`+string(rune('0'+h.Level))+` id="`+h.ID+`">`) {
			t.Errorf("body lacks the heading id %q:\n%s", h.ID, a.BodyHTML)
		}
		if !strings.Contains(a.BodyHTML, `<a class="heading-anchor" href="#`+h.ID+`" aria-label="Lien vers la section «`+"\u00a0") {
			t.Errorf("body lacks the anchor link of %q", h.ID)
		}
	}
	if got := Contents(a.Headings); len(got) != len(want) {
		t.Errorf("Contents = %+v, want every heading", got)
	}
	if strings.Contains(a.BodyText, "#") || strings.Contains(a.BodyText, "Lien vers") {
		t.Errorf("anchor links leak into the body text: %q", a.BodyText)
	}
}

func TestContentsNeedsThreeSections(t *testing.T) {
	tests := []struct {
		name     string
		headings []Heading
		want     int
	}{
		{"none", nil, 0},
		{"two sections and subsections", []Heading{{2, "a", "A"}, {3, "b", "B"}, {3, "c", "C"}, {2, "d", "D"}}, 0},
		{"three sections", []Heading{{2, "a", "A"}, {3, "b", "B"}, {4, "x", "X"}, {2, "c", "C"}, {2, "d", "D"}}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Contents(tt.headings); len(got) != tt.want {
				t.Errorf("Contents = %+v, want %d headings", got, tt.want)
			}
		})
	}
}

func TestFootnotesAndDefinitionLists(t *testing.T) {
	src := []byte("---\ntitle: Notes\ndate: 2024-11-13\n---\n\n" +
		"Le forfait est de 25 €[^1], le plafond change chaque année[^plafond].\n\n" +
		"[^1]: Tarif de 2024.\n[^plafond]: Voir le décret.\n\n" +
		"CFE\n: Caisse des Français de l'étranger.\n")
	a, problems := NewParser().Article("vie-pratique/notes.md", src, paris)
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	for _, want := range []string{
		`<sup id="note-ref-1"><a href="#note-1" class="footnote-ref" role="doc-noteref" aria-label="Aller à la note 1">1</a></sup>`,
		`<a href="#note-2" class="footnote-ref" role="doc-noteref" aria-label="Aller à la note 2">2</a>`,
		`<section class="footnotes" role="doc-endnotes" aria-labelledby="notes">`,
		`<h2 id="notes">Notes</h2>`,
		`<li id="note-1">`,
		`<a href="#note-ref-1" class="footnote-backref" role="doc-backlink" aria-label="Retour au texte">`,
		"<dl>\n<dt>CFE</dt>\n<dd>Caisse des Français de l’étranger.</dd>\n</dl>",
	} {
		if !strings.Contains(a.BodyHTML, want) {
			t.Errorf("body lacks %s:\n%s", want, a.BodyHTML)
		}
	}
	if strings.Contains(a.BodyHTML, "fn:") {
		t.Errorf("goldmark's own footnote ids remain:\n%s", a.BodyHTML)
	}
}

// TestDefinitionTermsAreOneLine: a colon that starts a line after a
// wrapped paragraph, or after a hard line break, goes on with the text.
func TestDefinitionTermsAreOneLine(t *testing.T) {
	for _, tt := range []struct{ name, body, want string }{
		{"one-line term", "CFE\n: Caisse\n", "<dl>\n<dt>CFE</dt>\n<dd>Caisse</dd>\n</dl>"},
		{"two terms", "CFE\n: Caisse\n\nCPAM\n: Caisse primaire\n", "<dt>CPAM</dt>\n<dd>Caisse primaire</dd>"},
		{"wrapped paragraph", "Une phrase sur\ndeux lignes\n: la suite\n", "<p>Une phrase sur\ndeux lignes\u00a0: la suite</p>"},
		{"hard line break", "Ligne  \n: suite\n", "<p>Ligne<br>\n: suite</p>"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, _ := NewParser().Article("monde/x.md", []byte("---\ntitle: X\ndate: 2024-11-13\n---\n\n"+tt.body), paris)
			if !strings.Contains(a.BodyHTML, tt.want) {
				t.Errorf("body\n%s\nlacks\n%s", a.BodyHTML, tt.want)
			}
		})
	}
}

func TestEditorChecks(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string // "" for no problem
	}{
		{"h2 then h3", "## A\n\n### B\n", ""},
		{"h2 then h4", "## A\n\n#### B\n", "vie-pratique/x.md:8: avertissement : niveau de titre sauté : « B » est de niveau 4 (####) après un titre de niveau 2 ; utilisez ###"},
		{"h3 first", "### A\n", "vie-pratique/x.md:6: avertissement : niveau de titre sauté : « A » est de niveau 3 (###) après un titre de niveau 1 ; utilisez ##"},
		{"empty link", "Voir [](https://example.org).\n", "vie-pratique/x.md:6: avertissement : lien sans texte vers https://example.org : écrivez le texte du lien entre les crochets, [texte](https://example.org)"},
		{"link named by its image", "[![Logo de la CFE](https://example.org/l.png)](https://example.org)\n", "vie-pratique/x.md:6: avertissement : image « https://example.org/l.png » hors du site"},
		{"image without alt", "![](/media/x.jpg)\n", "vie-pratique/x.md:6: avertissement : image « /media/x.jpg » sans texte alternatif"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := []byte("---\ntitle: X\ndate: 2024-11-13\n---\n\n" + tt.body)
			_, problems := NewParser().Article("vie-pratique/x.md", src, paris)
			got := problemStrings(problems)
			if tt.want == "" {
				if len(got) > 0 {
					t.Errorf("problems = %q, want none", got)
				}
				return
			}
			if len(got) == 0 || !strings.HasPrefix(got[0], tt.want) {
				t.Errorf("problems = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAuthors(t *testing.T) {
	tests := []struct {
		name     string
		fm       string
		want     string
		problems int
	}{
		{"one name", "author: La rédaction\n", "La rédaction", 0},
		{"a list under author", "author: [Camille Martin, Léa Dupont]\n", "Camille Martin|Léa Dupont", 0},
		{"Hugo's authors", "authors:\n  - Camille Martin\n  - Léa Dupont\n", "Camille Martin|Léa Dupont", 0},
		{"both, merged once each", "author: Camille Martin\nauthors: [camille martin, Léa Dupont]\n", "Camille Martin|Léa Dupont", 1},
		{"a name without letters", "author: \"!!\"\n", "", 1},
		{"none", "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := []byte("---\ntitle: X\ndate: 2024-11-13\n" + tt.fm + "---\n\nTexte.\n")
			a, problems := NewParser().Article("monde/x.md", src, paris)
			if got := strings.Join(a.Authors, "|"); got != tt.want {
				t.Errorf("authors = %q, want %q", got, tt.want)
			}
			if len(problems) != tt.problems {
				t.Errorf("problems = %q, want %d", problemStrings(problems), tt.problems)
			}
			if HasErrors(problems) {
				t.Errorf("an author mistake must not take the article offline: %q", problemStrings(problems))
			}
		})
	}
}

func TestAuthorFile(t *testing.T) {
	tests := []struct {
		name, path, src string
		want            Author
		problem         string
	}{
		{"person", "auteurs/camille-martin.md", "---\nname: Camille Martin\nrole: Correspondante à Madrid\nphoto: https://example.org/c.jpg\n---\n\nJournaliste depuis 2010.\n",
			Author{Slug: "camille-martin", Name: "Camille Martin", Role: "Correspondante à Madrid", Photo: "https://example.org/c.jpg", BioHTML: "<p>Journaliste depuis 2010.</p>\n"}, ""},
		{"the newsroom is an organization", "auteurs/la-redaction.md", "---\nname: La rédaction\n---\n",
			Author{Slug: "la-redaction", Name: "La rédaction", Organization: true}, ""},
		{"an institution", "auteurs/cleiss.md", "---\nname: Cleiss\norganization: true\n---\n",
			Author{Slug: "cleiss", Name: "Cleiss", Organization: true}, ""},
		{"no name", "auteurs/x.md", "---\nrole: Journaliste\n---\n", Author{}, "auteurs/x.md:2: le nom (name) est obligatoire"},
		{"name of another file", "auteurs/camille.md", "---\nname: Camille Martin\n---\n", Author{}, "auteurs/camille.md:2: le nom « Camille Martin » ne correspond pas au fichier"},
		{"file name not a slug", "auteurs/Camille Martin.md", "---\nname: Camille Martin\n---\n", Author{}, "auteurs/Camille Martin.md: nom de fichier « Camille Martin.md » invalide pour un auteur"},
		{"former addresses", "auteurs/cleiss.md", "---\nname: Cleiss\naliases: [/author/cleiss-admin/, \"/?author=3\"]\n---\n",
			Author{Slug: "cleiss", Name: "Cleiss", Aliases: []string{"/author/cleiss-admin", "/?author=3"}}, ""},
		{"an alias that is a page of the site", "auteurs/cleiss.md", "---\nname: Cleiss\naliases: [/auteurs/cleiss, /]\n---\n",
			Author{Slug: "cleiss", Name: "Cleiss"}, "auteurs/cleiss.md:3: avertissement : alias « /auteurs/cleiss » invalide"},
		{"unknown key", "auteurs/cleiss.md", "---\nname: Cleiss\nbio: x\n---\n", Author{Slug: "cleiss", Name: "Cleiss"}, "auteurs/cleiss.md:3: avertissement : clé inconnue « bio » ignorée"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The site's reserved segments come from web's route table;
			// here, the one the cases need.
			au, problems := NewParser(WithReserved(Reserved{"tags": true})).Author(tt.path, []byte(tt.src))
			got := problemStrings(problems)
			if tt.problem == "" && len(got) > 0 || tt.problem != "" && (len(got) == 0 || !strings.HasPrefix(got[0], tt.problem)) {
				t.Fatalf("problems = %q, want %q", got, tt.problem)
			}
			if HasErrors(problems) {
				return
			}
			au.Path, au.Hash = "", ""
			if !reflect.DeepEqual(au, tt.want) {
				t.Errorf("author = %+v, want %+v", au, tt.want)
			}
		})
	}
}

func TestClassifyAuthors(t *testing.T) {
	for p, want := range map[string]Kind{
		"auteurs/camille-martin.md": KindAuthor,
		"auteurs/_index.md":         KindCategory, // reported as a reserved name
		"auteurs/x/y.md":            KindMisplaced,
	} {
		if got := Classify(p); got != want {
			t.Errorf("Classify(%q) = %d, want %d", p, got, want)
		}
	}
}

func FuzzAuthor(f *testing.F) {
	for _, s := range []string{
		"---\nname: Camille Martin\nrole: Journaliste\n---\n\nBio.\n",
		"---\nname: [a]\nphoto: /media/x.jpg\norganization: peut-être\n---\n",
		"---\n",
		"",
	} {
		f.Add([]byte(s))
	}
	prs := NewParser()
	f.Fuzz(func(t *testing.T, src []byte) {
		const file = "auteurs/camille-martin.md"
		au, problems := prs.Author(file, src)
		checkProblems(t, file, src, problems)
		if HasErrors(problems) {
			return
		}
		if au.Slug != "camille-martin" || AuthorSlug(au.Name) != au.Slug || !utf8.ValidString(au.BioHTML) {
			t.Fatalf("author accepted with a name that is not its file's: %+v", au)
		}
	})
}
