package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/net/html"

	"github.com/horizons-expat/site/internal/sitetest"
)

// crawl fetches every page of the site reachable from start by its own
// links, and the extra paths, and returns their bodies by path.
func crawl(t *testing.T, site *sitetest.Site, start []string) map[string]sitetest.Response {
	t.Helper()
	pages := map[string]sitetest.Response{}
	queue := append([]string(nil), start...)
	for len(queue) > 0 && len(pages) < 1000 {
		p := queue[0]
		queue = queue[1:]
		if _, seen := pages[p]; seen {
			continue
		}
		r := site.Get(t, p)
		if r.StatusCode != http.StatusOK && r.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d", p, r.StatusCode)
			continue
		}
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			continue
		}
		pages[p] = r
		for _, a := range findAll(parseHTML(t, r.Body), byTag("a")) {
			href := attr(a, "href")
			u, err := url.Parse(href)
			if err != nil || u.IsAbs() || !strings.HasPrefix(u.Path, "/") ||
				strings.HasPrefix(u.Path, "/static/") || strings.HasPrefix(u.Path, "/media/") ||
				strings.HasSuffix(u.Path, ".xml") || strings.HasPrefix(u.Path, "/_") {
				continue
			}
			queue = append(queue, u.Path)
		}
	}
	return pages
}

// htmlValidate returns the command that runs html-validate, installing the
// version pinned in internal/htmlcheck/package-lock.json when it is missing.
func htmlValidate(t *testing.T) (node, script, config string) {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "htmlcheck"))
	if err != nil {
		t.Fatal(err)
	}
	script = filepath.Join(dir, "node_modules", "html-validate", "bin", "html-validate.mjs")
	if _, err := os.Stat(script); err != nil {
		npm, err := exec.LookPath("npm")
		if err != nil {
			t.Fatalf("html-validate is missing and npm is not installed: install npm (sudo apt-get install -y npm), then run `npm ci --prefix internal/htmlcheck` (or `make test`)")
		}
		out, err := exec.Command(npm, "ci", "--no-audit", "--no-fund", "--prefix", dir).CombinedOutput()
		if err != nil {
			t.Fatalf("npm ci --prefix internal/htmlcheck: %v\n%s", err, out)
		}
	}
	node, err = exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not installed: sudo apt-get install -y nodejs")
	}
	return node, script, filepath.Join(dir, "htmlvalidate.json")
}

// TestBundledPagesValid crawls the site serving the bundled content and
// checks every page it reaches with html-validate (HTML standard and
// accessibility rules) and for French typography.
func TestBundledPagesValid(t *testing.T) {
	node, script, config := htmlValidate(t)
	site := sitetest.Start(t, sitetest.Options{Content: sitetest.Bundled()})
	pages := crawl(t, site, []string{"/", "/nulle-part", "/monde/page/99",
		"/recherche?q=retrate+espagne", "/recherche?q=retrate+OR+trump&rubrique=actualites-politiques&tri=date", "/recherche?q=retraite&periode=mois"})
	kinds := map[string]bool{}
	for p, r := range pages {
		kinds[kind(p, r.StatusCode)] = true
	}
	for _, k := range []string{"home", "category", "article", "tags", "tag", "404"} {
		if !kinds[k] {
			t.Errorf("the crawl reached no %s page", k)
		}
	}
	validatePages(t, node, script, config, pages)
}

// TestFixturePagesValid checks the pages the bundled content has none of:
// a long article with its contents list, footnotes and definitions, an
// author with a file, a preview and the status page with preview links.
func TestFixturePagesValid(t *testing.T) {
	node, script, config := htmlValidate(t)
	site := sitetest.Start(t, sitetest.Options{})
	pages := map[string]sitetest.Response{}
	for _, p := range []string{"/pratique/retraite", "/auteurs/camille-martin", "/archives", "/_status", site.App.PreviewPath("pratique/brouillon.md")} {
		r := site.Get(t, p)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d", p, r.StatusCode)
		}
		pages[p] = r
	}
	validatePages(t, node, script, config, pages)
}

// validatePages runs html-validate and the French typography check on pages.
func validatePages(t *testing.T, node, script, config string, pages map[string]sitetest.Response) {
	t.Helper()
	dir := t.TempDir()
	var files []string
	paths := map[string]string{} // file → path
	for p, r := range pages {
		name := filepath.Join(dir, fmt.Sprintf("page-%03d.html", len(files)))
		if err := os.WriteFile(name, []byte(r.Body), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
		paths[name] = p
		for _, problem := range typography(parseHTML(t, r.Body)) {
			t.Errorf("%s: French typography: %s", p, problem)
		}
	}
	t.Logf("%d pages checked", len(pages))
	start := time.Now()
	defer func() { t.Logf("html-validate took %v", time.Since(start)) }()

	cmd := exec.Command(node, append([]string{script, "--config", config, "--formatter", "text"}, files...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		report := string(out)
		for name, p := range paths { // name pages by their path, not their file
			report = strings.ReplaceAll(report, name, p)
		}
		t.Fatalf("html-validate found problems: %v\n%s", err, report)
	}
}

// kind classifies a crawled path, to check that every kind was reached.
func kind(p string, status int) string {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	switch {
	case status == http.StatusNotFound:
		return "404"
	case p == "/":
		return "home"
	case p == "/tags":
		return "tags"
	case segs[0] == "tags":
		return "tag"
	case len(segs) == 1 || (len(segs) == 3 && segs[1] == "page"):
		return "category"
	case len(segs) == 2:
		return "article"
	}
	return "other"
}

var (
	// spaceBefore is a plain space where French wants a non-breaking one.
	spaceBefore = regexp.MustCompile(` [:;!?»]|« `)
	// glued is a double sign glued to the word before it ("mot:"), or
	// guillemets glued to their quote.
	glued = regexp.MustCompile(`\p{L}[;!?»]|«\p{L}|\p{L}: `)
)

// typography lists the French typography mistakes of the page's text:
// a plain or missing space before : ; ! ? and inside « ».
func typography(doc *html.Node) []string {
	var out []string
	for n := range doc.Descendants() {
		if n.Type != html.TextNode || skipText(n) {
			continue
		}
		for _, re := range []*regexp.Regexp{spaceBefore, glued} {
			for _, loc := range re.FindAllStringIndex(n.Data, -1) {
				out = append(out, fmt.Sprintf("%q in %q", n.Data[loc[0]:loc[1]], around(n.Data, loc[0])))
			}
		}
	}
	return out
}

// skipText reports whether n is text that is not prose: code, a program's
// output quoted word for word (samp), scripts.
func skipText(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		switch p.Data {
		case "script", "style", "code", "samp", "pre", "title":
			return p.Data != "title"
		}
	}
	return strings.TrimFunc(n.Data, unicode.IsSpace) == ""
}

func around(s string, i int) string {
	r := []rune(s)
	j := len([]rune(s[:i]))
	return string(r[max(0, j-30):min(len(r), j+30)])
}

func TestTypographyCheck(t *testing.T) {
	tests := []struct {
		text string
		bad  int
	}{
		{"Lecture\u00a0: 1 min, «\u00a0Vivre ailleurs\u00a0» ; vraiment\u00a0?", 1},
		{"Lecture : 1 min", 1},
		{"Lecture: 1 min", 1},
		{"« Vivre ailleurs »", 2},
		{"«Vivre ailleurs»", 2},
		{"Vraiment?", 1},
		{"Vraiment\u202f? Oui\u00a0!", 0},
		{"à 10:30, voir https://www.cleiss.fr", 0},
	}
	for _, tt := range tests {
		doc := parseHTML(t, "<p>"+tt.text+"</p><pre>Code : brut</pre>")
		if got := typography(doc); len(got) != tt.bad {
			t.Errorf("typography(%q) = %q, want %d problems", tt.text, got, tt.bad)
		}
	}
}
