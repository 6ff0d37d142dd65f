package store_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/store"
	"github.com/horizons-expat/site/migrations"
)

func TestSources(t *testing.T) {
	a := art("monde", "a", at(1, 9))
	a.Sources = []content.Source{{Title: "Cleiss", URL: "https://www.cleiss.fr/"}, {Title: "Légifrance", URL: "https://www.legifrance.gouv.fr/"}}
	st := seeded(t, a, art("monde", "b", at(2, 9)))
	ctx, v := context.Background(), store.View{Now: at(30, 0)}
	got, err := st.Article(ctx, v, "monde", "a")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Sources, a.Sources) {
		t.Errorf("sources = %q, want %q in the editor's order", got.Sources, a.Sources)
	}
	if b, err := st.Article(ctx, v, "monde", "b"); err != nil || b.Sources != nil {
		t.Errorf("article without sources: %q, %v", b.Sources, err)
	}

	// A new version of the file replaces the list; it does not add to it.
	a.Hash, a.Sources = "h-a2", a.Sources[1:]
	apply(t, st, store.Changes{Articles: []content.Article{a}})
	got, err = st.Article(ctx, v, "monde", "a")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Sources, a.Sources) {
		t.Errorf("sources after an edit = %q, want %q", got.Sources, a.Sources)
	}
}

// TestSourcesMigrationRereadsFiles: a database from before the sources
// (and the parser's French typography) forgets what it knew of each file,
// so that the next sync parses every article again, however unchanged.
func TestSourcesMigrationRereadsFiles(t *testing.T) {
	ctx := context.Background()
	path := dbPath(t)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	var before int64
	for _, s := range p.ListSources() {
		if s.Version < 10 {
			before = s.Version
		}
	}
	if _, err := p.UpTo(ctx, before); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO files (path, hash, size, mtime_ns, problems) VALUES ('monde/a.md', 'h-a', 120, 42, '[]')`); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	files, err := open(t, path).Files(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if f := files["monde/a.md"]; f.Hash != "" || f.Size != -1 || f.ModTime != -1 {
		t.Errorf("file record after the migration = %+v, want it forgotten (no hash, size and mtime -1)", f)
	}
}
