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
	polling := pollingMode(3 * time.Second)
	if got := w.Mode(); got != modeWatching {
		t.Fatalf("mode before the fallback: %q, want %q", got, modeWatching)
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
		if mode != modeWatching && mode != polling {
			t.Fatalf("mode %q while switching", mode)
		}
		if switched.Load() {
			break
		}
	}
	if got := w.Mode(); got != polling {
		t.Errorf("mode after the fallback: %q, want %q", got, polling)
	}
}

func TestFrenchInterval(t *testing.T) {
	for d, want := range map[time.Duration]string{
		100 * time.Millisecond:  "100\u00a0ms",
		2 * time.Second:         "2\u00a0s",
		1500 * time.Millisecond: "1,5\u00a0s",
		90 * time.Second:        "90\u00a0s",
		2 * time.Minute:         "2\u00a0min",
	} {
		if got := frenchInterval(d); got != want {
			t.Errorf("frenchInterval(%v) = %q, want %q", d, got, want)
		}
	}
}
