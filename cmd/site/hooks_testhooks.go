//go:build testhooks

package main

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/horizons-expat/site/internal/app"
)

// testHooks lets the tests of the binary, built with -tags testhooks, slow
// a request down: a request with "X-Test-Delay: 2s" waits that long before
// it is served. It makes a request reliably in flight when the test sends
// SIGTERM. The real binary has no such header.
func testHooks(cfg *app.Config, log *slog.Logger) {
	cfg.Wrap = func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if d, err := time.ParseDuration(r.Header.Get("X-Test-Delay")); err == nil {
				log.Info("test hook: delaying request", "path", r.URL.Path, "delay", d)
				time.Sleep(d)
			}
			next.ServeHTTP(w, r)
		})
	}
}
