package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/horizons-expat/site/static"
)

// bareServer is a Server without a database, enough for the middlewares
// that must not need one.
func bareServer(t *testing.T, logs *bytes.Buffer) *Server {
	t.Helper()
	assets, err := NewAssets(static.FS, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(logs, nil))
	return New(nil, assets, Config{}, time.Now, log, func() bool { return true })
}

func TestRecoverPanicsGivesFrench500WithStackInLog(t *testing.T) {
	var logs bytes.Buffer
	s := bareServer(t, &logs)
	h := s.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom in handler")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/monde/x", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
	body := rec.Body.String()
	for _, want := range []string{`<html lang="fr">`, "Erreur du serveur", "réessayez dans quelques instants"} {
		if !strings.Contains(body, want) {
			t.Errorf("500 page lacks %q", want)
		}
	}
	if strings.Contains(body, "boom") || strings.Contains(body, "goroutine") {
		t.Errorf("500 page leaks the panic: %s", body)
	}
	for _, want := range []string{"boom in handler", "guard_internal_test.go", "path=/monde/x"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q (panic value, stack, path): %s", want, logs.String())
		}
	}
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
}

func TestRecoverPanicsLetsAbortHandlerThrough(t *testing.T) {
	var logs bytes.Buffer
	s := bareServer(t, &logs)
	h := s.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	}))
	defer func() {
		if rec := recover(); rec != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler re-panicked for net/http", rec)
		}
	}()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
}

func TestLimitInFlightShedsOverloadWith503(t *testing.T) {
	var logs bytes.Buffer
	s := bareServer(t, &logs)
	const limit = 3
	release := make(chan struct{})
	started := make(chan struct{}, limit+1)
	h := s.limitInFlight(limit)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-release
		w.WriteHeader(http.StatusOK)
	}))
	var done sync.WaitGroup
	codes := make(chan int, limit)
	for range limit {
		done.Add(1)
		go func() {
			defer done.Done()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
			codes <- rec.Code
		}()
	}
	for range limit {
		<-started // every slot is taken
	}

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/monde", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("request over the limit: status %d, want 503", rec.Code)
	}
	if got := rec.Header().Get("Retry-After"); got == "" {
		t.Error("503 without Retry-After")
	}
	if !strings.Contains(rec.Body.String(), "trop de demandes") {
		t.Errorf("503 page is not the French one: %s", rec.Body.String())
	}
	if !strings.Contains(logs.String(), "request shed") {
		t.Error("shedding not logged")
	}

	close(release)
	done.Wait()
	close(codes)
	for c := range codes {
		if c != http.StatusOK {
			t.Errorf("request within the limit: status %d, want 200", c)
		}
	}
	// Slots are given back: a new request is served.
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("after the burst: status %d, want 200", rec.Code)
	}
}

func TestLimitInFlightWaitsBrieflyForASlot(t *testing.T) {
	var logs bytes.Buffer
	s := bareServer(t, &logs)
	release := make(chan struct{})
	entered := make(chan struct{}, 2)
	h := s.limitInFlight(1)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		if r.URL.Path == "/slow" {
			<-release
		}
	}))
	go h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/slow", nil))
	<-entered
	// The slot frees well within the wait: the second request is served,
	// not shed.
	time.AfterFunc(inFlightWait/10, func() { close(release) })
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/fast", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("status %d, want 200 once the slot freed", rec.Code)
	}
}
