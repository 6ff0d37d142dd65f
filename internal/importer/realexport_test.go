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

	// After the scheduled post's date, every address the old site answered
	// answers: 301 to a page that answers 200, or a deliberate 410.
	site := sitetest.Start(t, sitetest.Options{Content: dir, Now: time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)})
	olds := formerAddresses(t, exp, items)
	counts := map[string]int{}
	for _, old := range olds {
		r := site.Get(t, old.path)
		if old.gone && r.StatusCode == http.StatusMovedPermanently {
			r = site.Get(t, r.Header.Get("Location")) // the canonical spelling first, as for any page
		}
		switch {
		case old.gone:
			if r.StatusCode != http.StatusGone {
				t.Errorf("%s (%s): GET %s = %d, want 410", old.kind, old.of, old.path, r.StatusCode)
				continue
			}
		case r.StatusCode != http.StatusMovedPermanently:
			t.Errorf("%s (%s): GET %s = %d, want 301", old.kind, old.of, old.path, r.StatusCode)
			continue
		default:
			to := r.Header.Get("Location")
			if r := site.Get(t, to); r.StatusCode != http.StatusOK {
				t.Errorf("%s (%s): GET %s = 301 to %s, which answers %d", old.kind, old.of, old.path, to, r.StatusCode)
				continue
			}
			if old.want != "" && to != old.want {
				t.Errorf("%s (%s): GET %s = 301 to %s, want %s", old.kind, old.of, old.path, to, old.want)
			}
		}
		counts[old.kind]++
	}
	t.Logf("%d old addresses checked: %v", len(olds), counts)
}

// formerAddress is an address the WordPress site answered.
type formerAddress struct {
	kind, of, path string
	want           string // the redirect's target, when the test knows it
	gone           bool   // answered 410 on purpose
}

// formerAddresses lists what the WordPress site of exp answered, as its
// theme and permalinks made them: posts (permalink, ?p=), their attachment
// pages, categories, tags and authors with published posts (and their
// second pages and feeds), date archives, and the feeds.
func formerAddresses(t *testing.T, exp *importer.Export, items []importer.Item) []formerAddress {
	path := func(raw string) string {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		return u.RequestURI()
	}
	var out []formerAddress
	add := func(kind, of, p string) { out = append(out, formerAddress{kind: kind, of: of, path: p}) }
	published := map[string]bool{}
	categories, tags, authors, days := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, it := range items {
		if it.Status != "publish" && it.Status != "future" || it.Password != "" {
			continue
		}
		published[it.ID] = true
		add("post", it.Title, path(it.Link))
		add("post", it.Title, "/?p="+it.ID)
		out = append(out, formerAddress{kind: "comments feed", of: it.Title, path: strings.TrimSuffix(path(it.Link), "/") + "/feed/", gone: true})
		if it.Type != "post" {
			continue
		}
		for _, c := range it.Categories {
			switch c.Domain {
			case "category":
				categories[c.Slug] = true
			case "post_tag":
				tags[c.Slug] = true
			}
		}
		authors[it.Creator] = true
		if len(it.Date) >= 10 {
			days[it.Date[:10]] = true
		}
	}
	for _, it := range exp.Items {
		if it.Type == "attachment" && published[it.Parent] {
			add("attachment", it.Title, path(it.Link))
			add("attachment", it.Title, "/?attachment_id="+it.ID)
		}
	}
	ids := map[string]string{}
	for _, c := range exp.Categories {
		ids[c.Slug] = c.ID
	}
	for slug := range categories {
		add("category", slug, "/category/"+slug+"/")
		if ids[slug] != "" {
			add("category query", slug, "/?cat="+ids[slug])
		}
		add("category page 2", slug, "/category/"+slug+"/page/2/")
		add("category feed", slug, "/category/"+slug+"/feed/")
	}
	for slug := range tags {
		add("tag", slug, "/tag/"+slug+"/")
		add("tag query", slug, "/?tag="+slug)
		add("tag feed", slug, "/tag/"+slug+"/feed/")
	}
	for login := range authors {
		add("author", login, "/author/"+login+"/")
	}
	months, years := map[string]bool{}, map[string]bool{}
	for d := range days {
		y, m, day := d[:4], d[5:7], d[8:10]
		out = append(out, formerAddress{kind: "day", of: d, path: "/" + y + "/" + m + "/" + day + "/", want: "/archives/" + y + "/" + m})
		months[y+"/"+m], years[y] = true, true
	}
	for m := range months {
		out = append(out, formerAddress{kind: "month", of: m, path: "/" + m + "/", want: "/archives/" + m})
		out = append(out, formerAddress{kind: "month query", of: m, path: "/?m=" + strings.ReplaceAll(m, "/", ""), want: "/archives/" + m})
	}
	for y := range years {
		out = append(out, formerAddress{kind: "year", of: y, path: "/" + y + "/", want: "/archives"})
	}
	for _, f := range []formerAddress{
		{kind: "feed", path: "/feed/", want: "/rss.xml"},
		{kind: "feed", path: "/feed/rss2/", want: "/rss.xml"},
		{kind: "feed", path: "/feed/atom/", want: "/atom.xml"},
		{kind: "feed", path: "/comments/feed/", gone: true},
		{kind: "feed", path: "/?feed=rss2", want: "/rss.xml"},
		{kind: "home page 2", path: "/page/2/", want: "/"},
	} {
		out = append(out, f)
	}
	return out
}
