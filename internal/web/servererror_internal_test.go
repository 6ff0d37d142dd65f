package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/store"
	"github.com/horizons-expat/site/static"
)

// TestDatabaseFailureGivesFrench500 serves pages from a store whose
// database has been closed under it: every query fails, and readers get
// the French 500 page while the log gets the cause.
func TestDatabaseFailureGivesFrench500(t *testing.T) {
	ctx := context.Background()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "site.db"), log)
	if err != nil {
		t.Fatal(err)
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	now := time.Date(2024, 11, 25, 12, 0, 0, 0, paris)
	err = st.Apply(ctx, store.Changes{
		Now:        now,
		Site:       &content.Site{Title: "Horizons", BaseURL: "https://horizons.example", Language: "fr", TimeZone: "Europe/Paris", Location: paris},
		Categories: []content.Category{{Slug: "monde", Title: "Monde", Path: "monde/_index.md", Hash: "h"}},
		Articles: []content.Article{{Path: "monde/a.md", Hash: "h", Category: "monde", Slug: "a", Title: "A", Date: now.Add(-time.Hour),
			BodyHTML: "<p>A</p>"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	assets, err := NewAssets(static.FS, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	h := New(st, assets, Config{}, func() time.Time { return now }, log, func() bool { return true }).Handler()

	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}
	if rec := get("/monde/a"); rec.Code != http.StatusOK {
		t.Fatalf("before the failure: %d", rec.Code)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	// A page rendered before the failure is still exact: the page cache
	// keeps serving it without the database.
	if rec := get("/monde/a"); rec.Code != http.StatusOK {
		t.Errorf("cached page after the failure: %d, want 200", rec.Code)
	}
	for _, path := range []string{"/", "/monde", "/monde/b", "/tags/x", "/nulle-part"} {
		rec := get(path)
		if rec.Code != http.StatusInternalServerError {
			t.Errorf("GET %s = %d, want 500", path, rec.Code)
			continue
		}
		body := rec.Body.String()
		for _, want := range []string{`<html lang="fr">`, "<h1>Erreur du serveur</h1>", "réessayez dans quelques instants"} {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s: 500 page lacks %q", path, want)
			}
		}
		if strings.Contains(body, "database is closed") {
			t.Errorf("GET %s: the 500 page leaks the error", path)
		}
		if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("GET %s: Cache-Control = %q, want no-store", path, cc)
		}
	}
	if !strings.Contains(logs.String(), "database is closed") {
		t.Errorf("the log does not give the cause:\n%s", logs.String())
	}
}

// TestWrappersMapErrors: a handler returns what went wrong, and the
// wrappers (page, and file for handlers that need no settings) answer it
// in one place: the 404 page for a thing not found, nothing for a client
// gone, the French 500 with the cause in the log only for anything else.
func TestWrappersMapErrors(t *testing.T) {
	ts := newTestSite(t, fixture, 0)
	var logs bytes.Buffer
	ts.srv.log = slog.New(slog.NewTextHandler(&logs, nil))
	for _, tt := range []struct {
		name   string
		err    error
		status int
		body   string // in the page, "" for no page at all
		logged bool
	}{
		{"not found", fmt.Errorf("article x: %w", store.ErrNotFound), http.StatusNotFound, "Page introuvable", false},
		{"client gone", fmt.Errorf("query: %w", context.Canceled), http.StatusOK, "", false},
		{"broken", errors.New("disk on fire"), http.StatusInternalServerError, "Erreur du serveur", true},
	} {
		for _, wrapped := range []struct {
			kind    string
			handler http.HandlerFunc
		}{
			{"page", ts.srv.page(func(w http.ResponseWriter, r *http.Request, rq *request) error {
				if rq == nil || rq.site.Title == "" {
					t.Error("page ran its handler without the request's settings")
				}
				return tt.err
			})},
			{"file", ts.srv.file(func(w http.ResponseWriter, r *http.Request) error { return tt.err })},
		} {
			t.Run(tt.name+"/"+wrapped.kind, func(t *testing.T) {
				logs.Reset()
				rec := httptest.NewRecorder()
				wrapped.handler(rec, httptest.NewRequest(http.MethodGet, "/nulle-part", nil))
				if rec.Code != tt.status {
					t.Errorf("status %d, want %d", rec.Code, tt.status)
				}
				if body := rec.Body.String(); (tt.body == "") != (body == "") || !strings.Contains(body, tt.body) {
					t.Errorf("body %.200q, want one with %q", body, tt.body)
				}
				if got := strings.Contains(logs.String(), "disk on fire"); got != tt.logged {
					t.Errorf("cause logged: %v, want %v (log %q)", got, tt.logged, logs.String())
				}
				if strings.Contains(rec.Body.String(), "disk on fire") {
					t.Error("the page shows the cause")
				}
			})
		}
	}
}
