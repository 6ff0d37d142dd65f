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
// phrases searched before (only the search is timed).
func BenchmarkSearchRequest(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "corpus")
	if err := corpus.Generate(dir, 10_000, 1); err != nil {
		b.Fatal(err)
	}
	site := sitetest.Start(b, sitetest.Options{Content: dir, Now: corpus.Reference,
		Configure: func(c *app.Config) { c.SearchesPerMinute = 1 << 30 }})
	client := &http.Client{Timeout: 10 * time.Second}
	urls := make([]string, len(benchQueries))
	for i, q := range benchQueries {
		urls[i] = site.URL + "/recherche?q=" + url.QueryEscape(q)
	}
	get := func(u string) {
		resp, err := client.Get(u)
		if err != nil {
			b.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "<h1>Rechercher</h1>") {
			b.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
		}
	}
	for _, u := range urls { // warm the caches, as a running site has them
		get(u)
	}
	run := func(b *testing.B, unique, change bool) {
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
				b.Logf("%-30q median %6.2f ms", benchQueries[i], sitetest.Percentile(d, 0.5))
			}
		}
	}
	b.Run("uncached", func(b *testing.B) { run(b, true, false) })
	b.Run("cached", func(b *testing.B) { run(b, false, false) })
	b.Run("after-change", func(b *testing.B) { run(b, true, true) })
}
