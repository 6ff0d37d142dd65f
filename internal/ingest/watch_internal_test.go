package ingest

import (
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"
)

// TestModeReadWhileFallingBackToPolling: the watch loop switches to polling
// (a new folder it cannot watch) on its own goroutine while the status page
// asks how changes are noticed. Under -race, an unsynchronised mode is
// reported here.
func TestModeReadWhileFallingBackToPolling(t *testing.T) {
	w := NewWatcher(nil, slog.New(slog.NewTextHandler(io.Discard, nil)), WatchOptions{Dir: t.TempDir(), Poll: 3 * time.Second})
	t.Cleanup(func() { w.Close() })
	if got := w.Mode(); got != "inotify" {
		t.Fatalf("mode before the fallback: %q, want inotify", got)
	}
	var switched atomic.Bool
	go func() {
		w.poll("test: the watch loop gave up")
		switched.Store(true)
	}()
	// Read at least once before the switch is known: with no
	// synchronisation, that read races with the write.
	for {
		mode := w.Mode()
		if mode != "inotify" && mode != "polling every 3s" {
			t.Fatalf("mode %q while switching", mode)
		}
		if switched.Load() {
			break
		}
	}
	if got := w.Mode(); got != "polling every 3s" {
		t.Errorf("mode after the fallback: %q, want polling every 3s", got)
	}
}
