package content

import (
	"html"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Heading is one section heading of an article body, for its contents list.
type Heading struct {
	Level int    // 2 or 3: the page title is the only h1
	ID    string // the anchor of its URL: /vie-pratique/assurance-maladie#cpam
	Text  string
}

// MinContentsSections is how many ## sections an article needs before it
// gets a contents list: below that, the reader sees them all at a glance.
const MinContentsSections = 3

// Contents returns the headings a contents list shows (levels 2 and 3), or
// nil when the article has fewer than MinContentsSections level-2 sections.
func Contents(headings []Heading) []Heading {
	n := 0
	for _, h := range headings {
		if h.Level == 2 {
			n++
		}
	}
	if n < MinContentsSections {
		return nil
	}
	var out []Heading
	for _, h := range headings {
		if h.Level == 2 || h.Level == 3 {
			out = append(out, h)
		}
	}
	return out
}

// pageIDs are the element ids the page templates use around an article
// body: a heading must not take one, or its anchor would lead elsewhere.
var pageIDs = []string{"contenu", "sommaire", "notes", "sources-de-l-article", "a-lire-aussi", "recherche-q", "recherche-page-q", "a-la-une", "dernieres"}

// headingIDs hands out the ids of one document's headings: the slug of
// their text (accents folded, as in URLs), made unique by a number.
type headingIDs map[string]bool

func newHeadingIDs() headingIDs {
	ids := headingIDs{}
	for _, id := range pageIDs {
		ids[id] = true
	}
	return ids
}

func (ids headingIDs) next(text string) string {
	base := Slugify(text)
	if base == "" || base[0] >= '0' && base[0] <= '9' {
		// An id that starts with a digit is valid HTML but cannot be
		// named in CSS without escapes; a word in front keeps it simple.
		base = strings.TrimSuffix("section-"+base, "-")
	}
	id := base
	for i := 2; ids[id]; i++ {
		id = base + "-" + strconv.Itoa(i)
	}
	ids[id] = true
	return id
}

// outline is what the walk over a document learns of its headings.
type outline struct {
	ids      headingIDs
	headings []Heading
	lastLvl  int // level of the previous heading, 1 for the page title
}

// heading gives n its id and records it; it returns the problem of a
// skipped level (h2 then h4), which screen reader users navigate by.
func (o *outline) heading(path string, n *ast.Heading, src []byte) *Problem {
	text := plainText(n, src)
	id := o.ids.next(text)
	n.SetAttributeString("id", []byte(id))
	o.headings = append(o.headings, Heading{Level: n.Level, ID: id, Text: text})
	var pr *Problem
	if n.Level > o.lastLvl+1 {
		p := warningf(path, lineOf(n, src), "niveau de titre sauté : « %s » est de niveau %d (%s) après un titre de niveau %d ; utilisez %s",
			text, n.Level, strings.Repeat("#", n.Level), o.lastLvl, strings.Repeat("#", o.lastLvl+1))
		pr = &p
	}
	o.lastLvl = n.Level
	return pr
}

// outlineRenderer renders headings with a visible anchor link for sharing,
// and footnotes with French accessible names. It replaces goldmark's
// renderers of those nodes (a lower priority value registers last, and the
// last registered wins).
type outlineRenderer struct{}

const outlineRendererPriority = 100

func (outlineRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHeading, renderHeading)
	reg.Register(east.KindFootnoteLink, renderFootnoteLink)
	reg.Register(east.KindFootnoteBacklink, renderFootnoteBacklink)
	reg.Register(east.KindFootnoteList, renderFootnoteList)
	reg.Register(east.KindFootnote, renderFootnote)
}

func renderHeading(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Heading)
	level := strconv.Itoa(n.Level)
	id, _ := n.AttributeString("id")
	idStr, _ := id.([]byte)
	if entering {
		_, _ = w.WriteString("<h" + level)
		if len(idStr) > 0 {
			_, _ = w.WriteString(` id="` + html.EscapeString(string(idStr)) + `"`)
		}
		_ = w.WriteByte('>')
		return ast.WalkContinue, nil
	}
	if len(idStr) > 0 {
		// The link's name says where it leads, since a list of links
		// read out of context would otherwise be "#, #, #".
		text := plainText(n, src)
		_, _ = w.WriteString(` <a class="heading-anchor" href="#` + html.EscapeString(string(idStr)) +
			`" aria-label="Lien vers la section «` + "\u00a0" + html.EscapeString(text) + "\u00a0" + `»">#</a>`)
	}
	_, _ = w.WriteString("</h" + level + ">\n")
	return ast.WalkContinue, nil
}

func footnoteRef(n *east.FootnoteLink) string {
	ref := "note-ref"
	if n.RefIndex > 0 {
		ref += strconv.Itoa(n.RefIndex)
	}
	return ref + "-" + strconv.Itoa(n.Index)
}

func renderFootnoteLink(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*east.FootnoteLink)
	i := strconv.Itoa(n.Index)
	_, _ = w.WriteString(`<sup id="` + footnoteRef(n) + `"><a href="#note-` + i +
		`" class="footnote-ref" role="doc-noteref" aria-label="Aller à la note ` + i + `">` + i + `</a></sup>`)
	return ast.WalkContinue, nil
}

func renderFootnoteBacklink(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*east.FootnoteBacklink)
	ref := "note-ref"
	if n.RefIndex > 0 {
		ref += strconv.Itoa(n.RefIndex)
	}
	ref += "-" + strconv.Itoa(n.Index)
	_, _ = w.WriteString("\u00a0" + `<a href="#` + ref + `" class="footnote-backref" role="doc-backlink" aria-label="Retour au texte">↩︎</a>`)
	return ast.WalkContinue, nil
}

func renderFootnoteList(w util.BufWriter, _ []byte, _ ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString(`<section class="footnotes" role="doc-endnotes" aria-labelledby="notes">` + "\n" +
			`<h2 id="notes">Notes</h2>` + "\n<ol>\n")
	} else {
		_, _ = w.WriteString("</ol>\n</section>\n")
	}
	return ast.WalkContinue, nil
}

// renderFootnote gives each note the id its links point to: goldmark's own
// joins prefix and number with a colon, which our ids avoid.
func renderFootnote(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*east.Footnote)
	if entering {
		_, _ = w.WriteString(`<li id="note-` + strconv.Itoa(n.Index) + `">` + "\n")
	} else {
		_, _ = w.WriteString("</li>\n")
	}
	return ast.WalkContinue, nil
}

// linkProblem reports a link that a screen reader would announce without a
// name: no text, no image text alternative.
func linkProblem(path string, n *ast.Link, src []byte) *Problem {
	if linkName(n, src) != "" {
		return nil
	}
	p := warningf(path, lineOf(n, src), "lien sans texte vers %s : écrivez le texte du lien entre les crochets, [texte](%s)", string(n.Destination), string(n.Destination))
	return &p
}

// linkName is the text a link is announced by: its text and the text
// alternatives of its images.
func linkName(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Value(src))
		case *ast.String:
			b.Write(c.Value)
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

// definitionLists are PHP Markdown Extra's definition lists, with terms of
// one line only: a line that starts with « : » after a paragraph of several
// lines, or after a hard line break, is the text going on (an editor's
// wrap before a colon), not a definition.
type definitionLists struct{}

func (definitionLists) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithBlockParsers(
		util.Prioritized(oneLineTerms{extension.NewDefinitionListParser()}, 101),
		util.Prioritized(extension.NewDefinitionDescriptionParser(), 102),
	))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(extension.NewDefinitionListHTMLRenderer(), 500)))
}

type oneLineTerms struct{ parser.BlockParser }

func (p oneLineTerms) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	if para, ok := parent.LastChild().(*ast.Paragraph); ok {
		lines := para.Lines()
		if lines.Len() > 1 {
			return nil, parser.NoChildren
		}
		if lines.Len() == 1 {
			seg := lines.At(0)
			line := strings.TrimRight(string(seg.Value(reader.Source())), "\r\n")
			if strings.HasSuffix(line, "  ") || strings.HasSuffix(line, "\\") {
				return nil, parser.NoChildren
			}
		}
	}
	return p.BlockParser.Open(parent, reader, pc)
}
