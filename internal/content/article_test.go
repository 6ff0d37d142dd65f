package content

import (
	"strings"
	"testing"
	"time"
)

var paris = mustLoad("Europe/Paris")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// article builds a file from front matter lines and a body.
func article(frontMatter, body string) []byte {
	return []byte("---\n" + frontMatter + "---\n\n" + body)
}

const validFM = "title: Un titre\ndate: 2024-11-13 09:30\n"

func TestArticleProblems(t *testing.T) {
	tests := []struct {
		name string
		src  []byte
		// want is "path:line: part of the message" of the first problem.
		want    string
		warning bool // the problem is a warning: the article is still served
	}{
		{"broken YAML: unclosed quote", article("title: Titre\nsummary: 'Résumé sans fin\ndate: 2024-11-13\n", "Texte."),
			"monde/a.md:3: en-tête YAML invalide : fin inattendue : un guillemet ouvert n'est pas refermé ?", false},
		{"broken YAML: unclosed double quote", article("title: \"Titre sans fin\ndate: 2024-11-13\nauthor: Moi\n", "Texte."),
			"monde/a.md:2: en-tête YAML invalide : fin inattendue : un guillemet ouvert n'est pas refermé ?", false},
		{"broken YAML: colon in value", article("title: Titre : sous-titre: suite\ndate: 2024-11-13\n", "Texte."),
			"monde/a.md:2: en-tête YAML invalide : deux-points inattendu", false},
		{"broken YAML: indentation", article("title: Titre\n  date: 2024-11-13\n", "Texte."),
			"monde/a.md:3: en-tête YAML invalide : deux-points inattendu", false},
		{"broken YAML: tab", article("title: Titre\n\tdate: 2024-11-13\n", "Texte."),
			"monde/a.md:3: en-tête YAML invalide : tabulation interdite", false},
		{"broken YAML: unclosed list", article("title: Titre\ndate: 2024-11-13\ntags: [a, b\nauthor: Moi\n", "Texte."),
			"monde/a.md:4: en-tête YAML invalide : liste entre crochets non refermée", false},
		{"broken YAML: list unclosed at the end", article("date: 2024-11-13\ntitle: [cassé\n", "Texte."),
			"monde/a.md:3: en-tête YAML invalide : liste entre crochets non refermée", false},
		{"broken YAML: apostrophe in quotes", article("date: 2024-11-13\ntitle: 'l'été'\n", "Texte."),
			"monde/a.md:3: en-tête YAML invalide : clé attendue", false},
		{"broken YAML: first line", article("title: 'l'été'\ndate: 2024-11-13\n", "Texte."),
			"monde/a.md:2: en-tête YAML invalide : clé attendue", false},
		{"broken YAML: stray list item", article("title: Titre\ndate: 2024-11-13\n- x\n", "Texte."),
			"monde/a.md:4: en-tête YAML invalide : clé attendue", false},
		{"broken YAML: bad character", article("title: Titre\ndate: 2024-11-13\nauthor: @moi\n", "Texte."),
			"monde/a.md:4: en-tête YAML invalide : caractère inattendu", false},
		{"missing title", article("date: 2024-11-13\n", "Texte."),
			"monde/a.md:2: le titre (title) est obligatoire", false},
		{"blank title", article("title: \"  \"\ndate: 2024-11-13\n", "Texte."),
			"monde/a.md:2: le titre (title) est obligatoire", false},
		{"missing date", article("title: Titre\n", "Texte."),
			"monde/a.md:2: la date (date) est obligatoire", false},
		{"empty date", article("title: Titre\ndate:\n", "Texte."),
			"monde/a.md:3: la date (date) est obligatoire", false},
		{"empty title", article("date: 2024-11-13\ntitle:\n", "Texte."),
			"monde/a.md:3: le titre (title) est obligatoire", false},
		{"unparsable date", article("title: Titre\nsummary: Résumé\ndate: 13/11/2024\n", "Texte."),
			"monde/a.md:4: date « 13/11/2024 » illisible", false},
		{"impossible date", article("title: Titre\ndate: 2024-02-30\n", "Texte."),
			"monde/a.md:3: date « 2024-02-30 » illisible", false},
		{"unparsable updated", article(validFM+"updated: hier\n", "Texte."),
			"monde/a.md:4: date « hier » illisible pour « updated »", false},
		{"title is a list", article("title: [a, b]\ndate: 2024-11-13\n", "Texte."),
			"monde/a.md:2: « title » doit être un texte simple", false},
		{"draft not a boolean", article(validFM+"draft: peut-être\n", "Texte."),
			"monde/a.md:4: « draft » doit valoir true ou false", false},
		{"tags not a list", article(validFM+"tags: {a: b}\n", "Texte."),
			"monde/a.md:4: « tags » doit être une liste", false},
		{"duplicate key", article(validFM+"title: Autre\n", "Texte."),
			"monde/a.md:4: clé « title » donnée deux fois", false},
		{"front matter not a mapping", article("- title\n- date\n", "Texte."),
			"monde/a.md:2: l'en-tête YAML doit être une liste de clés", false},
		{"invalid slug", article(validFM+"slug: Mon Article\n", "Texte."),
			"monde/a.md:4: slug « Mon Article » invalide", false},
		{"alias on another site", article(validFM+"aliases: [\"https://ailleurs.fr/x\"]\n", "Texte."),
			"monde/a.md:4: alias « https://ailleurs.fr/x » invalide", false},
		{"alias with a fragment", article(validFM+"aliases: [\"/a#b\"]\n", "Texte."),
			"monde/a.md:4: alias « /a#b » invalide", false},
		{"expires before date", article(validFM+"expires: 2024-11-01\n", "Texte."),
			"monde/a.md:4: l'expiration (expires) doit suivre la date de publication", false},
		{"non-UTF-8", []byte("---\ntitle: Caf\xe9\ndate: 2024-11-13\n---\n"),
			"monde/a.md:2: caractères invalides : le fichier doit être enregistré en UTF-8", false},
		{"non-UTF-8 in body", append(article(validFM, "Ligne 1\nLigne 2\n"), "\xff\xfe\n"...),
			"monde/a.md:8: caractères invalides", false},
		{"empty file", []byte(""), "monde/a.md: fichier vide", false},
		{"blank file", []byte("\n  \n\t\n"), "monde/a.md: fichier vide", false},
		{"no front matter", []byte("# Titre\n\nTexte.\n"),
			"monde/a.md:1: le fichier doit commencer par un en-tête YAML", false},
		{"unclosed front matter", []byte("---\ntitle: Titre\ndate: 2024-11-13\n\nTexte.\n"),
			"monde/a.md:6: en-tête YAML non fermé", false},
		{"unclosed front matter, no newline", []byte("---\ntitle: Titre\ndate: 2024-11-13"),
			"monde/a.md:3: en-tête YAML non fermé", false},
		{"too large", append(article(validFM, ""), strings.Repeat("a", MaxFileSize)...),
			"monde/a.md: fichier trop volumineux", false},
		{"unknown key", article(validFM+"titel: Faute de frappe\n", "Texte."),
			"monde/a.md:4: avertissement : clé inconnue « titel » ignorée (vouliez-vous écrire « title » ?)", true},
		{"unknown key far from any", article(validFM+"couleur: bleu\n", "Texte."),
			"monde/a.md:4: avertissement : clé inconnue « couleur » ignorée", true},
		{"h1 in body", article(validFM, "Intro.\n\n# Titre\n\nTexte.\n"),
			"monde/a.md:8: avertissement : titre de niveau 1", true},
		{"image without alt", article(validFM+"image: /media/photo.jpg\n", "Texte."),
			"monde/a.md:4: avertissement : image sans texte alternatif", true},
		{"updated before date", article(validFM+"updated: 2024-11-01\n", "Texte."),
			"monde/a.md:4: avertissement : la mise à jour (updated) précède", true},
		{"file name not a slug", nil, "", true}, // see TestArticleFileNameSlug
	}
	prs := NewParser()
	for _, tt := range tests {
		if tt.src == nil {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			a, problems := prs.Article("monde/a.md", tt.src, paris)
			if len(problems) == 0 {
				t.Fatalf("no problem reported, want %q", tt.want)
			}
			got := problems[0].String()
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("problem = %q\nwant prefix %q\nall: %v", got, tt.want, problems)
			}
			if problems[0].Path != "monde/a.md" {
				t.Errorf("problem path = %q", problems[0].Path)
			}
			if HasErrors(problems) == tt.warning {
				t.Errorf("HasErrors = %v, want %v (%v)", HasErrors(problems), !tt.warning, problems)
			}
			if tt.warning && (a.Title == "" || a.Slug != "a") {
				t.Errorf("article with a warning is not usable: title %q slug %q", a.Title, a.Slug)
			}
		})
	}
}

func TestArticleFileNameSlug(t *testing.T) {
	prs := NewParser()
	tests := []struct {
		name, path, slug, want string
		isError                bool
	}{
		{"clean name", "monde/bonne-adresse.md", "bonne-adresse", "", false},
		{"accented name", "monde/Études à l'étranger.md", "etudes-a-l-etranger",
			"monde/Études à l'étranger.md: avertissement : le nom de fichier n'est pas une adresse propre : l'article sera publié sous « etudes-a-l-etranger »", false},
		{"punctuation only", "monde/!!!.md", "", "monde/!!!.md: nom de fichier sans lettre ni chiffre", true},
		{"slug key wins", "monde/Fichier Quelconque.md", "choisi", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fm := validFM
			if tt.name == "slug key wins" {
				fm += "slug: choisi\n"
			}
			a, problems := prs.Article(tt.path, article(fm, "Texte."), paris)
			if a.Slug != tt.slug {
				t.Errorf("slug = %q, want %q", a.Slug, tt.slug)
			}
			if tt.want == "" {
				if len(problems) > 0 {
					t.Errorf("unexpected problems %v", problems)
				}
				return
			}
			if len(problems) == 0 || !strings.HasPrefix(problems[0].String(), tt.want) {
				t.Fatalf("problems = %v, want %q", problems, tt.want)
			}
			if HasErrors(problems) != tt.isError {
				t.Errorf("HasErrors = %v, want %v", HasErrors(problems), tt.isError)
			}
		})
	}
}

func TestArticleValid(t *testing.T) {
	src := []byte(`---
title: "Études à l'étranger : mode d'emploi"
date: 2024-11-13 09:30
updated: 2024-11-14
summary: Un résumé.
tags: [Sécurité sociale, retraite, "Sécurité  sociale", retraite]
aliases: [/ancien/chemin/, /autre]
author: La rédaction
image: /media/photo.jpg
image_alt: Une photo
draft: false
---

Premier paragraphe avec un [lien interne](/vie-pratique/retraite#droits),
un [lien externe](https://www.cleiss.fr) et **du gras**.

## Sous-titre

Un <script>alert(1)</script> et un [piège](javascript:alert(1)).
`)
	a, problems := NewParser().Article("etudier-et-travailler/etudes.md", src, paris)
	// The script and the javascript: link are left out of the page, and
	// the editor is told (see TestRawHTMLIsReported).
	if len(problems) != 2 || HasErrors(problems) ||
		!strings.HasPrefix(problems[0].String(), "etudier-et-travailler/etudes.md:19: avertissement : balise <script> retirée") ||
		!strings.HasPrefix(problems[1].String(), "etudier-et-travailler/etudes.md:19: avertissement : lien « javascript:alert(1) » retiré") {
		t.Fatalf("problems: %v", problems)
	}
	checks := []struct{ name, got, want string }{
		// The site sets the typography: the editor typed straight apostrophes and a plain space.
		{"title", a.Title, "Études à l’étranger\u00a0: mode d’emploi"},
		{"category", a.Category, "etudier-et-travailler"},
		{"slug", a.Slug, "etudes"},
		{"URL", a.URLPath(), "/etudier-et-travailler/etudes"},
		{"date", a.Date.Format(time.RFC3339), "2024-11-13T09:30:00+01:00"},
		{"updated", a.Updated.Format(time.RFC3339), "2024-11-14T00:00:00+01:00"},
		{"summary", a.Summary, "Un résumé."},
		{"author", strings.Join(a.Authors, "|"), "La rédaction"},
		{"image", a.Image + " | " + a.ImageAlt, "/media/photo.jpg | Une photo"},
		{"first paragraph", a.FirstParagraph, "Premier paragraphe avec un lien interne, un lien externe et du gras."},
		{"aliases", strings.Join(a.Aliases, " "), "/ancien/chemin /autre"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	var tags []string
	for _, tg := range a.Tags {
		tags = append(tags, tg.Slug+"="+tg.Label)
	}
	if got, want := strings.Join(tags, ","), "securite-sociale=Sécurité sociale,retraite=retraite"; got != want {
		t.Errorf("tags = %q, want %q", got, want)
	}
	if a.Draft {
		t.Error("draft = true")
	}
	if len(a.Links) != 1 || a.Links[0].Target != "/vie-pratique/retraite#droits" || a.Links[0].Line != 14 {
		t.Errorf("links = %+v, want the internal link on line 14", a.Links)
	}
	for _, bad := range []string{"<script", "javascript:"} {
		if strings.Contains(a.BodyHTML, bad) {
			t.Errorf("body HTML contains %q: raw HTML and dangerous links must not be rendered\n%s", bad, a.BodyHTML)
		}
	}
	if !strings.Contains(a.BodyHTML, `<h2 id="sous-titre">Sous-titre <a class="heading-anchor" href="#sous-titre" aria-label="Lien vers la section « Sous-titre »">#</a></h2>`) {
		t.Errorf("body HTML lacks the h2 with its anchor:\n%s", a.BodyHTML)
	}
	if strings.Contains(a.BodyText, "**") || !strings.Contains(a.BodyText, "du gras") {
		t.Errorf("body text = %q", a.BodyText)
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		name, in, want string // want in RFC 3339 UTC, "" for an error
	}{
		{"RFC 3339 with offset", "2024-11-13T09:30:00+01:00", "2024-11-13T08:30:00Z"},
		{"RFC 3339 UTC", "2024-11-13T09:30:00Z", "2024-11-13T09:30:00Z"},
		{"RFC 3339 other zone", "2024-11-13T09:30:00-05:00", "2024-11-13T14:30:00Z"},
		{"RFC 3339 fraction", "2024-11-13T09:30:00.5+01:00", "2024-11-13T08:30:00.5Z"},
		{"day in winter", "2024-11-13", "2024-11-12T23:00:00Z"},
		{"day in summer", "2024-07-14", "2024-07-13T22:00:00Z"},
		{"minute in winter", "2024-11-13 09:30", "2024-11-13T08:30:00Z"},
		{"minute in summer", "2021-05-20 10:00", "2021-05-20T08:00:00Z"},
		{"last winter minute before DST", "2024-03-31 01:59", "2024-03-31T00:59:00Z"},
		{"first summer hour", "2024-03-31 03:00", "2024-03-31T01:00:00Z"},
		{"last summer minute", "2024-10-27 01:59", "2024-10-26T23:59:00Z"},
		{"after the switch back", "2024-10-27 03:00", "2024-10-27T02:00:00Z"},
		{"day/month/year", "13/11/2024", ""},
		{"no zero padding", "2024-11-3", ""},
		// Hugo writes these: wall-clock times in the site's zone.
		{"seconds without zone", "2024-11-13 09:30:00", "2024-11-13T08:30:00Z"},
		{"T without zone", "2024-11-13T09:30", "2024-11-13T08:30:00Z"},
		{"T and seconds without zone", "2024-07-01T09:30:00", "2024-07-01T07:30:00Z"},
		{"space and offset", "2024-11-13 09:30:00+01:00", "2024-11-13T08:30:00Z"},
		{"space and Z", "2024-11-13 09:30:00Z", "2024-11-13T09:30:00Z"},
		{"hour 24", "2024-11-13 24:00", ""},
		{"words", "demain", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDate(tt.in, paris)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("ParseDate(%q) = %v, want an error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDate(%q): %v", tt.in, err)
			}
			if s := got.UTC().Format(time.RFC3339Nano); s != tt.want {
				t.Errorf("ParseDate(%q) = %s, want %s", tt.in, s, tt.want)
			}
		})
	}
}

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Études à l'étranger : mode d'emploi", "etudes-a-l-etranger-mode-d-emploi"},
		{"L’œuvre d’art", "l-oeuvre-d-art"},
		{"Cœur, Œuvre et ÆSTHÉTIQUE", "coeur-oeuvre-et-aesthetique"},
		{"Straße", "strasse"},
		{"COG 2021-2024 : axe 1", "cog-2021-2024-axe-1"},
		{"10e Jeux de la Francophonie", "10e-jeux-de-la-francophonie"},
		{"  « Vivre ailleurs » !  ", "vivre-ailleurs"},
		{"...Trois points...", "trois-points"},
		{"déjà--vu__ici", "deja-vu-ici"},
		{"Noël à Saint-Étienne", "noel-a-saint-etienne"},
		{"Ça, ç'a été", "ca-c-a-ete"},
		{"Ñandú über façade", "nandu-uber-facade"},
		{"日本語", ""},
		{"!!!", ""},
		{"", ""},
		{"deja-un-slug", "deja-un-slug"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Slugify(tt.in); got != tt.want {
				t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if tt.want != "" && !IsSlug(tt.want) {
				t.Errorf("IsSlug(%q) = false", tt.want)
			}
		})
	}
}

func TestIsSlug(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"vie-pratique", true},
		{"cog-2021-2024", true},
		{"a", true},
		{"", false},
		{"Vie-pratique", false},
		{"vie_pratique", false},
		{"vie--pratique", false},
		{"-vie", false},
		{"vie-", false},
		{"études", false},
	}
	for _, tt := range tests {
		if got := IsSlug(tt.in); got != tt.want {
			t.Errorf("IsSlug(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestPaths(t *testing.T) {
	a := Article{Category: "vie-pratique", Slug: "retraite"}
	tests := []struct{ name, got, want string }{
		{"article", a.URLPath(), "/vie-pratique/retraite"},
		{"category", CategoryPath("vie-pratique"), "/vie-pratique"},
		{"tag", TagPath("securite-sociale"), "/tags/securite-sociale"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s path = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"short", "Un texte court.", 160, "Un texte court."},
		{"spaces folded", "  Un\n texte\t court. ", 160, "Un texte court."},
		{"exactly max", "abcde", 5, "abcde"},
		{"cut at a word", "Le Cleiss informe les assurés sur leurs droits", 20, "Le Cleiss informe…"},
		{"punctuation before the cut dropped", "Premier point, second point", 15, "Premier point…"},
		{"runes, not bytes", "Été été été été", 9, "Été été…"},
		{"one long word", "Anticonstitutionnellement", 10, "Anticonsti…"},
		{"non-breaking spaces kept", "Impôts\u00a0: le point\u00a0?", 160, "Impôts\u00a0: le point\u00a0?"},
		{"cut after a spaced mark", "Un mot de plus\u00a0: la suite", 17, "Un mot de plus…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Truncate(tt.in, tt.max); got != tt.want {
				t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
		})
	}
}

func TestDescription(t *testing.T) {
	long := strings.Repeat("mot ", 60)
	tests := []struct {
		name string
		a    Article
		want string
	}{
		{"summary wins", Article{Summary: "Résumé.", FirstParagraph: "Paragraphe."}, "Résumé."},
		{"first paragraph", Article{FirstParagraph: "Paragraphe."}, "Paragraphe."},
		{"long first paragraph cut", Article{FirstParagraph: long}, strings.TrimSpace(long[:160]) + "…"},
		{"nothing", Article{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.Description(); got != tt.want {
				t.Errorf("Description() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCountWords(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"", 0},
		{"   \n\t ", 0},
		{"un", 1},
		{"  deux  mots ", 2},
		{"l’école d'été", 4},
		{"’'", 0},
		{"fin.\nDébut", 2},
		{"a\u00a0b\u202fc", 3}, // non-breaking spaces part words
		{"\xff\xfe x", 2},      // bytes that are not UTF-8 make a word
	}
	for _, tt := range tests {
		if got := countWords(tt.text); got != tt.want {
			t.Errorf("countWords(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
}
