package purge

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// proxy is a fake Varnish that records bans and fails the first few.
type proxy struct {
	mu       sync.Mutex
	bans     []string
	failures int
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if r.Method != "BAN" {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	if p.failures > 0 {
		p.failures--
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	p.bans = append(p.bans, r.Header.Get("Surrogate-Key"))
}

func (p *proxy) received() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.bans...)
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestPurgeRetriesAndReachesEveryProxy(t *testing.T) {
	flaky := &proxy{failures: 2}
	healthy := &proxy{}
	s1, s2 := httptest.NewServer(flaky), httptest.NewServer(healthy)
	defer s1.Close()
	defer s2.Close()
	var logs strings.Builder
	var logMu sync.Mutex
	p := New([]string{s1.URL, s2.URL}, "toutes", slog.New(slog.NewTextHandler(writerFunc(func(b []byte) (int, error) {
		logMu.Lock()
		defer logMu.Unlock()
		return logs.Write(b)
	}), nil)))
	p.backoff = time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go p.Run(ctx)

	p.Purge([]string{"home", "a12", "c-vie-pratique"})
	waitFor(t, func() bool { return len(flaky.received()) == 1 && len(healthy.received()) == 1 })
	for _, got := range [][]string{flaky.received(), healthy.received()} {
		if got[0] != "a12 c-vie-pratique home" {
			t.Errorf("ban keys = %q, want the sorted keys", got[0])
		}
	}
	// The purger logs a send once the proxy has answered it: the line may
	// come a moment after the proxy counted the ban.
	logged := func() string {
		logMu.Lock()
		defer logMu.Unlock()
		return logs.String()
	}
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(logged(), "attempts=3"); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("log should show the retries:\n%s", logged())
		}
	}
}

func TestPurgeRefusesUnsafeKeys(t *testing.T) {
	pr := &proxy{}
	srv := httptest.NewServer(pr)
	defer srv.Close()
	p := New([]string{srv.URL}, "toutes", slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go p.Run(ctx)
	p.Purge([]string{"home", "x|.*", "Upper"})
	waitFor(t, func() bool { return len(pr.received()) == 1 })
	if got := pr.received()[0]; got != "home" {
		t.Errorf("ban keys = %q, want only the valid key", got)
	}
}

// TestPurgeTooManyKeysBansAllPages checks that a change naming more keys
// than one ban should carry (a first start, a big pull) bans the key that
// every page carries, the one New was given, and that a smaller one lists
// its keys.
func TestPurgeTooManyKeysBansAllPages(t *testing.T) {
	for _, tc := range []struct {
		name string
		keys int
		want string
	}{
		{"as many as one ban carries", maxKeys, ""},
		{"one more", maxKeys + 1, "toutes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pr := &proxy{}
			srv := httptest.NewServer(pr)
			defer srv.Close()
			p := New([]string{srv.URL}, "toutes", slog.New(slog.DiscardHandler))
			var keys []string
			for i := range tc.keys {
				keys = append(keys, fmt.Sprintf("a%03d", i))
			}
			want := tc.want
			if want == "" {
				want = strings.Join(keys, " ")
			}
			// Queued before the worker runs: one ban takes them all.
			p.Purge(keys)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go p.Run(ctx)
			waitFor(t, func() bool { return len(pr.received()) == 1 })
			if got := pr.received()[0]; got != want {
				t.Errorf("ban keys = %.60q…, want %.60q…", got, want)
			}
		})
	}
}

func TestPurgeNeverBlocksWhenProxyIsDown(t *testing.T) {
	p := New([]string{"http://127.0.0.1:1/"}, "toutes", slog.New(slog.DiscardHandler))
	done := make(chan struct{})
	go func() {
		for range 10_000 {
			p.Purge([]string{"home"})
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Purge blocked with no worker running")
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
