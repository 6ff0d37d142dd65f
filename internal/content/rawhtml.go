package content

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer/html"
)

// The site never renders raw HTML nor follows javascript:, data: and the
// like (goldmark's safe default): what a reader's browser would run or
// show is the site's alone. What is left out of the page is told to the
// editor here, who would otherwise see text vanish without a word.

var (
	tagName  = regexp.MustCompile(`^</?([A-Za-z][A-Za-z0-9-]*)`)
	anyTag   = regexp.MustCompile(`<[^>]*>`)
	anySpace = regexp.MustCompile(`\s+`)
)

// rawHTMLBlockProblem explains a raw HTML block, or nil for a comment, which no
// reader was meant to see anyway.
func rawHTMLBlockProblem(path string, n *ast.HTMLBlock, src []byte) *Problem {
	var raw bytes.Buffer
	for i := range n.Lines().Len() {
		seg := n.Lines().At(i)
		raw.Write(seg.Value(src))
	}
	if n.HasClosure() {
		raw.Write(n.ClosureLine.Value(src))
	}
	text := strings.TrimSpace(raw.String())
	if n.HTMLBlockType == ast.HTMLBlockType2 || strings.HasPrefix(text, "<!--") {
		return nil
	}
	line := lineOf(n, src)
	name := strings.ToLower(tagOf(text))
	var pr Problem
	switch name {
	case "script":
		pr = warningf(path, line, "bloc <script> retiré : le site ne publie aucun script écrit dans un article (il s'exécuterait chez chaque lecteur)")
	case "style":
		pr = warningf(path, line, "bloc <style> retiré : la présentation des pages est celle du site, la même pour tous les articles")
	case "":
		pr = warningf(path, line, "HTML ignoré : le site ne publie pas le HTML écrit dans un article ; écrivez ce passage en Markdown")
	case "iframe", "embed", "object", "video", "audio":
		pr = warningf(path, line, "bloc HTML <%s> ignoré : le site ne publie pas de contenu d'un autre site dans ses pages ; mettez plutôt un lien vers la page qui le montre", name)
	default:
		msg := "bloc HTML <" + name + "> ignoré"
		if words := visibleText(text); words != "" {
			msg += " : son texte « " + words + " » n'est pas publié"
		}
		advice := "le site ne publie pas le HTML écrit dans un article : écrivez ce passage en Markdown"
		if name == "table" {
			advice = "écrivez le tableau en Markdown, une ligne par rangée : | a | b |"
		}
		pr = warningf(path, line, "%s ; %s", msg, advice)
	}
	return &pr
}

// rawHTMLInlineProblem explains an inline tag, or nil for a closing tag
// (its opening one was told) or a comment.
func rawHTMLInlineProblem(path string, n *ast.RawHTML, src []byte) *Problem {
	if n.Segments.Len() == 0 {
		return nil
	}
	first := n.Segments.At(0)
	text := string(first.Value(src))
	if strings.HasPrefix(text, "</") || strings.HasPrefix(text, "<!--") || strings.HasPrefix(text, "<?") || strings.HasPrefix(text, "<!") {
		return nil
	}
	line := 1 + bytes.Count(src[:first.Start], []byte("\n"))
	name := strings.ToLower(tagOf(text))
	var pr Problem
	switch name {
	case "script":
		pr = warningf(path, line, "balise <script> retirée : le site ne publie aucun script écrit dans un article (il s'exécuterait chez chaque lecteur) ; ce qui la suit s'affiche comme du texte")
	case "img":
		pr = warningf(path, line, "balise HTML <img> ignorée : écrivez l'image en Markdown, ![description](/media/nom.jpg)")
	case "a":
		pr = warningf(path, line, "balise HTML <a> ignorée : écrivez le lien en Markdown, [texte](adresse) ; le texte du lien est publié, sans lien")
	case "br":
		pr = warningf(path, line, "balise HTML <br> ignorée : pour aller à la ligne, terminez la ligne par une barre oblique inverse (\\) ; pour un nouveau paragraphe, laissez une ligne vide")
	default:
		pr = warningf(path, line, "balise HTML <%s> ignorée : le texte autour est publié, la balise non (le site ne publie pas le HTML écrit dans un article) ; en Markdown : **gras**, *italique*, [lien](adresse)", name)
	}
	return &pr
}

// dangerousLinkProblem explains a link that the page shows without its
// address, or returns nil for a link that the page keeps.
func dangerousLinkProblem(path string, line int, dest []byte) *Problem {
	if !html.IsDangerousURL(dest) {
		return nil
	}
	scheme, _, _ := strings.Cut(strings.ToLower(string(dest)), ":")
	shown := Truncate(string(dest), 60)
	var why string
	switch scheme {
	case "javascript", "vbscript":
		why = "les liens " + scheme + ": exécuteraient du code chez le lecteur"
	case "data":
		why = "les liens data: peuvent cacher une page ou un script ; placez le fichier dans content/media/ et liez-le par son adresse /media/…"
	case "file":
		why = "un lien file: désigne un fichier de votre ordinateur, que les lecteurs n'ont pas"
	default:
		why = "ce genre de lien n'est pas sûr pour les lecteurs"
	}
	pr := warningf(path, line, "lien « %s » retiré : %s ; le texte du lien reste, sans lien", shown, why)
	return &pr
}

// tagOf is the element name of the tag that s opens with, "" when none.
func tagOf(s string) string {
	if m := tagName.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

// visibleText is the text a browser would have shown of raw HTML, on one
// line and cut short.
func visibleText(raw string) string {
	t := anySpace.ReplaceAllString(anyTag.ReplaceAllString(raw, " "), " ")
	return Truncate(strings.TrimSpace(t), 60)
}

// autoLinkLine is the line of an autolink (<adresse>), which goldmark
// gives no position: the first line of its paragraph that holds it.
func autoLinkLine(n *ast.AutoLink, src []byte) int {
	needle := append(append([]byte("<"), n.Label(src)...), '>')
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Type() != ast.TypeBlock || p.Lines().Len() == 0 {
			continue
		}
		for i := range p.Lines().Len() {
			seg := p.Lines().At(i)
			if bytes.Contains(seg.Value(src), needle) {
				return 1 + bytes.Count(src[:seg.Start], []byte("\n"))
			}
		}
		return lineOf(p, src)
	}
	return 0
}
