package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/horizons-expat/site/internal/sitetest"
	"github.com/horizons-expat/site/internal/web"
)

// resultLinks returns the article links of a results page, in order.
func resultLinks(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<h2 class="card-title"><a href="([^"]+)"`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestSearchPage(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	const nb = "\u00a0"
	tests := []struct {
		name, query string
		contains    []string
		lacks       []string
		first       string // the first result expected, if any
		results     int
	}{
		{
			name: "results, count, marks, dates, pagination", query: "retraite",
			contains: []string{
				"15 résultats pour «" + nb + "retraite" + nb + "» — page 1 sur 2",
				"<mark>retraite</mark>",
				`<time datetime="`,
				`href="/recherche?q=retraite&amp;page=2"`,
				`<ol class="search-results" start="1">`,
				`<a class="category" href="/pratique">`,
			},
			lacks: []string{"/pratique/programme"}, first: "/pratique/retraite", results: 12,
		},
		{
			name: "second page", query: "retraite&page=2",
			contains: []string{"page 2 sur 2", `<ol class="search-results" start="13">`, `rel="prev"`},
			results:  3,
		},
		{
			name: "page past the end shows the last", query: "retraite&page=99",
			contains: []string{"page 2 sur 2"}, results: 3,
		},
		{
			name: "singular", query: "étapes",
			contains: []string{"1 résultat pour «" + nb + "étapes" + nb + "»"},
			first:    "/pratique/retraite", results: 1,
		},
		{
			name: "accents and case do not matter", query: "PREPARER etranger",
			contains: []string{"<mark>Préparer</mark>", "<mark>étranger</mark>"},
			first:    "/pratique/retraite", results: 1,
		},
		{
			name: "phrase", query: `"nouvelle numéro 07"`,
			contains: []string{"<mark>Nouvelle</mark> <mark>numéro</mark> <mark>07</mark>"},
			first:    "/monde/nouvelle-07", results: 1,
		},
		{
			name: "prefix", query: "prepar*",
			contains: []string{"<mark>Préparer</mark>"}, first: "/pratique/retraite", results: 1,
		},
		{
			name: "nothing found", query: "introuvable",
			contains: []string{
				"Aucun résultat pour «" + nb + "introuvable" + nb + "»",
				"Aucun article ne correspond",
				`<a href="/monde">`, `<a href="/pratique">`,
			},
			results: 0,
		},
		{
			name: "drafts never found", query: "secret",
			contains: []string{"Aucun résultat"}, results: 0,
		},
		{
			name: "scheduled never found", query: "programmé",
			contains: []string{"Aucun résultat"}, results: 0,
		},
		{
			name: "empty query", query: "",
			contains: []string{"<h1>Rechercher</h1>", `class="search-help"`},
			lacks:    []string{`class="count"`, "Aucun résultat"}, results: 0,
		},
		{
			name: "blank query", query: " \t  ",
			contains: []string{`class="search-help"`}, lacks: []string{`class="count"`}, results: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := site.Get(t, "/recherche?q="+strings.ReplaceAll(url.QueryEscape(tt.query), "%26page%3D", "&page="))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200", resp.StatusCode)
			}
			for _, want := range append(tt.contains, `<meta name="robots" content="noindex">`) {
				if !strings.Contains(resp.Body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			for _, bad := range tt.lacks {
				if strings.Contains(resp.Body, bad) {
					t.Errorf("page has %q", bad)
				}
			}
			links := resultLinks(resp.Body)
			if len(links) != tt.results {
				t.Errorf("%d results, want %d: %v", len(links), tt.results, links)
			}
			if tt.first != "" && (len(links) == 0 || links[0] != tt.first) {
				t.Errorf("first result %v, want %s", links, tt.first)
			}
		})
	}
}

func TestSearchKeepsTheQuery(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	resp := site.Get(t, "/recherche?q="+url.QueryEscape(`sécurité "sociale" <b>`))
	want := `id="recherche-page-q" type="search" name="q" value="sécurité &#34;sociale&#34; &lt;b&gt;"`
	if !strings.Contains(resp.Body, want) {
		t.Errorf("search box does not keep the query: want %s", want)
	}
	if strings.Contains(resp.Body, "<b>") {
		t.Error("query reaches the page unescaped")
	}
}

// Whatever the query, the page answers 200: FTS5 syntax is text, long
// queries are cut, broken encodings repaired.
func TestSearchNeverFails(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	queries := []string{
		`"`, `*`, `^`, `:`, `(`, `)`, `-`, `+`, `{`, `}`, `{}`, `NEAR`, `AND`, `OR`, `NOT`,
		`" * ^ : ( ) - + NEAR AND OR NOT {}`, `retraite OR`, `NOT retraite`, `retraite AND`, `NEAR(retraite nouvelle, 2)`,
		`title:retraite`, `{title summary}:retraite`, `^retraite`, `-retraite`, `"retraite`, `retraite"`, `""`, `"*"`,
		`(retraite`, `retraite)`, `*retraite`, `re*traite*`, `rowid:1`, `article_search:x`, `'`, `\`, `;`, `%`, `&`,
		strings.Repeat("a", 10000),
		strings.Repeat(`é"*(`, 2500),
		strings.Repeat("retraite ", 1200),
	}
	for _, q := range queries {
		name := q
		if len(name) > 40 {
			name = name[:40] + "…"
		}
		t.Run(name, func(t *testing.T) {
			resp := site.Get(t, "/recherche?q="+url.QueryEscape(q))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200", resp.StatusCode)
			}
			if !strings.Contains(resp.Body, "<h1>Rechercher</h1>") {
				t.Errorf("not the search page")
			}
		})
	}
	raw := []struct{ name, query string }{
		{"invalid UTF-8", "s%E9curit%E9"},
		{"malformed escape", "100%"},
		{"bad escape inside", "a%ZZb"},
		{"NUL", "%00retraite"},
		{"semicolon", "a;b"},
		{"two q", "retraite&q=autre"},
		{"bad page", "retraite&page=abc"},
		{"negative page", "retraite&page=-3"},
		{"huge page", "retraite&page=99999999999999999999"},
		{"page whose offset wraps", "retraite&page=768614336404564652"},
		{"largest page", "retraite&page=9223372036854775807"},
	}
	for _, tt := range raw {
		t.Run(tt.name, func(t *testing.T) {
			resp := site.Get(t, "/recherche?q="+tt.query)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200", resp.StatusCode)
			}
		})
	}
	t.Run("long query is cut to 200 characters", func(t *testing.T) {
		resp := site.Get(t, "/recherche?q="+strings.Repeat("x", 10000))
		if !strings.Contains(resp.Body, `value="`+strings.Repeat("x", 200)+`"`) {
			t.Error("query not cut to 200 characters")
		}
	})
	t.Run("Windows-1252 repaired", func(t *testing.T) {
		resp := site.Get(t, "/recherche?q=pr%E9parer")
		if !strings.Contains(resp.Body, "<mark>Préparer</mark>") {
			t.Error("Latin-1 query not repaired into « préparer »")
		}
	})
	t.Run("percent sign kept", func(t *testing.T) {
		resp := site.Get(t, "/recherche?q=100%")
		if !strings.Contains(resp.Body, `value="100%"`) {
			t.Error("malformed escape not kept as typed")
		}
	})
}

func TestSearchPreviewFindsDrafts(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{Drafts: true})
	resp := site.Get(t, "/recherche?q=secret")
	if links := resultLinks(resp.Body); len(links) != 1 || links[0] != "/pratique/brouillon" {
		t.Errorf("editor's preview: results %v, want the draft", links)
	}
}

// TestSearchSurrogateKey checks that results pages carry the key that
// ingest purges when any article changes, so that shared caches drop them.
func TestSearchSurrogateKey(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	for _, path := range []string{"/recherche?q=retraite", "/recherche?q=introuvablexyz"} {
		resp := site.Get(t, path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", path, resp.StatusCode)
		}
		keys := strings.Fields(resp.Header.Get("Surrogate-Key"))
		if !slices.Contains(keys, web.KeySearch) || !slices.Contains(keys, web.KeySite) {
			t.Errorf("%s: Surrogate-Key %q, want the search and site keys", path, keys)
		}
	}
}

func TestOpenSearch(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	resp := site.Get(t, "/opensearch.xml")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/opensearchdescription+xml; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	for _, want := range []string{
		`<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">`,
		`<ShortName>Fixture</ShortName>`,
		`template="https://fixture.example/recherche?q={searchTerms}"`,
		`<InputEncoding>UTF-8</InputEncoding>`,
	} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("opensearch.xml lacks %s", want)
		}
	}
	if keys := strings.Fields(resp.Header.Get("Surrogate-Key")); !slices.Contains(keys, web.KeySite) {
		t.Errorf("opensearch.xml: Surrogate-Key %q, want the site key", keys)
	}
	home := site.Get(t, "/")
	if !strings.Contains(home.Body, `<link rel="search" type="application/opensearchdescription+xml" href="/opensearch.xml" title="Fixture">`) {
		t.Error("pages do not announce the OpenSearch description")
	}
}
