package importer

import (
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// memFolder is a content folder in memory: the fuzz target runs thousands
// of imports a second in it, where a folder on disk allowed a dozen (and
// Go's fuzzer, minimising each new input, then showed no progress for up
// to a minute).
type memFolder map[string][]byte

func (m memFolder) where(rel string) string { return rel }

func (m memFolder) readFile(rel string) ([]byte, error) {
	b, ok := m[rel]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return b, nil
}

func (m memFolder) writeFile(rel string, data []byte) error {
	m[rel] = append([]byte(nil), data...)
	return nil
}

// FuzzReadWXR feeds arbitrary bytes to the export reader, then converts
// what it read: neither may panic, and a reader error is an error, never a
// half-filled export.
func FuzzReadWXR(f *testing.F) {
	if b, err := os.ReadFile("testdata/basic.xml"); err == nil {
		f.Add(b)
	}
	for _, s := range []string{
		"",
		"<rss><channel></channel></rss>",
		"<rss><channel><item><title>T</title><wp:post_type>post</wp:post_type><wp:status>publish</wp:status><content:encoded><![CDATA[[caption]<img src=x>[/caption][gallery][embed]",
		"<rss><channel><item><wp:post_type>post</wp:post_type><content:encoded>&lt;p&gt;[[a]] [b x=\"]\" [/b] <!--more--></content:encoded></item></channel></rss>",
		"<rss><channel><wp:category><wp:category_nicename>a</wp:category_nicename><wp:category_parent>a</wp:category_parent></wp:category><item><category domain=\"category\" nicename=\"a\">A</category><wp:post_type>post</wp:post_type></item></channel></rss>",
		"<?xml version=\"1.0\"?><rss><channel><title>&eacute;&bogus;</title>",
		"<rss><channel><item><link>https://x//a/%zz/</link><guid>/?p=1&amp;p=2</guid><wp:post_id>1</wp:post_id><wp:post_type>page</wp:post_type><content:encoded><![CDATA[<pre>a\n\nb</pre><table><tr><td>1</td></tr></table><iframe></iframe><video><source src=v.mp4></video>]]></content:encoded></item></channel></rss>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		exp, err := ReadWXR(strings.NewReader(string(b)))
		if err != nil {
			if exp != nil {
				t.Fatalf("error %v with an export", err)
			}
			return
		}
		report, err := importWordPress(exp, WordPressOptions{}, memFolder{})
		if err != nil {
			t.Fatalf("import into memory: %v", err) // only a disk can refuse a file
		}
		if report.Imported > len(exp.Items) {
			t.Fatalf("imported %d of %d items", report.Imported, len(exp.Items))
		}
	})
}

// FuzzConvert feeds arbitrary HTML bodies, as WordPress stores them, to
// the converter: it may not panic, and what it gives is Markdown without
// raw HTML (the site would drop it), whatever the body holds.
func FuzzConvert(f *testing.F) {
	for _, s := range []string{
		"",
		"Un paragraphe.\n\nUn autre,\nsur deux lignes.",
		"[caption id=\"a\" align=\"alignleft\"]<img src=\"/x.jpg\" alt=\"\"> Légende[/caption]",
		"[gallery ids=\"1,2\"][embed]https://www.youtube.com/watch?v=x[/embed][youtube abc]",
		"<!-- wp:paragraph --><p>Bloc</p><!-- /wp:paragraph --><!--more--><!--nextpage-->",
		"<pre>a\n\nb</pre><table><tr><td>1</td></tr></table><dl><dt>t</dt><dd>d</dd></dl>",
		"<div onclick=\"x()\">brut</div><script>alert(1)</script><iframe src=\"https://x\"></iframe>",
		"[a [b [c]]] [/b] [[x]] <a href=\"javascript:x\">j</a> <sup>1</sup>",
		strings.Repeat("[", maxBrackets+1) + "<p>1. *texte* &lt;b&gt;</p>",
	} {
		f.Add(s)
	}
	c := newConverter(func(string, []string) []galleryImage { return []galleryImage{{url: "/g.jpg", alt: "g"}} })
	f.Fuzz(func(t *testing.T, src string) {
		b := c.convert("1", src, noLinks{})
		var raw []string
		root := c.markdown.Parser().Parse(text.NewReader([]byte(b.markdown)))
		_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if entering && (n.Kind() == ast.KindHTMLBlock || n.Kind() == ast.KindRawHTML) {
				raw = append(raw, n.Kind().String())
			}
			return ast.WalkContinue, nil
		})
		if len(raw) > 0 {
			t.Errorf("Markdown keeps raw HTML (%v):\n%s", raw, b.markdown)
		}
	})
}
