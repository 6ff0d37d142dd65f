package applog

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer that the flush goroutine and the test may
// use at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestWarningsAreWrittenAtOnceAndInfoOnClose(t *testing.T) {
	var out lockedBuffer
	start := time.Now() // the periodic flushes start later, in New
	l := New(&out)
	l.With("component", "test").Warn("disk almost full", "free", 3)
	got := out.String()
	var rec map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSpace(got)), &rec); err != nil {
		t.Fatalf("warning not written at once as one JSON line: %q (%v)", got, err)
	}
	if rec["msg"] != "disk almost full" || rec["component"] != "test" || rec["level"] != "WARN" {
		t.Errorf("warning line = %v", rec)
	}
	for range 100 {
		l.Info("request", "path", "/")
	}
	// 100 lines of under 100 bytes stay in the 64 KB buffer until a flush:
	// none may be out yet, unless this test was slow enough for the first
	// periodic flush to have run.
	n := strings.Count(out.String(), `"msg":"request"`)
	if time.Since(start) < FlushEvery && n != 0 {
		t.Errorf("%d info lines written before any flush, want 0: not buffered", n)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), `"msg":"request"`); n != 100 {
		t.Errorf("%d info lines written by Close, want 100", n)
	}
}
