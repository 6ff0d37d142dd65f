package web_test

import (
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"
)

// page is an HTML page parsed by a real HTML parser, with what the SEO
// checks read from it.
type page struct {
	root *html.Node
}

func parsePage(t testing.TB, path, body string) page {
	t.Helper()
	root, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("%s: HTML does not parse: %v", path, err)
	}
	return page{root}
}

func attrOf(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// all returns the elements named tag for which keep is true.
func (p page) all(tag string, keep func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for n := range p.root.Descendants() {
		if n.Type == html.ElementNode && n.Data == tag && (keep == nil || keep(n)) {
			out = append(out, n)
		}
	}
	return out
}

func has(key, val string) func(*html.Node) bool {
	return func(n *html.Node) bool { v, ok := attrOf(n, key); return ok && v == val }
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

// title is the text of the only <title>.
func (p page) title() string {
	ts := p.all("title", nil)
	if len(ts) != 1 {
		return ""
	}
	return textOf(ts[0])
}

// meta returns the content of every <meta> whose name or property is key.
func (p page) meta(key string) []string {
	var out []string
	for _, m := range p.all("meta", nil) {
		name, _ := attrOf(m, "name")
		prop, _ := attrOf(m, "property")
		if name == key || prop == key {
			c, _ := attrOf(m, "content")
			out = append(out, c)
		}
	}
	return out
}

func (p page) meta1(key string) string {
	if v := p.meta(key); len(v) == 1 {
		return v[0]
	}
	return ""
}

// links returns the href of every <link rel=rel>.
func (p page) links(rel string) []string {
	var out []string
	for _, l := range p.all("link", has("rel", rel)) {
		h, _ := attrOf(l, "href")
		out = append(out, h)
	}
	return out
}

// jsonLD decodes every JSON-LD document of the page.
func (p page) jsonLD(t testing.TB, path string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, s := range p.all("script", has("type", "application/ld+json")) {
		var doc map[string]any
		if err := json.Unmarshal([]byte(textOf(s)), &doc); err != nil {
			t.Errorf("%s: JSON-LD does not decode: %v", path, err)
			continue
		}
		out = append(out, doc)
	}
	return out
}

// ldOfType returns the JSON-LD document of @type typ, or nil.
func ldOfType(docs []map[string]any, typ string) map[string]any {
	for _, d := range docs {
		if d["@type"] == typ {
			return d
		}
	}
	return nil
}

// requireKeys reports the properties missing from a JSON-LD document.
func requireKeys(t testing.TB, where string, doc map[string]any, keys ...string) {
	t.Helper()
	for _, k := range keys {
		v, ok := doc[k]
		if !ok || v == nil || v == "" {
			t.Errorf("%s: JSON-LD %v lacks %q", where, doc["@type"], k)
		}
	}
}

// localPath returns the path (and query) of u when it is a URL of the site
// at base or a site-relative URL, and "" for other hosts, fragments and
// non-HTTP schemes.
func localPath(u, base string) string {
	if strings.HasPrefix(u, "#") || u == "" {
		return ""
	}
	if strings.HasPrefix(u, base+"/") || u == base {
		u = strings.TrimPrefix(u, base)
		if u == "" {
			u = "/"
		}
	}
	if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") {
		return ""
	}
	pu, err := url.Parse(u)
	if err != nil {
		return ""
	}
	pu.Fragment = ""
	return pu.RequestURI()
}

var xmllintOnce struct {
	sync.Once
	path string
	err  string
}

// xmllint returns the path of Debian's xmllint, installing libxml2-utils
// with apt-get when it is missing and this process may (root on Debian);
// otherwise the test fails saying what to install. Never skipped: the
// sitemap must be checked by a real validator.
func xmllint(t testing.TB) string {
	t.Helper()
	xmllintOnce.Do(func() {
		if p, err := exec.LookPath("xmllint"); err == nil {
			xmllintOnce.path = p
			return
		}
		if _, err := exec.LookPath("apt-get"); err == nil && os.Geteuid() == 0 {
			for _, args := range [][]string{{"update"}, {"install", "-y", "--no-install-recommends", "libxml2-utils"}} {
				cmd := exec.Command("apt-get", args...)
				cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
				if out, err := cmd.CombinedOutput(); err != nil {
					xmllintOnce.err = "apt-get " + strings.Join(args, " ") + ": " + err.Error() + "\n" + string(out)
					return
				}
			}
			if p, err := exec.LookPath("xmllint"); err == nil {
				xmllintOnce.path = p
				return
			}
		}
		xmllintOnce.err = "xmllint not found: install Debian's libxml2-utils (apt-get install libxml2-utils)"
	})
	if xmllintOnce.path == "" {
		t.Fatal(xmllintOnce.err)
	}
	return xmllintOnce.path
}

// validateXML checks doc against the XML schema xsd with xmllint.
func validateXML(t testing.TB, name, doc, xsd string) error {
	t.Helper()
	lint := xmllint(t)
	file := filepath.Join(t.TempDir(), "doc.xml")
	if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	schema, err := filepath.Abs(filepath.Join("testdata", xsd))
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(lint, "--noout", "--nonet", "--schema", schema, file).CombinedOutput()
	if err != nil {
		return &lintError{name: name, out: string(out)}
	}
	return nil
}

type lintError struct{ name, out string }

func (e *lintError) Error() string { return e.name + " is not valid: " + e.out }
