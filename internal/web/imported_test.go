package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/sitetest"
)

// TestImportedAddresses checks that the addresses an imported archive
// brings (WordPress's /?p=123 and dated permalinks with their trailing
// slash, /category/slug/, Hugo's url) answer one 301 to the page.
func TestImportedAddresses(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	site.Write(t, "monde/importe.md", "---\ntitle: Importé\ndate: 2024-10-01 09:00\n"+
		"aliases: [\"/?p=123\", \"/?page_id=7&preview=true\", /2024/10/01/importe/, vieux-nom]\nurl: /blog/importe/\n---\n\nTexte.\n")
	site.Write(t, "monde/_index.md", "---\ntitle: Monde\ndescription: Les nouvelles du monde.\nweight: 10\naliases: [/category/monde/, \"/?cat=3\"]\n---\n")
	site.WaitFor(t, "/monde/importe", http.StatusOK)
	site.WaitFor(t, "/category/monde", http.StatusMovedPermanently)
	// The home page cached first: an old address with a query is still
	// looked up, not answered as the cached page its path names.
	site.Get(t, "/")
	site.Get(t, "/")

	tests := []struct{ path, to string }{
		{"/?p=123", "/monde/importe"},
		{"/?preview=true&page_id=7", "/monde/importe"}, // any order of the parameters
		{"/2024/10/01/importe/", "/monde/importe"},     // one hop, not two
		{"/2024/10/01/importe", "/monde/importe"},
		{"/monde/vieux-nom", "/monde/importe"}, // relative to the article's folder
		{"/blog/importe/", "/monde/importe"},
		{"/category/monde/", "/monde"},
		{"/?cat=3", "/monde"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := site.Get(t, tt.path)
			if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != tt.to {
				t.Fatalf("GET %s = %d to %q, want 301 to %s", tt.path, r.StatusCode, r.Header.Get("Location"), tt.to)
			}
			if r := site.Get(t, tt.to); r.StatusCode != http.StatusOK {
				t.Errorf("GET %s = %d", tt.to, r.StatusCode)
			}
		})
	}
	// A query that is nobody's alias leaves the page as it was.
	if r := site.Get(t, "/?p=999"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Nouvelle numéro 14") {
		t.Errorf("GET /?p=999 = %d, want the home page", r.StatusCode)
	}
	if r := site.Get(t, "/2024/10/01/autre/"); r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/2024/10/01/autre" {
		t.Errorf("GET /2024/10/01/autre/ = %d to %q, want the usual redirect to the canonical spelling", r.StatusCode, r.Header.Get("Location"))
	}
}

// TestEmbargoAndMetaDescription checks Hugo's publishDate (the article stays
// hidden until then) and description (the page's meta description, while
// lists keep the summary).
func TestEmbargoAndMetaDescription(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	later := sitetest.FixtureNow.Add(48 * time.Hour).Format(time.RFC3339)
	site.Write(t, "monde/decrit.md", "+++\ntitle = 'Décrit'\ndate = 2024-10-02T09:00:00\ndescription = 'Pour les moteurs de recherche.'\nsummary = 'Pour les listes.'\ntags = ['embargo']\n+++\n\nTexte.\n")
	site.Write(t, "monde/embargo.md", "---\ntitle: Sous embargo\ndate: 2024-10-01 09:00\npublishDate: "+later+"\ntags: [embargo]\n---\n\nTexte.\n")
	site.WaitFor(t, "/monde/decrit", http.StatusOK)

	if r := site.Get(t, "/monde/embargo"); r.StatusCode != http.StatusNotFound {
		t.Errorf("GET /monde/embargo = %d before its publishDate, want 404", r.StatusCode)
	}
	r := site.Get(t, "/monde/decrit")
	if !strings.Contains(r.Body, `<meta name="description" content="Pour les moteurs de recherche.">`) {
		t.Errorf("article page lacks its meta description:\n%s", r.Body)
	}
	if r := site.Get(t, "/tags/embargo"); !strings.Contains(r.Body, "Pour les listes.") || strings.Contains(r.Body, "Sous embargo") {
		t.Errorf("listing shows the embargoed article or not the summary:\n%s", r.Body)
	}
}

// TestFormerWordPressAddresses checks the families of addresses a
// WordPress site gave its listings and feeds: each answers one 301 to our
// page for it, 410 for comment feeds, and 404 when we have nothing for it
// (as WordPress answered for an empty listing).
func TestFormerWordPressAddresses(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	site.Write(t, "auteurs/camille-martin.md", "---\nname: Camille Martin\nrole: Journaliste, vie pratique\naliases: [/author/cmartin/]\n---\n\nBio.\n")
	site.Write(t, "monde/_index.md", "---\ntitle: Monde\ndescription: Les nouvelles du monde.\nweight: 10\naliases: [/category/international/monde/]\n---\n")
	site.Write(t, "monde/importe.md", "---\ntitle: Importé\ndate: 2024-10-01 09:00\ntags: [Must Read]\naliases: [/2024/10/01/importe/]\n---\n\nTexte.\n")
	site.WaitFor(t, "/monde/importe", http.StatusOK)
	site.WaitFor(t, "/author/cmartin", http.StatusMovedPermanently)
	site.WaitFor(t, "/category/international/monde", http.StatusMovedPermanently)

	tests := []struct {
		path   string
		status int
		to     string
	}{
		{"/tag/retraite/", 301, "/tags/retraite"},
		{"/tag/retraite", 301, "/tags/retraite"},
		{"/tag/securite-sociale-2/", 301, "/tags/securite-sociale"}, // WordPress's suffix for a slug a category had
		{"/tag/mustread/", 301, "/tags/must-read"},                  // an editor's slug without hyphens
		{"/tag/retraite/page/3/", 301, "/tags/retraite"},
		{"/tag/retraite/feed/", 301, "/tags/retraite/atom.xml"},
		{"/tag/inconnu", 404, ""},
		{"/author/cmartin/", 301, "/auteurs/camille-martin"}, // the author file's alias
		{"/author/la-redaction/", 301, "/auteurs/la-redaction"},
		{"/author/cmartin/feed/", 301, "/auteurs/camille-martin/rss.xml"},
		{"/author/personne", 404, ""},
		{"/category/international/monde/page/2/", 301, "/monde"},
		{"/category/international/monde/feed/", 301, "/monde/rss.xml"},
		{"/category/international/monde/feed/atom/", 301, "/monde/atom.xml"},
		{"/category/inconnue/feed", 404, ""},
		{"/2024/", 301, "/archives"},
		{"/2024/11/", 301, "/archives/2024/11"},
		{"/2024/11/05/", 301, "/archives/2024/11"},
		{"/2024/11/5", 301, "/archives/2024/11"},
		{"/2024/11/05/page/2/", 301, "/archives/2024/11"},
		{"/2024/11/feed/", 301, "/rss.xml"},
		{"/2019", 404, ""},       // nothing published then
		{"/2024/07", 404, ""},    // nor then
		{"/2024/13", 404, ""},    // no such month
		{"/2024/11/32", 404, ""}, // no such day
		{"/feed/", 301, "/rss.xml"},
		{"/feed/rss2/", 301, "/rss.xml"},
		{"/feed/atom/", 301, "/atom.xml"},
		{"/page/2/", 301, "/"},
		{"/comments/feed", 410, ""},
		{"/2024/10/01/importe/feed", 410, ""}, // a post's comments
		{"/monde/page/99", 404, ""},           // our own listing past its end stays ours
		{"/?s=retraite+%C3%A0+l%27%C3%A9tranger", 301, "/recherche?q=retraite+%C3%A0+l%27%C3%A9tranger"},
		{"/?feed=rss2", 301, "/rss.xml"},
		{"/?feed=atom", 301, "/atom.xml"},
		{"/?tag=retraite", 301, "/tags/retraite"},
		{"/?m=202411", 301, "/archives/2024/11"},
		{"/?m=20241105", 301, "/archives/2024/11"},
		{"/?m=2024", 301, "/archives"},
		{"/?utm_source=lettre", 200, ""}, // any other query: the home page
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			for _, method := range []string{http.MethodGet, http.MethodHead} {
				r := site.Do(t, method, tt.path, nil)
				if r.StatusCode != tt.status || r.Header.Get("Location") != tt.to {
					t.Fatalf("%s %s = %d to %q, want %d to %q", method, tt.path, r.StatusCode, r.Header.Get("Location"), tt.status, tt.to)
				}
			}
			if tt.to == "" {
				return
			}
			if r := site.Get(t, tt.to); r.StatusCode != http.StatusOK {
				t.Errorf("GET %s = %d", tt.to, r.StatusCode)
			}
		})
	}
}
