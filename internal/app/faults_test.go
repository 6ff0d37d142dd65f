package app_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/horizons-expat/site/internal/app"
	"github.com/horizons-expat/site/internal/sitetest"
)

// prime builds a database at path from the fixture, as a first run would.
func prime(t *testing.T, path string) {
	t.Helper()
	contentDir := filepath.Join(t.TempDir(), "content")
	sitetest.CopyDir(t, sitetest.Fixture(), contentDir)
	var logs bytes.Buffer
	a, err := app.New(context.Background(), app.Config{
		Addr: "127.0.0.1:0", ContentDir: contentDir, DBPath: path, Now: sitetest.FixtureNow, ImageDir: sitetest.ImageDir(),
	}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatalf("prime: %v", err)
	}
	if err := a.Close(); err != nil {
		t.Fatalf("prime: close: %v", err)
	}
}

// TestDatabaseFaultsAtStart damages the database between two runs: the site
// says what it found, rebuilds from content and serves every page.
func TestDatabaseFaultsAtStart(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, db string)
		log    string // what the log must say; "" when nothing is wrong to report
	}{
		{"deleted", func(t *testing.T, db string) {
			for _, f := range []string{db, db + "-wal", db + "-shm"} {
				os.Remove(f)
			}
		}, ""},
		{"emptied", func(t *testing.T, db string) { must(t, os.Truncate(db, 0)) }, ""},
		{"truncated to half", func(t *testing.T, db string) {
			st, err := os.Stat(db)
			must(t, err)
			must(t, os.Truncate(db, st.Size()/2))
		}, "database unusable, rebuilding it from content"},
		{"truncated inside the header", func(t *testing.T, db string) { must(t, os.Truncate(db, 50)) }, "database unusable, rebuilding it from content"},
		{"garbage", func(t *testing.T, db string) {
			must(t, os.WriteFile(db, bytes.Repeat([]byte("ceci n’est pas une base "), 4096), 0o644))
		}, "database unusable, rebuilding it from content"},
		{"pages overwritten", func(t *testing.T, db string) {
			f, err := os.OpenFile(db, os.O_WRONLY, 0)
			must(t, err)
			_, err = f.WriteAt(bytes.Repeat([]byte{0xA5}, 8192), 4096)
			must(t, err)
			must(t, f.Close())
		}, "database unusable, rebuilding it from content"},
		{"garbage WAL", func(t *testing.T, db string) {
			must(t, os.WriteFile(db+"-wal", bytes.Repeat([]byte{0x42}, 10000), 0o644))
		}, ""},
		{"a folder in its place", func(t *testing.T, db string) {
			must(t, os.Remove(db))
			must(t, os.MkdirAll(filepath.Join(db, "inside"), 0o755))
		}, "database cannot be used where it is: serving from a temporary copy rebuilt from content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "data", "site.db")
			prime(t, db)
			tt.damage(t, db)
			site := sitetest.Start(t, sitetest.Options{DBPath: db})
			for path, want := range map[string]string{
				"/":                  "Nouvelle numéro 14",
				"/pratique/retraite": "Préparer sa retraite",
				"/monde/page/2":      "Nouvelle numéro 02",
				"/tags/retraite":     "Préparer sa retraite",
			} {
				resp := site.Get(t, path)
				if resp.StatusCode != 200 || !strings.Contains(resp.Body, want) {
					t.Errorf("GET %s = %d, want 200 with %q", path, resp.StatusCode, want)
				}
			}
			logs := site.Logs()
			if tt.log != "" && !strings.Contains(logs, tt.log) {
				t.Errorf("log does not say %q:\n%s", tt.log, logs)
			}
			if tt.log != "" && !strings.Contains(logs, "err=") {
				t.Errorf("log does not say what was found:\n%s", logs)
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
