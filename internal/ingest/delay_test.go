package ingest_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/app"
	"github.com/horizons-expat/site/internal/sitetest"
)

// saveLikeAnEditor writes the i-th version of an article in one of the
// editors' save patterns (in place, temporary file then rename, a new
// file) and returns the URL path that must show title.
func saveLikeAnEditor(t testing.TB, site *sitetest.Site, i int, title string) string {
	text := article(title, "2024-11-06 09:00")
	switch i % 3 {
	case 0: // in place
		site.Write(t, "monde/nouvelle-06.md", text)
	case 1: // temporary file, then rename
		site.Write(t, "monde/.nouvelle-06.md.tmp", text)
		site.Rename(t, "monde/.nouvelle-06.md.tmp", "monde/nouvelle-06.md")
	default: // a new article
		name := fmt.Sprintf("mesure-%02d", i)
		site.Write(t, "monde/"+name+".md", text)
		return "/monde/" + name
	}
	return "/monde/nouvelle-06"
}

// saveAndWait saves the i-th version of an article as an editor would and
// returns how long it took the site to serve it.
func saveAndWait(t testing.TB, site *sitetest.Site, i int) time.Duration {
	title := fmt.Sprintf("Mesure du délai numéro %02d", i)
	start := time.Now()
	path := saveLikeAnEditor(t, site, i, title)
	sitetest.Eventually(t, title, func() bool {
		r := site.Get(t, path)
		return r.StatusCode == http.StatusOK && strings.Contains(r.Body, title)
	})
	return time.Since(start)
}

// TestReloadDelay checks, on a running site, that every save pattern of
// the editors gets served, and that a git-pull-sized burst is taken in a
// few passes. How fast is BenchmarkEditVisible's figure: the machine is
// shared, so a time bound here would only measure the neighbours.
func TestReloadDelay(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	const writes = 24
	delays := make([]time.Duration, 0, writes)
	for i := range writes {
		delays = append(delays, saveAndWait(t, site, i))
	}
	slices.Sort(delays)
	t.Logf("write to visible over %d writes: median %v, worst %v, best %v", writes, delays[len(delays)/2].Round(time.Millisecond), delays[len(delays)-1].Round(time.Millisecond), delays[0].Round(time.Millisecond))

	// A git pull: 200 files at once.
	const burst = 200
	before := site.App.ContentStatus().Passes
	start := time.Now()
	for i := range burst {
		site.Write(t, fmt.Sprintf("monde/lot-%03d.md", i), article(fmt.Sprintf("Article du lot %03d", i), "2024-11-07 09:00"))
	}
	written := time.Since(start)
	want := fmt.Sprintf("%d articles", 14+writes/3+burst)
	_, _ = site.WaitFor(t, "/monde", http.StatusOK, want)
	visible := time.Since(start)
	passes := site.App.ContentStatus().Passes - before
	for _, l := range strings.Split(site.Logs(), "\n") {
		if strings.Contains(l, "content reloaded") && strings.Contains(l, "saved=2") {
			t.Log(l)
		}
	}
	t.Logf("burst of %d files: written in %v, all visible after %v, %d reload pass(es)", burst, written.Round(time.Millisecond), visible.Round(time.Millisecond), passes)
	if passes > 3 {
		t.Errorf("a burst of %d files took %d passes, want it batched into very few", burst, passes)
	}
	if r := site.Get(t, "/monde/lot-199"); r.StatusCode != http.StatusOK {
		t.Errorf("last file of the burst: %d", r.StatusCode)
	}
}

// TestPollingFallback: where the folder cannot be watched, the server says
// so and still picks up changes.
func TestPollingFallback(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{Configure: func(c *app.Config) {
		c.ForcePoll = true
		c.Poll = 100 * time.Millisecond
	}})
	if logs := site.Logs(); !strings.Contains(logs, "content changes are noticed by polling") || !strings.Contains(logs, "interval=100ms") {
		t.Errorf("the log does not say that the site polls:\n%s", logs)
	}
	site.WaitForStatus(t, "le dossier est relu toutes les 100\u00a0ms")
	site.Write(t, "monde/sondage.md", article("Vu par sondage", "2024-11-24"))
	site.WaitFor(t, "/monde/sondage", http.StatusOK, "Vu par sondage")
	// Renamed and broken between two looks: no event tells of the rename,
	// the file's identity and birth do.
	site.Rename(t, "monde/sondage.md", "monde/sondage-renomme.md")
	site.Write(t, "monde/sondage-renomme.md", "---\ntitle: Cassé\ndate: le 24\n---\n\nTexte.\n")
	site.WaitForStatus(t, "monde/sondage-renomme.md:3: date « le 24 » illisible")
	site.WaitFor(t, "/monde/sondage-renomme", http.StatusOK, "Vu par sondage")
	if r := site.Get(t, "/monde/sondage"); r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/monde/sondage-renomme" {
		t.Errorf("old URL: %d to %q, want 301 to /monde/sondage-renomme", r.StatusCode, r.Header.Get("Location"))
	}
	site.Remove(t, "monde/sondage-renomme.md")
	site.WaitFor(t, "/monde/sondage-renomme", http.StatusGone)
}

// BenchmarkEditVisible measures the delay from a save to the page that
// shows it, over the editors' three save patterns in turn: the median and
// the worst write, in milliseconds (the promise to editors is one second).
func BenchmarkEditVisible(b *testing.B) {
	site := sitetest.Start(b, sitetest.Options{})
	var delays []time.Duration
	i := 0
	for b.Loop() {
		delays = append(delays, saveAndWait(b, site, i))
		i++
	}
	slices.Sort(delays)
	b.ReportMetric(float64(delays[len(delays)/2].Microseconds())/1000, "median-ms")
	b.ReportMetric(float64(delays[len(delays)-1].Microseconds())/1000, "worst-ms")
}
