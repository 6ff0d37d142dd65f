// Package soak holds the soak test: the real site under a loopback load
// across every kind of page while its content folder keeps changing.
// `make test` runs it for a few seconds, `make soak` for minutes.
package soak

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/horizons-expat/site/internal/app"
	"github.com/horizons-expat/site/internal/sitetest"
)

var (
	duration    = flag.Duration("soak", 15*time.Second, "how long the soak test runs")
	workers     = flag.Uint64("soak.workers", 4, "concurrent clients of the load generator")
	heapProfile = flag.String("soak.heapprofile", "", "write the heap profile at the end of the load to this file, to look for a leak")
	cacheBytes  = flag.Uint64("soak.cache", 2<<20, "bound of the site's page cache, in bytes")
)

// marker is written into an article's title, summary and body together, so
// that a page showing two different markers for one article shows half an
// update. Broken versions carry brokenBase+n: they must never be shown.
var marker = regexp.MustCompile(`soakmark-(\d+)-(\d+)`)

const brokenBase = 100000

// soakAddress is the address of an article the editors change (slot.url).
var soakAddress = regexp.MustCompile(`/[a-z]+/soak-\d+-g\d+`)

// slots are the articles the editor goroutine keeps changing.
const slots = 6

var categories = []string{"monde", "pratique"}

type slot struct {
	n        int
	category string
	gen      int // bumped by each rename: part of the file name
	version  int // of the last valid content written
	exists   bool
	broken   bool // the file holds a broken version
	history  []string
	// addedAt and brokenAt are the site's reload passes counted just after
	// the file was added and just before it was last broken. Two passes
	// ending between them mean that one began after the add (passes run
	// one at a time) and read a good version; with fewer, the site may
	// never have read one.
	addedAt, brokenAt int
}

func (s *slot) rel() string { return fmt.Sprintf("%s/soak-%d-g%d.md", s.category, s.n, s.gen) }
func (s *slot) url() string { return fmt.Sprintf("/%s/soak-%d-g%d", s.category, s.n, s.gen) }

// note keeps the slot's last operations, to explain a failure.
func (s *slot) note(op string) {
	s.history = append(s.history, fmt.Sprintf("%s→%s v%d", time.Now().Format("15:04:05.000"), op, s.version))
	if len(s.history) > 6 {
		s.history = s.history[1:]
	}
}

func firstLine(b []byte) string {
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, "soakmark") {
			return l
		}
	}
	return string(b)
}

func (s *slot) source(version int) string {
	m := fmt.Sprintf("soakmark-%d-%d", s.n, version)
	return fmt.Sprintf("---\ntitle: Article d’endurance %d %s\ndate: 2024-11-2%d 09:00\nsummary: Résumé %s de l’article.\ntags: [endurance]\n---\n\n%s ouvre le texte.\n\nUn paragraphe de remplissage pour donner du corps à la page, avec des mots ordinaires.\n\nEt %s le ferme.\n",
		s.n, m, s.n%5, m, m, m)
}

// markerContexts quotes what precedes each marker of article n in body.
func markerContexts(body []byte, n string) []string {
	var out []string
	for _, loc := range marker.FindAllSubmatchIndex(body, -1) {
		if string(body[loc[2]:loc[3]]) != n {
			continue
		}
		from := max(0, loc[0]-80)
		out = append(out, string(body[from:loc[1]]))
	}
	return out
}

// editor plays the part of editors who add, edit, break, fix, rename and
// delete articles while the site serves.
type editor struct {
	t        *testing.T
	dir      string
	rng      *rand.Rand
	slots    []*slot
	mu       sync.Mutex        // guards urls and expected
	urls     []string          // article URLs, past and present, for the load
	expected map[string][]byte // relative path → the bytes last written
	ops      map[string]int
	passes   func() int // the site's reload passes so far
}

func (e *editor) write(rel string, src []byte, atomic bool) {
	path := filepath.Join(e.dir, rel)
	var err error
	if atomic {
		// As most editors save: a temporary file, then a rename over.
		tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
		if err = os.WriteFile(tmp, src, 0o644); err == nil {
			err = os.Rename(tmp, path)
		}
	} else {
		err = os.WriteFile(path, src, 0o644) // truncate, then write in place
	}
	if err != nil {
		e.t.Errorf("editor: %v", err)
	}
	e.mu.Lock()
	e.expected[rel] = src
	e.mu.Unlock()
}

func (e *editor) addURL(u string) {
	e.mu.Lock()
	if !slices.Contains(e.urls, u) {
		e.urls = append(e.urls, u)
	}
	e.mu.Unlock()
}

// step makes one change.
func (e *editor) step() {
	s := e.slots[e.rng.IntN(len(e.slots))]
	if !s.exists {
		s.version++
		s.exists, s.broken = true, false
		e.write(s.rel(), []byte(s.source(s.version)), false)
		s.addedAt = e.passes()
		e.addURL(s.url())
		e.ops["add"]++
		s.note("add")
		return
	}
	switch op := e.rng.IntN(10); {
	case s.broken || op < 4: // edit, or fix what is broken
		s.version++
		e.write(s.rel(), []byte(s.source(s.version)), op%2 == 0)
		if s.broken {
			e.ops["fix"]++
			s.note("fix")
		} else {
			e.ops["edit"]++
			s.note(map[bool]string{true: "edit (atomic)", false: "edit (in place)"}[op%2 == 0])
		}
		s.broken = false
	case op < 6: // break: a version the site must refuse, keeping the last good one
		bad := strings.Replace(s.source(brokenBase+s.version), "date: 2024", "date: le 2024", 1)
		s.brokenAt = e.passes()
		e.write(s.rel(), []byte(bad), op%2 == 0)
		s.broken = true
		e.ops["break"]++
		s.note("break")
	case op < 8: // rename: the old address must redirect
		old := s.rel()
		s.gen++
		if err := os.Rename(filepath.Join(e.dir, old), filepath.Join(e.dir, s.rel())); err != nil {
			e.t.Errorf("editor: %v", err)
		}
		e.mu.Lock()
		e.expected[s.rel()] = e.expected[old]
		delete(e.expected, old)
		e.mu.Unlock()
		e.addURL(s.url())
		e.ops["rename"]++
		s.note("rename")
	default: // delete: the address must answer 410
		if err := os.Remove(filepath.Join(e.dir, s.rel())); err != nil {
			e.t.Errorf("editor: %v", err)
		}
		e.mu.Lock()
		delete(e.expected, s.rel())
		e.mu.Unlock()
		s.exists, s.broken = false, false
		s.gen++
		e.ops["delete"]++
		s.note("delete")
	}
}

// sample is the server process's state at one instant.
type sample struct {
	at         time.Duration
	goroutines int
	heap       uint64 // live heap after a collection
}

func measure(start time.Time) sample {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return sample{at: time.Since(start), goroutines: runtime.NumGoroutine(), heap: m.HeapAlloc}
}

func TestSoak(t *testing.T) {
	if *heapProfile != "" {
		runtime.MemProfileRate = 4096 // fine enough to see a slow leak
	}
	// The site logs every request: to a file, not to memory, so that the
	// heap measured is the server's own.
	logFile, err := os.Create(filepath.Join(t.TempDir(), "site.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logFile.Close() }) // after the site stops: cleanups run last-in first-out
	// A small page cache: it fills within seconds, so that growth of the
	// heap after the first window is a leak, not the cache filling to its
	// (larger) default bound as every edit adds new page versions.
	site := sitetest.Start(t, sitetest.Options{Log: logFile, Configure: func(c *app.Config) { c.CacheBytes = *cacheBytes }})
	ed := &editor{t: t, dir: site.ContentDir, rng: rand.New(rand.NewPCG(1, 2)), expected: map[string][]byte{}, ops: map[string]int{},
		passes: func() int { return site.App.ContentStatus().Passes }}
	err = filepath.WalkDir(site.ContentDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(site.ContentDir, p)
		ed.expected[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range slots {
		ed.slots = append(ed.slots, &slot{n: i, category: categories[i%len(categories)]})
	}

	// Every kind of page, plus the articles being edited.
	home := site.Get(t, "/").Body
	css := regexp.MustCompile(`/static/style\.[0-9a-f]+\.css`).FindString(home)
	fixed := []string{
		"/", "/monde", "/monde/page/2", "/pratique", "/pratique/retraite", "/monde/nouvelle-03",
		"/tags", "/tags/retraite", "/tags/endurance", "/nulle-part", "/ancienne/retraite",
		"/sitemap.xml", "/robots.txt", "/rss.xml", "/monde/rss.xml", "/media/retraite.png",
		"/recherche?q=retraite", "/recherche?q=soakmark", "/healthz", "/_status", css,
	}
	var tmu sync.Mutex
	trng := rand.New(rand.NewPCG(3, 4))
	targeter := func(tg *vegeta.Target) error {
		tmu.Lock()
		defer tmu.Unlock()
		tg.Method = http.MethodGet
		ed.mu.Lock()
		urls := ed.urls
		ed.mu.Unlock()
		if len(urls) > 0 && trng.IntN(2) == 0 {
			tg.URL = site.URL + urls[trng.IntN(len(urls))]
		} else {
			tg.URL = site.URL + fixed[trng.IntN(len(fixed))]
		}
		return nil
	}

	start := time.Now()
	stop := make(chan struct{})
	var bg sync.WaitGroup
	bg.Add(2)
	go func() { // the editors
		defer bg.Done()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				ed.step()
			}
		}
	}()
	var samples []sample
	go func() { // the server's goroutines and memory, every second
		defer bg.Done()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				samples = append(samples, measure(start))
			}
		}
	}()

	attacker := vegeta.NewAttacker(vegeta.Workers(*workers), vegeta.MaxWorkers(*workers),
		vegeta.Timeout(30*time.Second), vegeta.KeepAlive(true))
	var (
		requests      int
		byStatus      = map[uint16]int{}
		failures      []string
		inconsistent  int
		seenVersions  = map[string]bool{}
		unexpectedMax = 20
	)
	fail := func(format string, args ...any) {
		if len(failures) < unexpectedMax {
			failures = append(failures, fmt.Sprintf(format, args...))
		}
	}
	for res := range attacker.Attack(vegeta.Targeter(targeter), vegeta.ConstantPacer{}, *duration, "soak") {
		requests++
		byStatus[res.Code]++
		switch {
		case res.Error != "" && res.Code == 0:
			fail("%s: %s", res.URL, res.Error)
			continue
		case res.Code >= 500:
			fail("%s: %d", res.URL, res.Code)
			continue
		case res.Code == http.StatusTooManyRequests && strings.Contains(res.URL, "/recherche"):
			continue // the search rate limit doing its job: one client here
		case !slices.Contains([]uint16{200, 404, 410}, res.Code):
			fail("%s: unexpected %d", res.URL, res.Code)
			continue
		}
		// Every article shown must be shown at one version, never a broken one.
		versions := map[string]string{}
		for _, m := range marker.FindAllStringSubmatch(string(res.Body), -1) {
			if v, _ := strconv.Atoi(m[2]); v >= brokenBase {
				fail("%s shows a broken version: %s", res.URL, m[0])
				inconsistent++
				continue
			}
			if prev, ok := versions[m[1]]; ok && prev != m[2] {
				// The addresses tell two stored articles (an old name
				// kept beside a new one) from a page mixing two reads.
				fail("%s shows article %s at versions %s and %s; its addresses on the page: %q; where: %q", res.URL, m[1], prev, m[2],
					slices.Compact(slices.Sorted(slices.Values(soakAddress.FindAllString(string(res.Body), -1)))), markerContexts(res.Body, m[1]))
				inconsistent++
			}
			versions[m[1]] = m[2]
			if !seenVersions[m[0]] {
				// A copy: the match would keep the whole page alive.
				seenVersions[strings.Clone(m[0])] = true
			}
		}
	}
	close(stop)
	bg.Wait()
	final := measure(start)
	if *heapProfile != "" {
		if f, err := os.Create(*heapProfile); err == nil {
			pprof.WriteHeapProfile(f)
			f.Close()
		}
	}

	// The last version of each article goes live.
	deadline := time.Now().Add(15 * time.Second)
	for _, s := range ed.slots {
		if !s.exists {
			continue
		}
		want := fmt.Sprintf("soakmark-%d-%d", s.n, s.version)
		for {
			resp := site.Get(t, s.url())
			if resp.StatusCode == 200 && strings.Contains(resp.Body, want) {
				break
			}
			// A file left broken keeps online the last good version the
			// site read, which may be older than the last written when the
			// break came within one burst of writes: any good version will do.
			if s.broken && resp.StatusCode == 200 && strings.Contains(resp.Body, fmt.Sprintf("soakmark-%d-", s.n)) &&
				!strings.Contains(resp.Body, fmt.Sprintf("soakmark-%d-%d", s.n, brokenBase+s.version)) {
				break
			}
			// Added and broken within one burst of writes: no good version
			// was ever there to keep, and the address is not an article.
			if s.broken && s.brokenAt-s.addedAt < 2 && resp.StatusCode == http.StatusNotFound {
				t.Logf("%s: added and broken before a reload pass could read it (passes %d then %d): 404 is right", s.url(), s.addedAt, s.brokenAt)
				break
			}
			if time.Now().After(deadline) {
				onDisk, _ := os.ReadFile(filepath.Join(site.ContentDir, s.rel()))
				t.Errorf("%s: last version %s not live after the run: status %d, page shows %q, headers %v; file %s holds %q; last ops %v",
					s.url(), want, resp.StatusCode, slices.Compact(marker.FindAllString(resp.Body, -1)), resp.Header,
					s.rel(), firstLine(onDisk), s.history)
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	// The server never wrote into the content folder.
	changed := contentChanges(t, site.ContentDir, ed.expected)
	for _, c := range changed {
		t.Error(c)
	}

	// Goroutines and memory: the first and last windows compared.
	window := min(time.Minute, *duration/4)
	first, last := summarize(samples, window, *duration)
	edits := 0
	for _, n := range ed.ops {
		edits += n
	}
	fivexx := 0
	for code, n := range byStatus {
		if code >= 500 || code == 0 {
			fivexx += n
		}
	}
	report := fmt.Sprintf("soak %v, %d clients, page cache %.0f MiB: %d requests (%.0f/s), statuses %v; %d edits %v; %d article versions seen; "+
		"errors: %d 5xx or failed, %d inconsistent pages, %d content files changed by the server; "+
		"first %v: %d goroutines, %.1f MiB heap; last %v: %d goroutines, %.1f MiB heap; after: %d goroutines, %.1f MiB",
		*duration, *workers, mib(*cacheBytes), requests, float64(requests)/duration.Seconds(), statusString(byStatus), edits, ed.ops, len(seenVersions),
		fivexx, inconsistent, len(changed),
		window, first.goroutines, mib(first.heap), window, last.goroutines, mib(last.heap), final.goroutines, mib(final.heap))
	t.Log(report)
	if os.Getenv("SOAK_REPORT") != "" {
		os.WriteFile(os.Getenv("SOAK_REPORT"), []byte(report+"\n"), 0o644)
	}
	for _, f := range failures {
		t.Error(f)
	}
	if requests < 100 || edits < 10 {
		t.Errorf("too little load to prove anything: %d requests, %d edits", requests, edits)
	}
	if len(seenVersions) < 3 {
		t.Errorf("the load saw only %d article versions: edits did not reach pages", len(seenVersions))
	}
	// Growth tolerances: a few goroutines come and go with connections and
	// timers; the heap may breathe, not climb.
	if last.goroutines > first.goroutines+20 {
		t.Errorf("goroutines grew from %d to %d", first.goroutines, last.goroutines)
	}
	if float64(last.heap) > float64(first.heap)*1.5+8<<20 {
		t.Errorf("heap grew from %.1f MiB to %.1f MiB", mib(first.heap), mib(last.heap))
	}
}

// summarize returns the medians of the samples in the first window (after a
// warm-up of one window) and in the last window of the run.
func summarize(samples []sample, window, total time.Duration) (first, last sample) {
	var a, b []sample
	for _, s := range samples {
		switch {
		case s.at >= window && s.at < 2*window:
			a = append(a, s)
		case s.at >= total-window:
			b = append(b, s)
		}
	}
	return median(a), median(b)
}

func median(ss []sample) sample {
	if len(ss) == 0 {
		return sample{}
	}
	g := make([]int, len(ss))
	h := make([]uint64, len(ss))
	for i, s := range ss {
		g[i], h[i] = s.goroutines, s.heap
	}
	sort.Ints(g)
	slices.Sort(h)
	return sample{goroutines: g[len(g)/2], heap: h[len(h)/2]}
}

// contentChanges compares the content folder with what the test wrote.
func contentChanges(t *testing.T, dir string, expected map[string][]byte) []string {
	var out []string
	seen := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		seen[rel] = true
		want, ok := expected[rel]
		if !ok {
			out = append(out, "file appeared in the content folder: "+rel)
			return nil
		}
		got, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if sha256.Sum256(got) != sha256.Sum256(want) {
			out = append(out, "file changed in the content folder: "+rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for rel := range expected {
		if !seen[rel] {
			out = append(out, "file vanished from the content folder: "+rel)
		}
	}
	sort.Strings(out)
	return out
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

func statusString(m map[uint16]int) string {
	var codes []int
	for c := range m {
		codes = append(codes, int(c))
	}
	sort.Ints(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%d×%d", m[uint16(c)], c))
	}
	return strings.Join(parts, " ")
}
