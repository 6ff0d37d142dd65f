package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// metric reads the value of the unlabelled series name from the site's
// /metrics (the bench runs on loopback, which may read it).
func (s *site) metric(name string) (float64, error) {
	body, _, err := fetch(s.url+"/metrics", false)
	if err != nil {
		return 0, err
	}
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\S+)$`).FindSubmatch(body)
	if m == nil {
		return 0, fmt.Errorf("/metrics has no %s", name)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

// series counts the series of /metrics, and those of the requests by
// route, whose label set must stay bounded whatever the paths asked.
func (s *site) series() (all, routes int, err error) {
	body, _, err := fetch(s.url+"/metrics", false)
	if err != nil {
		return 0, 0, err
	}
	for line := range strings.Lines(string(body)) {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		all++
		if strings.HasPrefix(line, "horizons_http_requests_total{") {
			routes++
		}
	}
	return all, routes, nil
}

// queryScript gives each request a query string of its own, as links
// shared with tracking parameters do: the page must come from the cache.
const queryScript = `
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, wrk.path .. "?utm_source=bench&fbclid=" .. n)
end
`

// noRenderTwice is goal 5: the article under a new query string at each
// request, against the plain article's rate, and the renders it caused.
func (b *bench) noRenderTwice(ctx context.Context, s *site, url string, plain float64) error {
	script := filepath.Join(b.dir, "query.lua")
	if err := os.WriteFile(script, []byte(queryScript), 0o644); err != nil {
		return err
	}
	before, err := s.metric("horizons_page_cache_renders_total")
	if err != nil {
		return err
	}
	r, err := b.wrkScript(ctx, url, script)
	if err != nil {
		return err
	}
	after, err := s.metric("horizons_page_cache_renders_total")
	if err != nil {
		return err
	}
	b.record("article, a new query string at each request", fmt.Sprintf("%.2f × (%.0f req/s)", r.rps/plain, r.rps), "≥ 0.90 × the plain article", yes(r.rps/plain >= 0.9))
	b.record("  renders during that run", fmt.Sprintf("%.0f of %d requests", after-before, r.requests), "0", yes(after == before))
	return nil
}

// articleURLs are the addresses of the articles that the pages at paths
// link to: visible ones only (the corpus has drafts and scheduled ones).
func articleURLs(s *site, paths []string) ([]string, error) {
	seen := map[string]bool{}
	var urls []string
	link := regexp.MustCompile(`href="(/[a-z0-9-]+/[a-z0-9-]+)"`)
	for _, p := range paths {
		body, _, err := fetch(s.url+p, false)
		if err != nil {
			return nil, err
		}
		for _, m := range link.FindAllSubmatch(body, -1) {
			u := string(m[1])
			if seen[u] || strings.HasPrefix(u, "/tags/") || strings.HasPrefix(u, "/static/") || strings.HasPrefix(u, "/media/") ||
				strings.HasPrefix(u, "/auteurs/") || strings.HasSuffix(u, "/rss") || strings.Contains(u, "/page/") {
				continue
			}
			seen[u] = true
			urls = append(urls, u)
		}
	}
	return urls, nil
}

// mixScript reads a working set of pages, the first ones far more often
// than the last (readers crowd on a few articles and the home page).
func mixScript(paths []string) string {
	var b strings.Builder
	b.WriteString("local paths = {")
	for i, p := range paths {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", p)
	}
	b.WriteString("}\nrequest = function()\n  local i = math.floor((#paths) ^ math.random())\n  return wrk.format(nil, paths[i])\nend\n")
	return b.String()
}

// hitRatioWithEdits is goal 6: a mix of pages read while an editor saves
// an article every editEvery, as on a newsroom's site; the page cache's
// hit ratio over the run, from /metrics.
func (b *bench) hitRatioWithEdits(ctx context.Context, s *site, listings []page, editEvery time.Duration) error {
	paths := []string{"/"}
	for _, l := range listings {
		paths = append(paths, l.path)
	}
	urls, err := articleURLs(s, paths)
	if err != nil {
		return err
	}
	if len(urls) < 2 {
		return fmt.Errorf("the listings link to %d articles", len(urls))
	}
	paths = append(paths, urls...)
	script := filepath.Join(b.dir, "mix.lua")
	if err := os.WriteFile(script, []byte(mixScript(paths)), 0o644); err != nil {
		return err
	}
	hits0, err := s.metric("horizons_page_cache_hits_total")
	if err != nil {
		return err
	}
	misses0, err := s.metric("horizons_page_cache_misses_total")
	if err != nil {
		return err
	}
	// An editor's saves: a sentence added at the end of an article of
	// the working set, never the same twice in a row.
	stop := make(chan struct{})
	edits := make(chan int, 1)
	go func() {
		n := 0
		defer func() { edits <- n }()
		rng := rand.New(rand.NewPCG(1, 6))
		tick := time.NewTicker(editEvery)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				u := urls[rng.IntN(len(urls))]
				file := filepath.Join(b.content, filepath.FromSlash(strings.TrimPrefix(u, "/"))+".md")
				f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
				if err != nil {
					continue
				}
				fmt.Fprintf(f, "\nMise à jour n° %d de la mesure.\n", n)
				f.Close()
				n++
			}
		}
	}()
	r, err := b.wrkScript(ctx, s.url+"/", script)
	close(stop)
	n := <-edits
	if err != nil {
		return err
	}
	hits, err := s.metric("horizons_page_cache_hits_total")
	if err != nil {
		return err
	}
	misses, err := s.metric("horizons_page_cache_misses_total")
	if err != nil {
		return err
	}
	h, m := hits-hits0, misses-misses0
	ratio := 0.0
	if h+m > 0 {
		ratio = h / (h + m)
	}
	b.record(fmt.Sprintf("page-cache hit ratio, %d pages, an edit every %s", len(paths), editEvery),
		fmt.Sprintf("%.2f %% (%d edits)", 100*ratio, n), "(informative; p99 below)", nil)
	b.record("  p99 of that mix", fmt.Sprintf("%.2f ms (%.0f req/s)", r.p99, r.rps), "(informative)", nil)
	return nil
}

// metricsGoal is goal 7: /metrics answers in the Prometheus text format
// with bounded label sets; its cost on the hot path is in the article
// figures above, measured with it on.
func (b *bench) metricsGoal(s *site) error {
	all, routes, err := s.series()
	if err != nil {
		return err
	}
	b.record("/metrics series (requests by route and status)", fmt.Sprintf("%d (%d)", all, routes), "bounded: routes, not paths", yes(routes > 0 && routes < 200))
	return nil
}

// cpuTime is the processor time the site has used so far, from
// /proc/<pid>/stat (user and system, in clock ticks of 10 ms).
func (s *site) cpuTime() (time.Duration, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which may hold spaces: state is the
	// first, utime and stime the 12th and 13th.
	i := strings.LastIndexByte(string(stat), ')')
	if i < 0 {
		return 0, fmt.Errorf("unreadable /proc stat")
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("unreadable /proc stat")
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("unreadable /proc stat")
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

// settle waits until the site is idle: the work a start leaves to the
// background (image variants, share cards for every article) must not
// run during a load measure, where it would take the one core from the
// requests. Idle is under 5 % of a core over a second; it waits at most
// limit, and returns how long it waited and the processor time used.
func (s *site) settle(limit time.Duration) (waited, used time.Duration, err error) {
	start := time.Now()
	first, err := s.cpuTime()
	if err != nil {
		return 0, 0, err
	}
	last := first
	for time.Since(start) < limit {
		time.Sleep(time.Second)
		now, err := s.cpuTime()
		if err != nil {
			return 0, 0, err
		}
		if now-last < 50*time.Millisecond {
			return time.Since(start), now - first, nil
		}
		last = now
	}
	return time.Since(start), last - first, fmt.Errorf("site still busy after %s", limit)
}
