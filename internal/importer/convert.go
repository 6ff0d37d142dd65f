package importer

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	htmltomarkdown "github.com/JohannesKaufmann/html-to-markdown/v2/converter"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/base"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/commonmark"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/strikethrough"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/table"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// links says what becomes of the URLs of a body: an old address of an
// imported item becomes its new path; an uploaded file becomes its copy
// under /media/, or stays external when it is not in the uploads folder.
type links interface {
	// page returns the new path of an old address, if it is one.
	page(u string) (string, bool)
	// media returns the site path of an uploaded file, copying it; missing
	// reports a file of the old site that is not there.
	media(u string) (local string, isUpload, found bool)
}

// missingPrefix marks the issue of an upload missing from the uploads
// folder; groupIssues lists them all in one line.
const missingPrefix = "absent de -uploads : "

func missingUpload(issue string) (string, bool) {
	return strings.CutPrefix(issue, missingPrefix)
}

// body is what the conversion of one HTML body gives.
type body struct {
	markdown   string
	beforeMore string // the text before <!--more-->, when there is one
	issues     []string
	noAlt      int // images without a description
}

// converter turns WordPress's HTML into the site's Markdown.
type converter struct {
	md       *htmltomarkdown.Converter
	markdown goldmark.Markdown
	// attachments of an item, for [gallery] without ids: item ID → URLs.
	gallery func(itemID string, ids []string) []galleryImage
}

type galleryImage struct{ url, alt string }

func newConverter(gallery func(string, []string) []galleryImage) *converter {
	return &converter{
		md: htmltomarkdown.NewConverter(htmltomarkdown.WithPlugins(
			base.NewBasePlugin(), commonmark.NewCommonmarkPlugin(),
			table.NewTablePlugin(), strikethrough.NewStrikethroughPlugin())),
		markdown: goldmark.New(goldmark.WithExtensions(extension.GFM)),
		gallery:  gallery,
	}
}

var (
	gutenberg = regexp.MustCompile(`(?s)<!--\s*/?wp:.*?-->`)
	nextPage  = regexp.MustCompile(`<!--\s*nextpage\s*-->`)
	more      = regexp.MustCompile(`<!--\s*more\b.*?-->`)
	comment   = regexp.MustCompile(`(?s)<!--.*?-->`)
	// WordPress turns a URL alone on its line into an embedded player.
	oembedLine = regexp.MustCompile(`(?m)^[ \t]*(https?://[^\s<>"\[\]]+)[ \t]*$`)
)

// convert turns the HTML body of item itemID into Markdown.
func (c *converter) convert(itemID, src string, l links) body {
	var b body
	src = strings.ReplaceAll(src, "\r\n", "\n")
	src = gutenberg.ReplaceAllString(src, "")
	if nextPage.MatchString(src) {
		src = nextPage.ReplaceAllString(src, "\n\n")
		b.issues = append(b.issues, "article découpé en pages (<!--nextpage-->) : les pages sont réunies en une")
	}
	if loc := more.FindStringIndex(src); loc != nil {
		b.beforeMore = plainText(src[:loc[0]])
		src = more.ReplaceAllString(src, "\n\n")
	}
	// Other comments are notes to the editors, never shown to readers.
	src = comment.ReplaceAllString(src, "")
	src = c.shortcodes(itemID, src, &b)
	src = oembedLine.ReplaceAllStringFunc(src, func(m string) string {
		u := strings.TrimSpace(m)
		return fmt.Sprintf(`<a href="%s">%s</a>`, html.EscapeString(u), html.EscapeString(u))
	})
	src = autop(src)

	doc, err := html.Parse(strings.NewReader("<body>" + src + "</body>"))
	if err != nil { // x/net/html recovers from anything; kept for its contract
		b.issues = append(b.issues, "HTML illisible : "+err.Error())
		return b
	}
	lost := map[string]bool{}
	c.rewrite(doc, l, &b, lost)
	if len(lost) > 0 {
		names := make([]string, 0, len(lost))
		for n := range lost {
			names = append(names, "<"+n+">")
		}
		sort.Strings(names)
		b.issues = append(b.issues, "mise en forme sans équivalent Markdown, texte gardé sans elle : "+strings.Join(names, ", "))
	}
	if n := strings.Count(src, "["); n > maxBrackets || len(src) > maxConvertedBody {
		// html-to-markdown reads ahead from every '[' to its ']' or the end
		// of the line: on a body full of brackets that is the square of
		// its size (hours for a few megabytes). Such a body keeps its text,
		// paragraph by paragraph, escaped by us.
		b.issues = append(b.issues, fmt.Sprintf("corps trop long ou trop chargé en crochets (%d octets, %d « [ ») : texte gardé sans mise en forme", len(src), n))
		b.markdown = plainMarkdown(doc)
		return b
	}
	md, err := c.md.ConvertNode(doc)
	if err != nil {
		b.issues = append(b.issues, "conversion en Markdown impossible : "+err.Error())
		return b
	}
	b.markdown = c.dropRawHTML(md, &b)
	return b
}

// Beyond these, a body is converted to plain paragraphs (see convert):
// the longest news articles hold some 100 kB of HTML and a few dozen
// brackets, so no real article meets them, and under them the converter's
// read-ahead stays below a second.
const (
	maxBrackets      = 1000
	maxConvertedBody = 2 << 20
)

// markdownSpecial are the characters that could make Markdown of plain
// text: each is escaped with a backslash, which CommonMark allows before
// any ASCII punctuation.
var markdownSpecial = strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "#", `\#`, "!", `\!`, "|", `\|`, "~", `\~`, "&", `\&`)

// listStart is what would open a list or a heading at a line's start.
var listStart = regexp.MustCompile(`^(?:[-+=]|\d+[.)])`)

// plainMarkdown is the text of doc as Markdown paragraphs, one per block,
// in one pass whatever the text holds.
func plainMarkdown(doc *html.Node) string {
	var paras []string
	var cur strings.Builder
	flush := func() {
		if p := strings.Join(strings.Fields(cur.String()), " "); p != "" {
			p = markdownSpecial.Replace(p)
			if m := listStart.FindString(p); m != "" {
				p = m[:len(m)-1] + `\` + p[len(m)-1:] // 1\. and \- are text
			}
			paras = append(paras, p)
		}
		cur.Reset()
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			cur.WriteString(n.Data)
		}
		block := n.Type == html.ElementNode && !inlineTags[n.DataAtom]
		if block {
			flush()
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if block {
			flush()
		}
	}
	walk(doc)
	flush()
	return strings.Join(paras, "\n\n")
}

// mediaTags are elements that play or embed something: Markdown has no
// such thing, so they become a link to what they show.
var mediaTags = map[atom.Atom]bool{atom.Iframe: true, atom.Video: true, atom.Audio: true, atom.Embed: true, atom.Object: true}

// droppedTags carry no text a reader needs, or do nothing without scripts.
var droppedTags = map[atom.Atom]bool{atom.Script: true, atom.Style: true, atom.Form: true, atom.Input: true,
	atom.Button: true, atom.Select: true, atom.Textarea: true, atom.Canvas: true, atom.Svg: true, atom.Map: true,
	atom.Noscript: true, atom.Template: true}

// formatTags are inline formats Markdown does not have: their text stays.
var formatTags = map[atom.Atom]bool{atom.Sub: true, atom.Sup: true, atom.Abbr: true, atom.Acronym: true, atom.U: true,
	atom.Ins: true, atom.Mark: true, atom.Small: true, atom.Big: true, atom.Cite: true, atom.Q: true, atom.Kbd: true,
	atom.Var: true, atom.Samp: true, atom.Tt: true, atom.Dfn: true, atom.Address: true, atom.Center: true, atom.Font: true}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func setAttr(n *html.Node, key, val string) {
	for i, a := range n.Attr {
		if a.Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}

// rewrite walks the parsed body: links and images to their new place,
// players to links, and what Markdown cannot say out, noted in b.
func (c *converter) rewrite(n *html.Node, l links, b *body, lost map[string]bool) {
	for child := n.FirstChild; child != nil; {
		next := child.NextSibling
		if child.Type == html.ElementNode {
			switch {
			case droppedTags[child.DataAtom] || child.Data == "svg":
				b.issues = append(b.issues, fmt.Sprintf("élément <%s> retiré : il n'a pas d'équivalent dans un article", child.Data))
				n.RemoveChild(child)
				child = next
				continue
			case mediaTags[child.DataAtom]:
				src := attr(child, "src")
				if src == "" {
					src = attr(child, "data")
				}
				for s := child.FirstChild; src == "" && s != nil; s = s.NextSibling {
					if s.DataAtom == atom.Source {
						src = attr(s, "src")
					}
				}
				if src == "" {
					b.issues = append(b.issues, fmt.Sprintf("élément <%s> sans adresse retiré", child.Data))
					n.RemoveChild(child)
				} else {
					b.issues = append(b.issues, fmt.Sprintf("élément <%s> remplacé par un lien vers %s", child.Data, src))
					n.InsertBefore(linkNode(c.target(src, l, b), src), child)
					n.RemoveChild(child)
				}
				child = next
				continue
			case formatTags[child.DataAtom]:
				lost[child.Data] = true
			case child.DataAtom == atom.Dl:
				lost["dl"] = true
			case child.DataAtom == atom.H1:
				// The article's title is the page's only h1.
				child.DataAtom, child.Data = atom.H2, "h2"
			case child.DataAtom == atom.A:
				if href := attr(child, "href"); href != "" {
					setAttr(child, "href", c.target(href, l, b))
				}
			case child.DataAtom == atom.Img:
				c.image(n, child, l, b)
			}
		}
		c.rewrite(child, l, b, lost)
		child = next
	}
}

func linkNode(href, label string) *html.Node {
	a := &html.Node{Type: html.ElementNode, Data: "a", DataAtom: atom.A, Attr: []html.Attribute{{Key: "href", Val: href}}}
	a.AppendChild(&html.Node{Type: html.TextNode, Data: label})
	return a
}

// target is where a link of the body now points.
func (c *converter) target(href string, l links, b *body) string {
	if p, ok := l.page(href); ok {
		return p
	}
	if local, isUpload, found := l.media(href); isUpload {
		if found {
			return local
		}
		b.issues = append(b.issues, missingPrefix+href)
	}
	return href
}

// image places an image of the body: a copy under /media/ when the upload
// is there, else a link to the old address (an image from another site has
// no known size, and may vanish with it).
func (c *converter) image(parent, img *html.Node, l links, b *body) {
	src := attr(img, "src")
	if src == "" {
		parent.RemoveChild(img)
		return
	}
	alt := strings.TrimSpace(attr(img, "alt"))
	if strings.HasPrefix(src, "/") && !strings.HasPrefix(src, "//") {
		return // already a path of this site
	}
	local, isUpload, found := l.media(src)
	switch {
	case isUpload && found:
		setAttr(img, "src", local)
		if alt == "" {
			b.noAlt++
		}
		return
	case isUpload:
		b.issues = append(b.issues, missingPrefix+src)
	default:
		b.issues = append(b.issues, fmt.Sprintf("image %s d'un autre site : remplacée par un lien", src))
	}
	label := alt
	if label == "" {
		label = "Image : " + path.Base(src)
	}
	// An image inside a link would make a link inside a link.
	if parent.DataAtom == atom.A {
		parent.InsertBefore(&html.Node{Type: html.TextNode, Data: label}, img)
	} else {
		parent.InsertBefore(linkNode(src, label), img)
	}
	parent.RemoveChild(img)
}

// dropRawHTML removes what the converter left as HTML: the site never
// renders raw HTML, so it would only show as a hole in the page.
func (c *converter) dropRawHTML(md []byte, b *body) string {
	root := c.markdown.Parser().Parse(text.NewReader(md))
	type span struct{ start, stop int }
	var cut []span
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.HTMLBlock:
			lines := n.Lines()
			if lines.Len() > 0 {
				s := span{lines.At(0).Start, lines.At(lines.Len() - 1).Stop}
				if n.HasClosure() {
					s.stop = n.ClosureLine.Stop
				}
				cut = append(cut, s)
				// The converter's own marker between two adjacent lists.
				if html := strings.TrimSpace(string(md[s.start:s.stop])); html != "<!--THE END-->" {
					b.issues = append(b.issues, "HTML retiré : "+firstLine(html))
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			for i := 0; i < n.Segments.Len(); i++ {
				seg := n.Segments.At(i)
				cut = append(cut, span{seg.Start, seg.Stop})
				b.issues = append(b.issues, "HTML retiré : "+firstLine(string(seg.Value(md))))
			}
		}
		return ast.WalkContinue, nil
	})
	if len(cut) == 0 {
		return strings.TrimSpace(string(md))
	}
	sort.Slice(cut, func(i, j int) bool { return cut[i].start < cut[j].start })
	var out bytes.Buffer
	last := 0
	for _, s := range cut {
		if s.start < last {
			continue
		}
		out.Write(md[last:s.start])
		last = s.stop
	}
	out.Write(md[last:])
	return strings.TrimSpace(out.String())
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(s); len(r) > 80 {
		s = string(r[:80]) + "…"
	}
	return s
}

var inlineTags = map[atom.Atom]bool{atom.A: true, atom.Em: true, atom.Strong: true, atom.B: true, atom.I: true,
	atom.Span: true, atom.Code: true, atom.Abbr: true, atom.Sub: true, atom.Sup: true, atom.Small: true,
	atom.Mark: true, atom.Q: true, atom.Cite: true, atom.U: true, atom.S: true, atom.Del: true, atom.Ins: true}

// plainText is the text of an HTML fragment, on one line.
func plainText(src string) string {
	doc, err := html.Parse(strings.NewReader("<body>" + src + "</body>"))
	if err != nil {
		return ""
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		if n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style) {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == html.ElementNode && !inlineTags[n.DataAtom] {
			b.WriteByte(' ') // a block ends a word
		}
	}
	walk(doc)
	return strings.Join(strings.Fields(b.String()), " ")
}
