package importer

import (
	"io/fs"
	"os"
	"strings"
	"testing"
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
