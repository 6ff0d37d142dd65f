package content

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzArticle feeds arbitrary files to the article parser: it must never
// panic, every problem must name the file at one of its lines with a
// readable message, and an article without errors must be publishable (a
// title, a slug, a date).
func FuzzArticle(f *testing.F) {
	seeds := []string{
		"---\ntitle: Titre\ndate: 2024-11-13 09:30\n---\n\nTexte.\n",
		"---\ntitle: \"Études : mode d'emploi\"\ndate: 2024-11-13T09:30:00+01:00\ntags: [a, b]\naliases: [/x/y]\nslug: etudes\n---\n\n# Titre\n\n[lien](/monde/a)\n",
		"---\ntitle: 'l'été'\n---\n",
		"---\ntitle: Titre\n",
		"---\n---\n",
		"---\n- a\n- b\n---\n",
		"---\ntitle: [a\n---\n",
		"---\ntitle: &a x\nsummary: *a\ndate: 2024-11-13\n---\n",
		"\ufeff---\ntitle: T\ndate: 2024-11-13\n---\n",
		"---\r\ntitle: T\r\ndate: 2024-11-13\r\n---\r\n\r\nTexte\r\n",
		"",
		"\xff\xfe",
		"---\ntitle: T\ndate: 2024-11-13\ntags: {a: b}\ndraft: peut-être\n---\n",
		"---\ntitle: \"L'été : \\\"oui\\\"\"\ndate: 2024-11-13\nsources:\n  - \"[Cleiss](https://www.cleiss.fr/)\"\n  - {title: T, url: \"javascript:x\"}\n  - [a, b]\nimage_caption: \"« x »\"\n---\n\n\"Texte\" : `code \"x\"` **gras** ; fin...\n",
		"---\ntitle: T\ndate: 2024-11-13\nsources: {a: b}\n---\n\n\\\" &amp; -- « » ? ! :\n",
		// Raw HTML and dangerous links, each reported with its line.
		"---\ntitle: T\ndate: 2024-11-13\n---\n\n<div onclick=x>Un div</div>\n\nUn <span>mot</span><br> [x](javascript:y) <data:text/html,z>\n<script>\n",
		"---\ntitle: T\ndate: 2024-11-13\nauthors: [a, [b]]\nauthor: {x: y}\n---\n\n## É\n\n#### É[^1][^x]\n\n[^1]: n [^1]\n\nT\n: d\n\n[](x) [![](y)](z)\n",
		"---\ntitle: T\ndate: 2024-11-13\n---\n\n## 1\n## sommaire\n## notes\n## \n# contenu\n",
		"+++\ntitle = 'T'\ndate = 2024-11-13T09:30:00\ntags = ['a']\n[params]\nx = 1\n+++\n\nTexte.\n",
		"+++\ntitle = \"T\n+++\n",
		"{\n\"title\": \"T\",\n\"date\": \"2024-11-13\",\n\"aliases\": [\"vieux\", \"/?p=1\"]\n}\n\nTexte.\n<!--more-->\n",
		"{\"title\": [1, {\"a\": null}]}",
		"{\n",
		"---\ntitle: T\npublishDate: 2030-01-01\nurl: /x/y/\nimages: [/media/a.jpg]\n---\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	prs := NewParser()
	f.Fuzz(func(t *testing.T, src []byte) {
		const file = "monde/fuzz.md"
		a, problems := prs.Article(file, src, paris)
		checkProblems(t, file, src, problems)
		for _, p := range problems {
			// Editors read the text, not the fields: it must lead with the file.
			if !strings.HasPrefix(p.String(), file) {
				t.Fatalf("problem text does not start with the path: %q", p)
			}
		}
		if HasErrors(problems) {
			return
		}
		if strings.TrimSpace(a.Title) == "" || !IsSlug(a.Slug) || a.Date.IsZero() || a.Category != "monde" {
			t.Fatalf("article accepted without title, slug or date: %+v", a)
		}
		if !utf8.ValidString(a.BodyHTML) || !utf8.ValidString(a.Title) {
			t.Fatal("accepted article with invalid UTF-8")
		}
		for _, alias := range a.Aliases {
			if !strings.HasPrefix(alias, "/") {
				t.Fatalf("alias %q is not a site path", alias)
			}
		}
	})
}
