package main

import (
	"io/fs"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/corpus"
)

// TestColdStartSurvivesAKill kills the server at random moments of a cold
// start (SIGKILL: no clean close, no seal), then starts it again on what
// was left: every article must answer as it does after an uninterrupted
// cold start. The database is derived, so whatever the kill left half
// written must be repaired or rebuilt, never served as it is. A hundred
// articles keep a cold start long enough to be killed in its middle (its
// parse, its writes, its commit) and the test a few seconds long.
func TestColdStartSurvivesAKill(t *testing.T) {
	dir := t.TempDir()
	contentDir := filepath.Join(dir, "content")
	if err := corpus.Generate(contentDir, 100, 1); err != nil {
		t.Fatal(err)
	}
	var urls []string
	filepath.WalkDir(contentDir, func(path string, e fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".md") && e.Name() != "_index.md" {
			rel, _ := filepath.Rel(contentDir, path)
			urls = append(urls, "/"+strings.TrimSuffix(filepath.ToSlash(rel), ".md"))
		}
		return err
	})
	statuses := func(p *process) map[string]int {
		t.Helper()
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		out := map[string]int{}
		for _, u := range urls {
			resp, err := client.Get(p.url + u)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			out[u] = resp.StatusCode
		}
		return out
	}
	ref := start(t, 0, "-content", contentDir, "-db", filepath.Join(dir, "ref", "site.db"))
	if ref.url == "" {
		t.Fatalf("reference did not start:\n%s", ref.stderr())
	}
	want := statuses(ref)
	ref.cmd.Process.Kill()
	ref.wait(t)
	// How long an uninterrupted cold start took, from its log: the kills
	// fall anywhere within it.
	var coldStart time.Duration
	for _, e := range ref.logs {
		if e["msg"] == "content loaded" {
			if ms, ok := e["duration_ms"].(float64); ok {
				coldStart = time.Duration(ms * float64(time.Millisecond))
			}
		}
	}
	if coldStart <= 0 {
		t.Fatalf("no cold start duration in the log:\n%s", ref.stderr())
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("cold start %s; kill moments from seed %d", coldStart, seed)
	rng := rand.New(rand.NewPCG(seed, 19))
	for i := range 3 {
		db := filepath.Join(dir, "killed", string(rune('a'+i)), "site.db")
		at := time.Duration(rng.Int64N(int64(coldStart) + 1))
		cmd := exec.Command(build(t), "serve", "-addr", "127.0.0.1:0", "-now", "2024-11-25T12:00:00Z", "-content", contentDir, "-db", db)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(at)
		cmd.Process.Kill()
		cmd.Wait()
		p := start(t, 0, "-content", contentDir, "-db", db)
		if p.url == "" {
			t.Fatalf("killed %s into the cold start, the next start failed:\n%s", at, p.stderr())
		}
		got := statuses(p)
		for _, u := range urls {
			if got[u] != want[u] {
				t.Errorf("killed %s into the cold start: GET %s = %d after the restart, %d after a whole cold start", at, u, got[u], want[u])
			}
		}
		p.cmd.Process.Kill()
		p.wait(t)
	}
}
