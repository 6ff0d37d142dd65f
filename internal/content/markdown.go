package content

import (
	"bytes"
	"io/fs"
	"slices"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Parser turns content files into domain values. It is safe for concurrent use.
type Parser struct {
	md       goldmark.Markdown
	images   fs.FS    // the content folder, where site-local images are read
	reserved Reserved // first path segments of the site's own pages
}

// ParserOption configures a Parser.
type ParserOption func(*Parser)

// WithImages lets the parser read the site-local images of the content
// folder fsys (under media/), so that body images get their width and
// height and missing ones are reported.
func WithImages(fsys fs.FS) ParserOption {
	return func(p *Parser) { p.images = fsys }
}

// WithReserved tells the parser which first path segments the site's own
// pages take: rubriques and aliases may not take them.
func WithReserved(r Reserved) ParserOption {
	return func(p *Parser) { p.reserved = r }
}

// NewParser returns a Parser with the site's Markdown dialect: CommonMark
// plus GitHub tables, strikethrough and autolinks, footnotes, definition
// lists, French heading ids with anchor links, French typography (see
// French) and goldmark's safe default (raw HTML and dangerous links are not
// rendered).
func NewParser(opts ...ParserOption) *Parser {
	p := &Parser{md: goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.Footnote, definitionLists{}),
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(frenchTypography{}, 100))),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(outlineRenderer{}, outlineRendererPriority))),
	)}
	for _, o := range opts {
		o(p)
	}
	return p
}

// document is a parsed Markdown file.
type document struct {
	frontMatter block
	beforeMore  string // the text before <!--more-->, if any
	html        string
	text        string
	firstPara   string
	links       []Link
	headings    []Heading
	images      []string // site-local images the body names, in order
	problems    []Problem
}

// parse parses src, whose front matter must open on its first line and be
// closed, and renders its body.
func (p *Parser) parse(path string, src []byte) (document, *Problem) {
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	var doc document
	b, pr := splitFrontMatter(path, src)
	if pr != nil {
		return doc, pr
	}
	doc.frontMatter = b
	// The body is parsed alone, after as many empty lines as the front
	// matter took: Markdown sees no front matter, and lines stay the file's.
	src = bodySource(b)
	// Hugo's summary divider: what comes before it is the summary. It is
	// blanked out rather than cut, so that offsets and lines stay the file's.
	moreAt := bytes.Index(src, []byte(moreDivider))
	if moreAt >= 0 {
		src = bytes.Clone(src)
		copy(src[moreAt:], bytes.Repeat([]byte(" "), len(moreDivider)))
	}
	root := p.md.Parser().Parse(text.NewReader(src))
	if moreAt >= 0 {
		var before []string
		for c := root.FirstChild(); c != nil; c = c.NextSibling() {
			if c.Lines().Len() > 0 && c.Lines().At(0).Start < moreAt {
				if t := plainText(c, src); t != "" {
					before = append(before, t)
				}
			}
		}
		doc.beforeMore = strings.Join(before, " ")
	}

	var plain strings.Builder
	out := outline{ids: newHeadingIDs(), lastLvl: 1}
	var dropped []ast.Node // images the page goes without
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := n.(type) {
		case *ast.Heading:
			if entering && n.Level == 1 {
				// The page title is the only h1: demote body h1s.
				n.Level = 2
				doc.problems = append(doc.problems, warningf(path, lineOf(n, src), "titre de niveau 1 (#) dans le texte : utilisez ## (le titre de l'article est déjà le titre principal)"))
			}
			if entering {
				if pr := out.heading(path, n, src); pr != nil {
					doc.problems = append(doc.problems, *pr)
				}
			}
		case *ast.Paragraph:
			if entering && doc.firstPara == "" && n.Parent() == root {
				doc.firstPara = plainText(n, src)
			}
		case *ast.Image:
			if entering {
				problems, file, drop := p.image(path, n, src)
				doc.problems = append(doc.problems, problems...)
				if drop {
					dropped = append(dropped, n)
				} else if file != "" && !slices.Contains(doc.images, file) {
					doc.images = append(doc.images, file)
				}
			}
		case *ast.Link:
			if entering {
				if pr := linkProblem(path, n, src); pr != nil {
					doc.problems = append(doc.problems, *pr)
				}
				if dest := string(n.Destination); strings.HasPrefix(dest, "/") && !strings.HasPrefix(dest, "//") {
					doc.links = append(doc.links, Link{Target: dest, Line: lineOf(n, src), Later: addedLater(n, src)})
				}
				doc.report(dangerousLinkProblem(path, lineOf(n, src), n.Destination))
			}
		case *ast.AutoLink:
			if entering {
				plain.Write(n.Label(src))
				doc.report(dangerousLinkProblem(path, autoLinkLine(n, src), n.URL(src)))
			}
		case *ast.HTMLBlock:
			if entering {
				doc.report(rawHTMLBlockProblem(path, n, src))
			}
		case *ast.RawHTML:
			if entering {
				doc.report(rawHTMLInlineProblem(path, n, src))
			}
		case *ast.Text:
			if entering {
				plain.Write(n.Value(src))
				if n.SoftLineBreak() || n.HardLineBreak() {
					plain.WriteByte(' ')
				}
			}
		case *ast.String:
			if entering {
				plain.Write(n.Value)
			}
		}
		if !entering && n.Type() == ast.TypeBlock {
			plain.WriteByte('\n')
		}
		return ast.WalkContinue, nil
	})
	doc.text = strings.TrimSpace(plain.String())
	doc.headings = out.headings
	for _, n := range dropped {
		n.Parent().RemoveChild(n.Parent(), n)
	}

	var html bytes.Buffer
	if err := p.md.Renderer().Render(&html, src, root); err != nil {
		pr := problemf(path, 0, "rendu Markdown impossible : %v", err)
		return doc, &pr
	}
	doc.html = html.String()
	return doc, nil
}

// addedLater reports whether the link n says it was added after the
// article's publication: its paragraph or list item mentions the update
// (« Mis à jour le 12 novembre 2024 : … »).
func addedLater(n ast.Node, src []byte) bool {
	b := blockOf(n)
	return b != nil && strings.Contains(strings.ToLower(plainText(b, src)), "mis à jour")
}

// report adds p, when there is one, to the document's problems.
func (d *document) report(p *Problem) {
	if p != nil {
		d.problems = append(d.problems, *p)
	}
}

// moreDivider ends the summary in Hugo's Markdown.
const moreDivider = "<!--more-->"

// plainText is the text of n without markup, on one line.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Value(src))
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

// lineOf returns the 1-based line of the first source text of n.
func lineOf(n ast.Node, src []byte) int {
	offset := -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			offset = t.Segment.Start
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	for c := n; offset < 0 && c != nil; c = c.Parent() {
		if c.Type() == ast.TypeBlock && c.Lines().Len() > 0 {
			offset = c.Lines().At(0).Start
		}
	}
	if offset < 0 {
		return 0
	}
	return 1 + bytes.Count(src[:offset], []byte("\n"))
}
