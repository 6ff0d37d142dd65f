package content

import (
	"strings"
	"testing"
)

// TestRawHTMLIsReported: raw HTML and dangerous links are still left out
// of the page, and the editor is told, at the line, what and why.
func TestRawHTMLIsReported(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string // problems, "path:line: message" prefixes, in order
		notInPage  []string // what the rendered body must not hold
		inPage     []string // what it must still hold
	}{
		{
			name:      "HTML block with its text",
			body:      "Avant.\n\n<div onclick=\"alert(1)\">Un div brut</div>\n\nAprès.\n",
			want:      []string{"monde/a.md:8: avertissement : bloc HTML <div> ignoré : son texte « Un div brut » n'est pas publié"},
			notInPage: []string{"onclick", "Un div brut"},
			inPage:    []string{"Avant.", "Après."},
		},
		{
			name:      "script block",
			body:      "Texte.\n\n<script>alert(1)</script>\n",
			want:      []string{"monde/a.md:8: avertissement : bloc <script> retiré : le site ne publie aucun script"},
			notInPage: []string{"<script", "alert"},
		},
		{
			name:      "inline tags",
			body:      "Un mot <span style=\"color:red\">rouge</span> et un saut<br>de ligne.\n",
			want:      []string{"monde/a.md:6: avertissement : balise HTML <span> ignorée", "monde/a.md:6: avertissement : balise HTML <br> ignorée : pour aller à la ligne"},
			notInPage: []string{"<span", "color:red", "<br"},
			inPage:    []string{"rouge", "de ligne."},
		},
		{
			name:      "inline script",
			body:      "Voici <script>alert(1)</script> du texte.\n",
			want:      []string{"monde/a.md:6: avertissement : balise <script> retirée"},
			notInPage: []string{"<script"},
		},
		{
			name:      "javascript link",
			body:      "Texte.\n\nUn [lien piégé](javascript:alert(1)) ici.\n",
			want:      []string{"monde/a.md:8: avertissement : lien « javascript:alert(1) » retiré : les liens javascript: exécuteraient du code chez le lecteur"},
			notInPage: []string{"javascript:"},
			inPage:    []string{"lien piégé"},
		},
		{
			name:      "data link",
			body:      "Un [fichier](data:text/html;base64,PHNjcmlwdD4=).\n",
			want:      []string{"monde/a.md:6: avertissement : lien « data:text/html;base64,PHNjcmlwdD4= » retiré : les liens data:"},
			notInPage: []string{"data:"},
			inPage:    []string{"fichier"},
		},
		{
			name:      "dangerous autolink",
			body:      "Sur deux lignes,\nvoir <javascript:alert(1)>.\n",
			want:      []string{"monde/a.md:7: avertissement : lien « javascript:alert(1) » retiré"},
			notInPage: []string{`href="javascript`},
		},
		{
			name: "HTML with a Markdown equivalent",
			body: "<table><tr><td>a</td></tr></table>\n\n<iframe src=\"https://video.example/x\"></iframe>\n\nUne <img src=\"/media/retraite.png\"> et un <a href=\"/monde\">lien</a>.\n",
			want: []string{
				"monde/a.md:6: avertissement : bloc HTML <table> ignoré : son texte « a » n'est pas publié ; écrivez le tableau en Markdown",
				"monde/a.md:8: avertissement : bloc HTML <iframe> ignoré : le site ne publie pas de contenu d'un autre site dans ses pages ; mettez plutôt un lien",
				"monde/a.md:10: avertissement : balise HTML <img> ignorée : écrivez l'image en Markdown, ![description](/media/nom.jpg)",
				"monde/a.md:10: avertissement : balise HTML <a> ignorée : écrivez le lien en Markdown, [texte](adresse)",
			},
			notInPage: []string{"<table", "<iframe", "<img", `href="/monde"`},
			inPage:    []string{"lien"},
		},
		{
			name:   "a comment is silent: it was never meant to be seen",
			body:   "Texte.\n\n<!-- note pour la rédaction -->\n\nSuite <!-- ici aussi --> du texte.\n",
			inPage: []string{"Texte.", "Suite"},
		},
		{
			name:   "ordinary links and code are fine",
			body:   "Un [lien](https://www.service-public.fr) et du code `<div>` :\n\n```\n<script>x</script>\n```\n",
			inPage: []string{"https://www.service-public.fr", "&lt;div&gt;", "&lt;script&gt;"},
		},
	}
	prs := NewParser()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, problems := prs.Article("monde/a.md", article(validFM, tt.body), paris)
			if HasErrors(problems) {
				t.Fatalf("raw HTML must not keep the article offline: %v", problems)
			}
			if len(problems) != len(tt.want) {
				t.Fatalf("problems = %v\nwant %d: %q", problems, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				if got := problems[i].String(); !strings.HasPrefix(got, w) {
					t.Errorf("problem %d = %q\nwant prefix %q", i, got, w)
				}
			}
			for _, s := range tt.notInPage {
				if strings.Contains(a.BodyHTML, s) {
					t.Errorf("page holds %q:\n%s", s, a.BodyHTML)
				}
			}
			for _, s := range tt.inPage {
				if !strings.Contains(a.BodyHTML, s) {
					t.Errorf("page lacks %q:\n%s", s, a.BodyHTML)
				}
			}
		})
	}
}
