package importer_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/importer"
	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/sitetest"
)

// realExport is WordPress's theme unit test export, in shared/.
const realExport = "wordpress/themeunittestdata.wordpress.xml"

// TestRealWordPressExport imports WordPress's own theme test data: every
// post and page is imported, the site passes its check, and every old
// permalink answers 301 to a page that answers 200.
func TestRealWordPressExport(t *testing.T) {
	exp := readExport(t, sitetest.Shared(t, realExport))
	dir := t.TempDir()
	report, err := importer.WordPress(exp, importer.WordPressOptions{Content: dir})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	report.WriteTo(&out)
	t.Log(out.String())

	var items []importer.Item
	for _, it := range exp.Items {
		if (it.Type == "post" || it.Type == "page") && it.Status != "trash" {
			items = append(items, it)
		}
	}
	if report.Imported != len(items) {
		t.Errorf("imported %d of %d posts and pages", report.Imported, len(items))
	}

	set, err := ingest.CheckDir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range set.Problems {
		if !p.Warning {
			t.Errorf("imported site fails its check: %s", p)
		}
	}
	if len(set.Articles) != len(items) {
		t.Errorf("check loads %d articles, want %d", len(set.Articles), len(items))
	}

	// After the scheduled post's date, every published or scheduled item
	// answers at each of its old addresses.
	site := sitetest.Start(t, sitetest.Options{Content: dir, Now: time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)})
	checked := 0
	for _, it := range items {
		if it.Status != "publish" && it.Status != "future" || it.Password != "" {
			continue
		}
		for _, raw := range []string{it.Link, "/?p=" + it.ID} {
			u, err := url.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			old := u.RequestURI()
			r := site.Get(t, old)
			if r.StatusCode != http.StatusMovedPermanently {
				t.Errorf("%s (%s): GET %s = %d, want 301", it.Title, it.ID, old, r.StatusCode)
				continue
			}
			to := r.Header.Get("Location")
			if r := site.Get(t, to); r.StatusCode != http.StatusOK {
				t.Errorf("%s (%s): GET %s = 301 to %s, which answers %d", it.Title, it.ID, old, to, r.StatusCode)
			}
			checked++
		}
	}
	// Every category that holds a post leads to a rubrique.
	used := map[string]bool{}
	for _, it := range items {
		for _, c := range it.Categories {
			if c.Domain == "category" && it.Type == "post" {
				used[c.Slug] = true
			}
		}
	}
	for slug := range used {
		old := "/category/" + slug + "/"
		r := site.Get(t, old)
		if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") == strings.TrimSuffix(old, "/") {
			t.Errorf("GET %s = %d to %q, want 301 to a rubrique", old, r.StatusCode, r.Header.Get("Location"))
			continue
		}
		if r := site.Get(t, r.Header.Get("Location")); r.StatusCode != http.StatusOK {
			t.Errorf("category %s redirects to a page that answers %d", slug, r.StatusCode)
		}
		checked++
	}
	t.Logf("%d old addresses checked", checked)
}
