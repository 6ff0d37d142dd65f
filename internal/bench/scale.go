package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/horizons-expat/site/internal/corpus"
)

// Scale measures how the site grows with its content: for each corpus
// size, a cold start, the memory after it, the database size, an edit made
// visible, a restart, and the p99 latency under load of an article, of page
// 50 of a rubrique (or its last page, when it has fewer) and of a search.
// `make bench-scale` runs it for 1,000, 10,000 and 100,000 articles.
func Scale(ctx context.Context, o Options, sizes []int) error {
	fmt.Fprintf(o.Out, "| articles | cold start | RSS after it (peak) | database | edit visible | restart | article p99 | rubrique page p99 | search p99 |\n")
	fmt.Fprintf(o.Out, "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, n := range sizes {
		row, err := scaleOne(ctx, o, n)
		if err != nil {
			return fmt.Errorf("%d articles: %w", n, err)
		}
		fmt.Fprintln(o.Out, row)
	}
	return nil
}

func scaleOne(ctx context.Context, o Options, n int) (string, error) {
	dir, err := os.MkdirTemp("", "site-scale-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	quiet := o
	quiet.Out = &discard{}
	quiet.Articles = n // bounds the wait for a start
	b := &bench{o: quiet, dir: dir, content: filepath.Join(dir, "content"), db: filepath.Join(dir, "data", "site.db"),
		// Searches come from one client here: lift the per-client limit.
		extraArgs: []string{"-search-rate", "1000000000"}}
	if err := corpus.Write(b.content, corpus.Options{Articles: n, Seed: 1, Now: time.Now()}); err != nil {
		return "", err
	}
	extra := b.extraArgs
	if o.Profiles != "" {
		b.extraArgs = append(slices.Clip(extra), "-startup-cpuprofile", filepath.Join(o.Profiles, fmt.Sprintf("coldstart-%d.prof", n)))
	}
	s, cold, err := b.start(ctx)
	b.extraArgs = extra
	if err != nil {
		return "", err
	}
	defer func() { s.stop() }()
	rss, peak := s.memory()
	article, listings, err := b.pickPages(s)
	if err != nil {
		return "", err
	}
	if _, _, err := s.settle(15 * time.Minute); err != nil {
		return "", err
	}
	visible, _, err := b.changeVisible(s, article)
	if err != nil {
		return "", err
	}
	s.stop()
	if s, _, err = b.start(ctx); err != nil {
		return "", err
	}
	s.stop()
	var restart time.Duration
	if s, restart, err = b.start(ctx); err != nil {
		return "", err
	}
	// What the start left to the background (image variants, share
	// cards) is done before the loads.
	if _, _, err := s.settle(15 * time.Minute); err != nil {
		return "", err
	}
	db := fileSize(b.db) + fileSize(b.db+"-wal")
	category := listings[1].path
	page, err := lastPageUpTo(s.url+category, 50)
	if err != nil {
		return "", err
	}
	// Every search has a query string of its own (an n that the page
	// ignores), so that none is answered from the page cache.
	script := filepath.Join(dir, "search.lua")
	if err := os.WriteFile(script, []byte(searchScript), 0o644); err != nil {
		return "", err
	}
	var p99 [3]float64
	for i, u := range []string{article, fmt.Sprintf("%s/page/%d", category, page), "/recherche"} {
		lua := ""
		if i == 2 {
			lua = script
		}
		r, err := b.wrkScript(ctx, s.url+u, lua)
		if err != nil {
			return "", err
		}
		p99[i] = r.p99
	}
	return fmt.Sprintf("| %d | %s | %d MB (%d MB) | %d MB | %s | %s | %.2f ms | %.2f ms (page %d) | %.2f ms |",
		n, ms(cold), rss>>20, peak>>20, db>>20, ms(visible), ms(restart), p99[0], p99[1], page, p99[2]), nil
}

const searchScript = `
local n = 0
local words = {"retraite", "consulat", "visa", "banque", "sant%C3%A9", "imp%C3%B4ts", "%C3%A9cole", "logement"}
request = function()
  n = n + 1
  local q = words[n % #words + 1] .. "+" .. words[math.floor(n / #words) % #words + 1]
  return wrk.format(nil, "/recherche?q=" .. q .. "&n=" .. n)
end
`

var pageLink = regexp.MustCompile(`/page/(\d+)"`)

// lastPageUpTo returns the highest page number up to max that the
// listing at url links to (1 when it has one page).
func lastPageUpTo(url string, max int) (int, error) {
	last := 1
	for page := 1; page < max; {
		u := url
		if page > 1 {
			u = fmt.Sprintf("%s/page/%d", url, page)
		}
		body, _, err := fetch(u, false)
		if err != nil {
			return 0, err
		}
		next := page
		for _, m := range pageLink.FindAllSubmatch(body, -1) {
			if k, _ := strconv.Atoi(string(m[1])); k > next && k <= max {
				next = k
			}
		}
		if next == page {
			break
		}
		page, last = next, next
	}
	return last, nil
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
