package web_test

import (
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/app"
	"github.com/horizons-expat/site/internal/corpus"
	"github.com/horizons-expat/site/internal/sitetest"
)

// benchQueries are what readers type, from rare words to words found in
// most of the corpus, with phrases, prefixes, elisions and typos.
var benchQueries = []string{
	"retraite", "sécurité sociale", "securite sociale retraite", "consulat Madrid", "impots non residents",
	"lycée français Valence", `"vote par procuration"`, "erasmus", "visa japon", "télétravail",
	"passeport", "bourses scolaires", "l'étranger", "fiscalité", "Canada", "permis de conduire",
	"santé", "pensions", "expat*", "climat énergie", "francais", "ambassade de France",
	"droits à la retraite", "Quai d'Orsay", "introuvable", "NEAR(a b) OR -c",
}

// benchTypos are benchQueries as readers misspell them: each has a word
// that the corpus lacks, one or two edits from one it has.
var benchTypos = []string{
	"retrate", "securte sociale", "consulta Madrid", "impots non residnts", "lycé français Valence",
	"erasmuss", "visa japn", "télétravial", "passeprot", "bourses scolaries", "fiscalitée", "Canadaa",
	"permis de condiure", "pensiosn", "climat énergei", "ambasade de France", "droits à la retrate", "Quai d'Orsai",
}

// benchPrefixes are what the search box sends as a reader types: the
// start of a word, after whole words or not, and a typo in a whole word.
var benchPrefixes = []string{
	"retr", "sécu", "secu", "cons", "pass", "fisc", "eras", "télé", "amba", "bour", "perm",
	"visa ja", "droits à la ret", "impots non res", "lycée fr", "consulat Mad", "retrate soc", "santé ",
}

// BenchmarkSearchRequest measures a search as a reader gets it, over a
// generated corpus of 10,000 articles: the whole HTTP round trip on
// loopback, routing, matching, ranking, snippets and rendering included.
// It reports the median and 99th percentile of the requests' durations.
// "uncached" makes every URL new, so that the page cache never answers
// and every request runs the search, with the scores of the queries'
// phrases known to the store from earlier searches of the same content,
// as on a running site; "cached" repeats the same queries, as popular
// searches are; "after-change" searches as soon as a newly published
// article is online, when the store has just started scoring anew the
// phrases searched before (only the search is timed). "typo-uncached"
// is "uncached" with misspelled queries, corrected from the vocabulary;
// "suggestions-uncached" asks /recherche/suggestions for what a reader
// typing has typed so far, every URL new to the page cache, the phrases'
// scores (prefixes included) known from the warm-up.
func BenchmarkSearchRequest(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "corpus")
	if err := corpus.Generate(dir, 10_000, 1); err != nil {
		b.Fatal(err)
	}
	site := sitetest.Start(b, sitetest.Options{Content: dir, Now: corpus.Reference,
		Configure: func(c *app.Config) { c.SearchesPerMinute = 1 << 30 }})
	client := &http.Client{Timeout: 10 * time.Second}
	toURLs := func(path string, queries []string) []string {
		out := make([]string, len(queries))
		for i, q := range queries {
			out[i] = site.URL + path + "?q=" + url.QueryEscape(q)
		}
		return out
	}
	pageURLs, typoURLs, prefixURLs := toURLs("/recherche", benchQueries), toURLs("/recherche", benchTypos), toURLs("/recherche/suggestions", benchPrefixes)
	fetch := func(u string) string {
		resp, err := client.Get(u)
		if err != nil {
			b.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
		}
		return string(body)
	}
	get := func(u string) {
		if body := fetch(u); !strings.Contains(body, "<h1>Rechercher</h1>") && !strings.HasPrefix(body, `{"q":`) {
			b.Fatalf("GET %s: %.200s", u, body)
		}
	}
	// Warm the caches, as a running site has them; check that each typo
	// is corrected and each prefix suggests something, or the figures
	// would measure something else.
	for _, u := range pageURLs {
		get(u)
	}
	for _, u := range typoURLs {
		if body := fetch(u); !strings.Contains(body, `class="search-notice"`) || !strings.Contains(body, `class="search-result"`) {
			b.Fatalf("GET %s: not corrected", u)
		}
	}
	for _, u := range prefixURLs {
		if body := fetch(u); !strings.Contains(body, `"url":"/`) {
			b.Fatalf("GET %s: no suggestion: %s", u, body)
		}
	}
	run := func(b *testing.B, urls, names []string, unique, change bool) {
		var durations []time.Duration
		byQuery := make([][]time.Duration, len(urls))
		i := 0
		cpu := sitetest.CPUTime()
		for b.Loop() {
			if change {
				slug := "publication-" + strconv.Itoa(i)
				site.Write(b, "vie-pratique/"+slug+".md", "---\ntitle: Publication "+strconv.Itoa(i)+
					"\ndate: 2024-11-20 10:00\n---\n\nUn article de plus sur la retraite.\n")
				site.WaitFor(b, "/vie-pratique/"+slug, http.StatusOK)
			}
			u := urls[i%len(urls)]
			if unique {
				u += "&essai=" + strconv.Itoa(i) // unknown to the page, new to the cache
			}
			start := time.Now()
			get(u)
			d := time.Since(start)
			durations = append(durations, d)
			byQuery[i%len(urls)] = append(byQuery[i%len(urls)], d)
			i++
		}
		if !change { // publishing costs far more than searching
			b.ReportMetric(float64(sitetest.CPUTime()-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		}
		b.ReportMetric(sitetest.Percentile(durations, 0.5), "ms-median")
		b.ReportMetric(sitetest.Percentile(durations, 0.99), "ms-p99")
		for i, d := range byQuery {
			if len(d) > 0 {
				b.Logf("%-30q median %6.2f ms", names[i], sitetest.Percentile(d, 0.5))
			}
		}
	}
	b.Run("uncached", func(b *testing.B) { run(b, pageURLs, benchQueries, true, false) })
	b.Run("cached", func(b *testing.B) { run(b, pageURLs, benchQueries, false, false) })
	b.Run("typo-uncached", func(b *testing.B) { run(b, typoURLs, benchTypos, true, false) })
	b.Run("suggestions-uncached", func(b *testing.B) { run(b, prefixURLs, benchPrefixes, true, false) })
	b.Run("after-change", func(b *testing.B) { run(b, pageURLs, benchQueries, true, true) })
}
