package sitetest

import (
	"html"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ReloadTimeout bounds every wait for a change to show: far above the one
// second editors are promised, because the test machine is shared and noisy.
const ReloadTimeout = 10 * time.Second

// Path is the absolute path of rel, a slash-separated path in the site's
// content folder.
func (s *Site) Path(rel string) string {
	return filepath.Join(s.ContentDir, filepath.FromSlash(rel))
}

// Write writes text to rel in place, creating its folder if needed, as an
// editor that saves over the file does.
func (s *Site) Write(t testing.TB, rel, text string) {
	t.Helper()
	s.WriteBytes(t, rel, []byte(text))
}

// WriteBytes is Write for any bytes.
func (s *Site) WriteBytes(t testing.TB, rel string, b []byte) {
	t.Helper()
	p := s.Path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Read returns the text of rel.
func (s *Site) Read(t testing.TB, rel string) string {
	t.Helper()
	b, err := os.ReadFile(s.Path(rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Rename moves rel to newRel inside the content folder.
func (s *Site) Rename(t testing.TB, rel, newRel string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(s.Path(newRel)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(s.Path(rel), s.Path(newRel)); err != nil {
		t.Fatal(err)
	}
}

// Remove deletes rel, a file or a whole folder.
func (s *Site) Remove(t testing.TB, rel string) {
	t.Helper()
	if err := os.RemoveAll(s.Path(rel)); err != nil {
		t.Fatal(err)
	}
}

// Eventually calls cond every few milliseconds until it is true and
// returns how long that took; it fails the test after ReloadTimeout.
func Eventually(t testing.TB, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > ReloadTimeout {
			t.Fatalf("still not true after %v: %s", ReloadTimeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}

// WaitFor waits until path answers status with a body containing every
// one of want (HTML-escaped as the pages escape text), and returns the
// last response and how long the wait was.
func (s *Site) WaitFor(t testing.TB, path string, status int, want ...string) (Response, time.Duration) {
	t.Helper()
	var last Response
	d := Eventually(t, path+" answering "+http.StatusText(status)+" with "+strings.Join(want, ", "), func() bool {
		last = s.Get(t, path)
		return last.StatusCode == status && containsAll(last.Body, want)
	})
	return last, d
}

// WaitForStatus waits until the editors' status page contains every one
// of want, and returns it.
func (s *Site) WaitForStatus(t testing.TB, want ...string) Response {
	t.Helper()
	r, _ := s.WaitFor(t, "/_status", http.StatusOK, want...)
	return r
}

// WaitForStatusWithout waits until the editors' status page contains none
// of unwanted, and returns it.
func (s *Site) WaitForStatusWithout(t testing.TB, unwanted ...string) Response {
	t.Helper()
	var last Response
	Eventually(t, "/_status without "+strings.Join(unwanted, ", "), func() bool {
		last = s.Get(t, "/_status")
		for _, u := range unwanted {
			if strings.Contains(last.Body, html.EscapeString(u)) {
				return false
			}
		}
		return last.StatusCode == http.StatusOK
	})
	return last
}

func containsAll(body string, want []string) bool {
	for _, w := range want {
		if !strings.Contains(body, html.EscapeString(w)) {
			return false
		}
	}
	return true
}

// WaitForLog waits until the server's log holds every one of want. A
// pass publishes its status before its hooks run (the images) and logs
// its problems after them, so the log may lag /_status a little.
func (s *Site) WaitForLog(t testing.TB, want ...string) {
	t.Helper()
	Eventually(t, "the log naming "+strings.Join(want, ", "), func() bool {
		logs := s.Logs()
		for _, w := range want {
			if !strings.Contains(logs, w) {
				return false
			}
		}
		return true
	})
}
