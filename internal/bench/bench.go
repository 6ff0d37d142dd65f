// Package bench measures the real site binary on a generated corpus: cold
// start, restart, reload delay, memory, and loopback throughput and latency
// of its pages against two references serving the same bytes, nginx from a
// file and a minimal Go handler from memory. `make bench` runs it.
package bench

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "modernc.org/sqlite" // for the quick_check measure

	"github.com/horizons-expat/site/internal/corpus"
)

// Options choose what to run.
type Options struct {
	Binary   string        // the site binary
	Articles int           // corpus size
	Duration time.Duration // of one load run
	Rounds   int           // alternating rounds of the three servers
	Conns    int           // keep-alive connections
	Threads  int           // wrk threads
	Keep     bool          // keep the temporary folder
	// Profiles, when set, is a folder where the growth table writes a CPU
	// profile of each cold start (coldstart-N.prof, see -startup-cpuprofile).
	Profiles string
	Out      io.Writer
}

// Run runs every measure and prints them with their targets.
func Run(ctx context.Context, o Options) error {
	dir, err := os.MkdirTemp("", "site-bench-")
	if err != nil {
		return err
	}
	if o.Keep {
		fmt.Fprintf(o.Out, "working folder: %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	b := &bench{o: o, dir: dir, content: filepath.Join(dir, "content"), db: filepath.Join(dir, "data", "site.db")}
	b.printf("== corpus: %d articles\n", o.Articles)
	start := time.Now()
	if err := corpus.Write(b.content, corpus.Options{Articles: o.Articles, Seed: 1, Now: time.Now()}); err != nil {
		return err
	}
	b.printf("generated in %s\n", time.Since(start).Round(time.Millisecond))
	return b.run(ctx)
}

type bench struct {
	o           Options
	extraArgs   []string // more flags for site serve
	dir         string
	content, db string
	met, judged int // targets met, of those recorded with a verdict
}

func (b *bench) printf(format string, args ...any) { fmt.Fprintf(b.o.Out, format, args...) }

// record prints a measure beside its target, and counts the verdict ok
// when there is one (nil for an informative figure).
func (b *bench) record(name, value, target string, ok *bool) {
	mark := ""
	if ok != nil {
		b.judged++
		if *ok {
			b.met++
		}
		mark = map[bool]string{true: "  [met]", false: "  [NOT met]"}[*ok]
	}
	b.printf("%-46s %-22s target %s%s\n", name, value, target, mark)
}

func yes(v bool) *bool { return &v }

func (b *bench) run(ctx context.Context) error {
	b.printf("\n== start-up and reload\n")
	hugo, pages, err := b.hugo(ctx)
	if err != nil {
		return err
	}
	b.record("Hugo build of the same folder", ms(hugo), fmt.Sprintf("(%d HTML pages)", pages), nil)
	site, cold, err := b.start(ctx)
	if err != nil {
		return err
	}
	b.record("cold start (empty database to serving)", ms(cold), "< 5000 ms", yes(cold < 5*time.Second))
	b.record("cold start vs Hugo's build", fmt.Sprintf("%.2f ×", float64(cold)/float64(hugo)), "≤ 0.50 ×", yes(float64(cold) <= 0.5*float64(hugo)))
	if rss, _ := site.memory(); rss > 0 {
		b.record("resident memory after the cold start", fmt.Sprintf("%d MB", rss>>20), "< 150 MB", yes(rss < 150<<20))
	}
	defer func() { site.stop() }()

	article, listings, err := b.pickPages(site)
	if err != nil {
		return err
	}
	// An edit is measured on a replica at rest, not while its start's
	// background work (share cards, image variants) still runs.
	waited, used, err := site.settle(15 * time.Minute)
	if err != nil {
		return err
	}
	b.record("background work after the cold start (images, cards)", fmt.Sprintf("%s, %.1f s of CPU", ms(waited), used.Seconds()), "(informative; waited for)", nil)
	visible, pass, err := b.changeVisible(site, article)
	if err != nil {
		return err
	}
	// The watcher waits for 100 ms of quiet before a pass, so that a burst
	// of writes makes one pass: the change is noticed at the end of it.
	const quiet = 100 * time.Millisecond
	b.record("changed file visible after the write", ms(visible), "(informative)", nil)
	b.record("changed file visible after it is noticed", ms(visible-quiet), "< 200 ms", yes(visible-quiet < 200*time.Millisecond))
	b.record("  of which the reload pass", pass, "(from the log)", nil)

	// Under load every server runs with GOMAXPROCS=1 on one core, wrk
	// on the other.
	site.stop()
	if site, _, err = b.startOn(ctx, true); err != nil {
		return err
	}
	waited, used, err = site.settle(15 * time.Minute)
	if err != nil {
		return err
	}
	b.record("background work before the load (images, cards)", fmt.Sprintf("%s, %.1f s of CPU", ms(waited), used.Seconds()), "(informative; waited for)", nil)
	b.printf("\n== loopback load: %d connections, gzip accepted, %s per run, %d alternating rounds;\n", b.o.Conns, b.o.Duration, b.o.Rounds)
	b.printf("   servers with GOMAXPROCS=1 on CPU %s, wrk on CPU %s\n", siteCPU, wrkCPU)
	body, header, err := fetch(site.url+article, true)
	if err != nil {
		return err
	}
	refs, err := b.startReferences(ctx, body, header)
	if err != nil {
		return err
	}
	defer refs.stop()
	targets := []struct{ name, url string }{
		{"site", site.url + article},
		{"nginx", refs.nginx},
		{"go", refs.goURL},
	}
	runs := map[string][]wrkResult{}
	var siteRequests, siteMallocs uint64
	for round := range b.o.Rounds {
		for _, t := range targets {
			before := uint64(0)
			if t.name == "site" {
				before, _ = site.mallocs()
			}
			r, err := b.wrk(ctx, t.url)
			if err != nil {
				return err
			}
			if t.name == "site" {
				after, _ := site.mallocs()
				siteMallocs += after - before
				siteRequests += r.requests
			}
			runs[t.name] = append(runs[t.name], r)
			b.printf("round %d %-6s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms\n", round+1, t.name, r.rps, r.p50, r.p99)
		}
	}
	s, n, g := median(runs["site"]), median(runs["nginx"]), median(runs["go"])
	b.printf("\nmedians: site %.0f req/s, nginx %.0f req/s, minimal Go handler %.0f req/s\n", s.rps, n.rps, g.rps)
	b.record("article page vs minimal Go handler", fmt.Sprintf("%.2f ×", s.rps/g.rps), "≥ 0.90 ×", yes(s.rps/g.rps >= 0.9))
	b.record("article page vs nginx (same bytes, file)", fmt.Sprintf("%.2f ×", s.rps/n.rps), "≥ 0.70 ×", yes(s.rps/n.rps >= 0.7))
	b.record("article page p50 latency", fmt.Sprintf("%.2f ms", s.p50), "(informative)", nil)
	b.record("article page p99 latency", fmt.Sprintf("%.2f ms", s.p99), "< 5 ms", yes(s.p99 < 5))
	if siteRequests > 0 {
		b.record("allocations per request (server side)", fmt.Sprintf("%.1f", float64(siteMallocs)/float64(siteRequests)), "(informative)", nil)
	}

	b.printf("\n== other pages (cost relative to the article page: its req/s over theirs)\n")
	for _, l := range listings {
		r, err := b.wrk(ctx, site.url+l.path)
		if err != nil {
			return err
		}
		ratio := s.rps / r.rps
		b.record(fmt.Sprintf("%s %s", l.kind, l.path), fmt.Sprintf("%.2f × (%.0f req/s)", ratio, r.rps), "≤ 1.5 ×", yes(ratio <= 1.5))
	}

	b.printf("\n== nothing renders twice (goal 5), selective invalidation (goal 6), /metrics (goal 7)\n")
	if err := b.noRenderTwice(ctx, site, site.url+article, s.rps); err != nil {
		return err
	}
	if err := b.hitRatioWithEdits(ctx, site, listings, max(b.o.Duration/5, time.Second)); err != nil {
		return err
	}
	if err := b.metricsGoal(site); err != nil {
		return err
	}
	b.printf("   (in-process figures of goals 1 and 6, allocations per hit and the hit ratio with and without\n")
	b.printf("   selective invalidation, are BenchmarkCachedPage and BenchmarkHitRatioWithEdits above)\n")

	rss, hwm := site.memory()
	b.record("resident memory after the load (VmRSS)", fmt.Sprintf("%d MB", rss>>20), "< 150 MB", yes(rss < 150<<20))
	b.record("peak resident memory (VmHWM)", fmt.Sprintf("%d MB", hwm>>20), "(informative)", nil)

	b.printf("\n== restart with an up-to-date database\n")
	var restarts []time.Duration
	for range 3 {
		site.stop()
		var d time.Duration
		if site, d, err = b.start(ctx); err != nil {
			return err
		}
		restarts = append(restarts, d)
	}
	slices.Sort(restarts)
	b.record("restart (median of 3)", ms(restarts[1]), "< 500 ms", yes(restarts[1] < 500*time.Millisecond))
	site.stop()
	qc, err := quickCheck(b.db)
	if err != nil {
		return err
	}
	b.record("quick_check alone (a sealed restart skips it)", ms(qc), "(informative)", nil)

	b.printf("\n== summary\n")
	b.printf("%d of %d targets met\n", b.met, b.judged)
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }

// site is a running site binary.
type site struct {
	cmd       *exec.Cmd
	url       string
	pprofURL  string
	logPath   string
	exited    chan struct{}
	stoppedOK bool
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// start runs the binary and returns once /healthz answers 200, with the
// time from the start of the process.
func (b *bench) start(ctx context.Context) (*site, time.Duration, error) {
	return b.startOn(ctx, false)
}

// startOn is start; with oneCore the site runs with GOMAXPROCS=1 on the
// servers' core, as the references do under load.
func (b *bench) startOn(ctx context.Context, oneCore bool) (*site, time.Duration, error) {
	addr, err := freePort()
	if err != nil {
		return nil, 0, err
	}
	paddr, err := freePort()
	if err != nil {
		return nil, 0, err
	}
	logPath := filepath.Join(b.dir, "site.log")
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, 0, err
	}
	defer logf.Close()
	args := []string{"serve", "-addr", addr, "-content", b.content, "-db", b.db, "-pprof", paddr}
	args = append(args, b.extraArgs...)
	cmd := exec.CommandContext(ctx, b.o.Binary, args...)
	if oneCore {
		cmd = pinned(ctx, siteCPU, b.o.Binary, args...)
		cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	s := &site{cmd: cmd, url: "http://" + addr, pprofURL: "http://" + paddr, logPath: logPath, exited: make(chan struct{})}
	go func() { cmd.Wait(); close(s.exited) }()
	client := &http.Client{Timeout: time.Second}
	for {
		select {
		case <-s.exited:
			return nil, 0, fmt.Errorf("site exited while starting: see %s", logPath)
		default:
		}
		if resp, err := client.Get(s.url + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, time.Since(start), nil
			}
		}
		if limit := startLimit(b.o.Articles); time.Since(start) > limit {
			s.stop()
			return nil, 0, fmt.Errorf("site not serving after %s", limit)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (s *site) stop() {
	if s == nil || s.stoppedOK {
		return
	}
	s.stoppedOK = true
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
}

// memory returns the resident and peak resident set sizes of the site.
func (s *site) memory() (rss, hwm uint64) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseUint(fields[1], 10, 64)
		switch fields[0] {
		case "VmRSS:":
			rss = kb << 10
		case "VmHWM:":
			hwm = kb << 10
		}
	}
	return rss, hwm
}

var mallocsLine = regexp.MustCompile(`# Mallocs = (\d+)`)

// mallocs reads the site's count of heap allocations from its pprof
// listener.
func (s *site) mallocs() (uint64, error) {
	body, _, err := fetch(s.pprofURL+"/debug/pprof/allocs?debug=1", false)
	if err != nil {
		return 0, err
	}
	m := mallocsLine.FindSubmatch(body)
	if m == nil {
		return 0, errors.New("no Mallocs in the allocs profile")
	}
	return strconv.ParseUint(string(m[1]), 10, 64)
}

// fetch gets url and fails on any status but 200. With gzipped it asks for
// gzip by hand, which keeps the body compressed as the site sends it;
// otherwise the body comes decoded.
func fetch(url string, gzipped bool) ([]byte, http.Header, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, nil, err
	}
	if gzipped {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return body, resp.Header, nil
}

type page struct{ kind, path string }

// startLimit is how long a start may take before the bench gives up: a
// cold start grows with the corpus (100,000 articles parse for minutes on
// a loaded machine), so the limit does too.
func startLimit(articles int) time.Duration {
	return 2*time.Minute + time.Duration(articles)*5*time.Millisecond
}

// pickPages chooses the first article linked from the home page, and
// listing pages to compare with it.
func (b *bench) pickPages(s *site) (string, []page, error) {
	body, _, err := fetch(s.url+"/", false)
	if err != nil {
		return "", nil, err
	}
	var article string
	for _, m := range regexp.MustCompile(`href="(/[a-z0-9-]+/[a-z0-9-]+)"`).FindAllSubmatch(body, -1) {
		p := string(m[1])
		if !strings.HasPrefix(p, "/tags/") && !strings.HasPrefix(p, "/static/") && !strings.HasPrefix(p, "/media/") && !strings.HasSuffix(p, "/rss") {
			article = p
			break
		}
	}
	if article == "" {
		return "", nil, errors.New("no article linked from the home page")
	}
	category := "/" + strings.Split(article, "/")[1]
	// Deep pages as far as a small corpus (a smoke run) has them.
	catPage, err := lastPageUpTo(s.url+category, 5)
	if err != nil {
		return "", nil, err
	}
	tagPage, err := lastPageUpTo(s.url+"/tags/expatriation", 3)
	if err != nil {
		return "", nil, err
	}
	return article, []page{
		{"home", "/"},
		{"category", category},
		{fmt.Sprintf("category page %d", catPage), fmt.Sprintf("%s/page/%d", category, catPage)},
		{"tag", "/tags/expatriation"},
		{fmt.Sprintf("tag page %d", tagPage), fmt.Sprintf("/tags/expatriation/page/%d", tagPage)},
	}, nil
}

// changeVisible rewrites the article's file with a new title and returns
// how long it took to show, and the reload pass duration from the log.
func (b *bench) changeVisible(s *site, article string) (time.Duration, string, error) {
	parts := strings.Split(article, "/")
	file := filepath.Join(b.content, parts[1], parts[2]+".md")
	src, err := os.ReadFile(file)
	if err != nil {
		return 0, "", fmt.Errorf("the article's file: %w", err)
	}
	const marker = "Titre modifié pour la mesure"
	changed := regexp.MustCompile(`(?m)^title: .*$`).ReplaceAll(src, []byte(`title: "`+marker+`"`))
	start := time.Now()
	if err := os.WriteFile(file, changed, 0o644); err != nil {
		return 0, "", err
	}
	for time.Since(start) < 30*time.Second {
		body, _, err := fetch(s.url+article, false)
		if err == nil && bytes.Contains(body, []byte(marker)) {
			d := time.Since(start)
			// The site writes its info lines out every 200 ms.
			time.Sleep(500 * time.Millisecond)
			return d, lastReload(s.logPath), os.WriteFile(file, src, 0o644)
		}
		time.Sleep(2 * time.Millisecond)
	}
	return 0, "", errors.New("the changed article did not show within 30 s")
}

// lastReload returns the duration of the last reload pass in the site's log.
func lastReload(logPath string) string {
	data, _ := os.ReadFile(logPath)
	lines := strings.Split(string(data), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		var rec map[string]any
		if json.Unmarshal([]byte(lines[i]), &rec) != nil || rec["msg"] != "content reloaded" {
			continue
		}
		if d, ok := rec["duration_ms"].(float64); ok {
			return ms(time.Duration(d * float64(time.Millisecond)))
		}
		return fmt.Sprint(rec["duration_ms"])
	}
	return "?"
}

// quickCheck times PRAGMA quick_check on the database, which Open runs on a
// file that no longer matches its seal: it tells what the seal saves.
func quickCheck(db string) (time.Duration, error) {
	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	start := time.Now()
	var res string
	if err := conn.QueryRow(`PRAGMA quick_check`).Scan(&res); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}
