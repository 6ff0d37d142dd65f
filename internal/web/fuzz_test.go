package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/sitetest"
)

// FuzzRequestPath sends any path and query to the real site: the answer is
// never a server error, and redirects end on a page after at most two hops
// (an old address, then its canonical spelling).
func FuzzRequestPath(f *testing.F) {
	for _, seed := range [][2]string{
		{"/", ""}, {"/monde", ""}, {"/monde/page/2", ""}, {"/monde/page/02", ""}, {"/Monde/", "x=1"},
		{"/pratique/retraite", ""}, {"/pratique/brouillon", ""}, {"/tags/retraite/page/2", ""},
		{"/tags/", ""}, {"/static/style.css", ""}, {"/media/retraite.png", ""}, {"/media/../site.yaml", ""},
		{"/monde/index.html", ""}, {"/\xff", "q=\xff"}, {"/%00", "q=%00"}, {"/sitemap-0.xml", ""},
		{"/sitemap-99999999999999999999.xml", ""}, {"/monde/rss.xml", ""}, {"/robots.txt", ""},
		{"/recherche", "q=retraite"}, {"/recherche", "q=\"\"*-OR("}, {"/tags/x/page/1", ""},
		{"/recherche/suggestions", "q=retr"}, {"/recherche/suggestions", "q=\xff\"*-OR( OU"},
		{"/recherche", "q=retrate&rubrique=\xff&periode=an&tri=date&exact=1"}, {"/recherche", "q=%zz%&rubrique=&periode=&tri=&page=%FF"},
		{"/recherche", "q=a+OR+-b&q=c&page=99999999999999999999"}, {"/recherche/suggestions", "q=retrate%20soc"},
		{"/archives/2024/11/page/2", ""}, {"/archives/0000/00", ""}, {"/archives/2024/11/page/99999999999999999999", ""},
		{"/auteurs/la-redaction/page/2", ""}, {"/auteurs/%C3%A9", ""}, {"/auteurs/x/atom.xml", ""},
		{"/apercu/00", ""}, {"/apercu/" + strings.Repeat("f", 32), ""}, {"/apercu/%zz", ""},
		{"/atom.xml", ""}, {"/feed.json", ""}, {"/tags/retraite/atom.xml", ""},
	} {
		f.Add(seed[0], seed[1])
	}
	site := sitetest.Start(f, sitetest.Options{})
	client := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	f.Fuzz(func(t *testing.T, path, query string) {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		u, err := url.Parse(site.URL)
		if err != nil {
			t.Fatal(err)
		}
		u.Path, u.RawQuery = path, queryString(query)
		target := u.String()
		for hop := 0; ; hop++ {
			resp, err := client.Get(target)
			if err != nil {
				t.Fatalf("GET %q: %v", target, err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode >= 500 {
				t.Fatalf("GET %q = %d", target, resp.StatusCode)
			}
			if resp.StatusCode < 300 || resp.StatusCode >= 400 {
				return
			}
			if hop == 2 {
				t.Fatalf("GET %q: still redirected after %d hops", u.String(), hop+1)
			}
			loc, err := resp.Location()
			if err != nil {
				t.Fatalf("GET %q = %d without a usable Location: %v", target, resp.StatusCode, err)
			}
			if loc.Host != u.Host {
				t.Fatalf("GET %q redirects off the site, to %q", target, loc)
			}
			target = loc.String()
		}
	})
}

// queryString makes s a query string that a request can carry: the bytes
// a URL cannot hold are percent-encoded, the others kept, "=", "&", "+"
// and "%" included, so that the fuzzer reaches each parameter (q first
// among them) with what it holds, malformed escapes too.
func queryString(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c > ' ' && c < 0x7f && c != '#' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// The fuzzer's query reaches the site as parameters, not as one escaped
// blob: q holds what the fuzzer wrote after "q=".
func TestQueryStringKeepsParameters(t *testing.T) {
	values, err := url.ParseQuery(queryString("q=sécurité sociale\x00&rubrique=monde+x"))
	if err != nil {
		t.Fatal(err)
	}
	if got := values.Get("q"); got != "sécurité sociale\x00" {
		t.Errorf("q = %q", got)
	}
	if got := values.Get("rubrique"); got != "monde x" {
		t.Errorf("rubrique = %q", got)
	}
	if got := queryString("q=%zz#"); got != "q=%zz%23" {
		t.Errorf("malformed escape: %q", got)
	}
}
