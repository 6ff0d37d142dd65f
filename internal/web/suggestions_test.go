package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/horizons-expat/site/internal/app"
	"github.com/horizons-expat/site/internal/sitetest"
)

const nbsp = "\u00a0"

// text returns the text of an HTML fragment: its tags removed, the
// entities the tests meet decoded.
func plainText(html string) string {
	s := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(html, "")
	return strings.NewReplacer("&amp;", "&", "&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
}

// notices returns the text of the page's search notices.
func notices(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`(?s)<p class="search-notice">(.*?)</p>`).FindAllStringSubmatch(body, -1) {
		out = append(out, plainText(m[1]))
	}
	return out
}

func TestSearchCorrectsAndWidens(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	tests := []struct {
		name, path string
		notices    []string
		contains   []string
		first      string
		results    int
	}{
		{
			name: "typo corrected, link to the query as typed", path: "/recherche?q=retrate",
			notices: []string{"Résultats pour «" + nbsp + "retraite" + nbsp + "». Rechercher plutôt «" + nbsp + "retrate" + nbsp + "»" + nbsp + "?"},
			contains: []string{`<a href="/recherche?q=retrate&amp;exact=1">`, "15 résultats pour «" + nbsp + "retraite" + nbsp + "»",
				"<mark>retraite</mark>", "<title>Recherche «" + nbsp + "retrate" + nbsp + "»"},
			first: "/pratique/retraite", results: 12,
		},
		{
			name: "the query as typed", path: "/recherche?q=retrate&exact=1",
			contains: []string{"Aucun résultat pour «" + nbsp + "retrate" + nbsp + "»", "Aucun article ne correspond"},
		},
		{
			name: "did you mean", path: "/recherche?q=" + url.QueryEscape("retrate OR détails"),
			notices:  []string{"Vouliez-vous dire «" + nbsp + "retraite OR détails" + nbsp + "»" + nbsp + "?"},
			contains: []string{`<a href="/recherche?q=retraite+OR+d%C3%A9tails">`},
			results:  12,
		},
		{
			name: "fall-back to the most words", path: "/recherche?q=" + url.QueryEscape("retraite introuvable"),
			notices: []string{"Aucun article ne contient tous ces mots" + nbsp + "; voici ceux qui en contiennent le plus."},
			first:   "/pratique/retraite", results: 12,
		},
		{
			name: "OR", path: "/recherche?q=" + url.QueryEscape("étapes OU introuvable"),
			first: "/pratique/retraite", results: 1,
		},
		{
			name: "exclusion", path: "/recherche?q=" + url.QueryEscape("retraite -numéro"),
			first: "/pratique/retraite", results: 1,
		},
		{
			name: "rubrique", path: "/recherche?q=retraite&rubrique=pratique",
			contains: []string{`<a href="/recherche?q=retraite&amp;rubrique=pratique" aria-current="true">Vie pratique</a>`,
				`<label for="recherche-page-rubrique">Rubrique</label>`, `<select id="recherche-page-rubrique" name="rubrique">`,
				`<option value="pratique" selected>Vie pratique</option>`, `<option value="" selected>Toutes les dates</option>`,
				`<select id="recherche-page-tri" name="tri">`, `<option value="" selected>Les plus pertinents</option>`, `<option value="date">Les plus récents</option>`},
			first: "/pratique/retraite", results: 1,
		},
		{
			name: "the form's menus as they came", path: "/recherche?q=retraite&rubrique=&periode=&tri=",
			contains: []string{`<a href="/recherche?q=retraite" aria-current="true">Toutes</a>`}, results: 12,
		},
		{
			name: "the form's menus, a rubrique chosen", path: "/recherche?q=retraite&rubrique=pratique&periode=&tri=",
			contains: []string{`<option value="pratique" selected>Vie pratique</option>`},
			first:    "/pratique/retraite", results: 1,
		},
		{
			name: "unknown rubrique ignored", path: "/recherche?q=retraite&rubrique=" + url.QueryEscape("<b>"),
			contains: []string{`<a href="/recherche?q=retraite" aria-current="true">Toutes</a>`}, results: 12,
		},
		{
			name: "newest first", path: "/recherche?q=retraite&tri=date",
			contains: []string{`<a href="/recherche?q=retraite&amp;tri=date" aria-current="true">Les plus récents</a>`,
				`href="/recherche?q=retraite&amp;tri=date&amp;page=2"`},
			first: "/pratique/retraite", results: 12,
		},
		{
			name: "last month", path: "/recherche?q=retraite&periode=mois",
			contains: []string{`aria-current="true">Le dernier mois</a>`},
			results:  12,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := site.Get(t, tt.path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if got := notices(resp.Body); strings.Join(got, "\n") != strings.Join(tt.notices, "\n") {
				t.Errorf("notices %q, want %q", got, tt.notices)
			}
			for _, want := range tt.contains {
				if !strings.Contains(resp.Body, want) {
					t.Errorf("page lacks %q", want)
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

// The search page has one search box, its own; every other page has the
// header's.
func TestOneSearchBox(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	for path, want := range map[string]string{"/recherche": "recherche-page-q", "/recherche?q=retraite": "recherche-page-q", "/": "recherche-q", "/monde": "recherche-q"} {
		body := site.Get(t, path).Body
		if n := strings.Count(body, `type="search"`); n != 1 {
			t.Errorf("%s has %d search boxes, want 1", path, n)
		}
		if !strings.Contains(body, `id="`+want+`"`) || !strings.Contains(body, `data-suggestions="/recherche/suggestions"`) {
			t.Errorf("%s lacks the search box %s with its suggestions", path, want)
		}
	}
}

type suggestionsBody struct {
	Q           string `json:"q"`
	Suggestions []struct {
		Title string `json:"title"`
		URL   string `json:"url"`
	} `json:"suggestions"`
}

func getSuggestions(t *testing.T, site *sitetest.Site, rawQuery string) (sitetest.Response, suggestionsBody) {
	t.Helper()
	resp := site.Get(t, "/recherche/suggestions?q="+rawQuery)
	var body suggestionsBody
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
			t.Fatalf("q=%s: %v in %q", rawQuery, err, resp.Body)
		}
	}
	return resp, body
}

func TestSuggestions(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	tests := []struct {
		name, q string
		first   string // "" for no suggestion
	}{
		{"a prefix", "retr", "/pratique/retraite"},
		{"a prefix, accents and case folded", url.QueryEscape("PRÉPA"), "/pratique/retraite"},
		{"a prefix after a whole word", url.QueryEscape("droits ret"), "/pratique/retraite"},
		{"a whole word, then a space", url.QueryEscape("étapes "), "/pratique/retraite"},
		{"a prefix in the text, in no title", url.QueryEscape("étap"), "/pratique/retraite"},
		{"a typo in the last complete word", url.QueryEscape("retrate "), "/pratique/retraite"},
		{"a typo before a prefix", url.QueryEscape("retrate sa"), "/pratique/retraite"},
		{"one letter", "r", ""},
		{"nothing", "", ""},
		{"not found", "zzzz", ""},
		{"a draft is never suggested", "secre", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := getSuggestions(t, site, tt.q)
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("status %d, type %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			if body.Suggestions == nil {
				t.Fatalf("no suggestions array in %s", resp.Body)
			}
			if tt.first == "" {
				if len(body.Suggestions) != 0 {
					t.Errorf("suggestions %+v, want none", body.Suggestions)
				}
				return
			}
			if len(body.Suggestions) == 0 || body.Suggestions[0].URL != tt.first {
				t.Fatalf("suggestions %+v, want %s first", body.Suggestions, tt.first)
			}
			if body.Suggestions[0].Title != "Préparer sa retraite à l’étranger" || len(body.Suggestions) > 8 {
				t.Errorf("suggestions %+v", body.Suggestions)
			}
		})
	}
	t.Run("cached like pages", func(t *testing.T) {
		resp, _ := getSuggestions(t, site, "retr")
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "public") || !strings.Contains(cc, "max-age=") {
			t.Errorf("Cache-Control %q", cc)
		}
		if !strings.Contains(resp.Header.Get("Surrogate-Key"), "search") || resp.Header.Get("ETag") == "" {
			t.Errorf("Surrogate-Key %q, ETag %q", resp.Header.Get("Surrogate-Key"), resp.Header.Get("ETag"))
		}
		again := site.Do(t, http.MethodGet, "/recherche/suggestions?q=retr", http.Header{"If-None-Match": {resp.Header.Get("ETag")}})
		if again.StatusCode != http.StatusNotModified {
			t.Errorf("revalidation: %d, want 304", again.StatusCode)
		}
	})
}

// Whatever q holds, suggestions answer 200 with JSON: every special
// character, FTS5 syntax, 10,000 characters, broken encodings.
func TestSuggestionsNeverFail(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	var raw []string
	for _, q := range []string{
		`"`, `*`, `^`, `:`, `(`, `)`, `-`, `+`, `{`, `}`, `NEAR`, `AND`, `OR`, `OU`, `NOT`, `OR retraite`, `retraite OR`,
		`" * ^ : ( ) - + NEAR AND OR NOT {}`, `title:retr`, `{title}:r`, `-retr`, `"retr`, `retr"`, `"sécurité soc`,
		`'`, `\`, `;`, `%`, `&`, "<script>", "a\u00a0b", "🙂🙂", "\u0301\u0301", strings.Repeat("a", 10000),
		strings.Repeat(`é"*(`, 2500), strings.Repeat("retraite ", 1200), strings.Repeat("-a ", 100), strings.Repeat("a OR ", 100),
	} {
		raw = append(raw, url.QueryEscape(q))
	}
	raw = append(raw, "s%E9curit%E9", "100%", "a%ZZb", "%00retr", "%ff%fe", "retr&q=autre", "%C3")
	for _, q := range raw {
		name := q
		if len(name) > 40 {
			name = name[:40] + "…"
		}
		t.Run(name, func(t *testing.T) {
			resp, body := getSuggestions(t, site, q)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200", resp.StatusCode)
			}
			if body.Suggestions == nil {
				t.Errorf("no suggestions array in %s", resp.Body)
			}
		})
	}
	t.Run("other parameters", func(t *testing.T) {
		for _, p := range []string{"rubrique=%3Cb%3E", "periode=x", "tri=date&tri=x", "exact=2", "page=-1"} {
			if resp := site.Get(t, "/recherche?q=retraite&"+p); resp.StatusCode != http.StatusOK {
				t.Errorf("/recherche?q=retraite&%s: %d", p, resp.StatusCode)
			}
		}
	})
}

// Suggestions are rate-limited like searches, on a budget of their own.
func TestSuggestionsRateLimited(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{Configure: func(c *app.Config) { c.SearchesPerMinute = 2 }})
	limited := 0
	for range 12 {
		if resp, _ := getSuggestions(t, site, "retr"); resp.StatusCode == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited != 2 {
		t.Errorf("%d of 12 suggestions refused, want 2 (a budget of 10 a minute)", limited)
	}
	if resp := site.Get(t, "/recherche?q=retraite"); resp.StatusCode != http.StatusOK {
		t.Errorf("a search after the suggestions: %d, want 200 (budgets apart)", resp.StatusCode)
	}
}
