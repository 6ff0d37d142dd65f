package store

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/content"
)

// TestFirstFillFailsWhenAnIndexCannotBeBuilt: the indexes a first fill
// builds at the end are part of its change. One that cannot be built (here
// a unique index the rows break, added for the test) fails the change,
// which leaves the store as it was, rather than committing without it.
func TestFirstFillFailsWhenAnIndexCannotBeBuilt(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "site.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.w.ExecContext(ctx, `CREATE UNIQUE INDEX test_one_title ON articles (title)`); err != nil {
		t.Fatal(err)
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	site := content.Site{Title: "Horizons", BaseURL: "https://horizons.example", Language: "fr", TimeZone: "Europe/Paris", Location: paris}
	same := func(slug string) content.Article {
		return content.Article{Path: "monde/" + slug + ".md", Hash: slug, Category: "monde", Slug: slug,
			Title: "Le même titre", Date: time.Date(2024, 11, 1, 9, 0, 0, 0, paris), BodyHTML: "<p>x</p>", BodyText: "x"}
	}
	err = st.Apply(ctx, Changes{Now: time.Now(), Site: &site,
		Categories: []content.Category{{Slug: "monde", Title: "Monde", Path: "monde/_index.md", Hash: "c"}},
		Articles:   []content.Article{same("a"), same("b")}})
	if err == nil {
		t.Fatal("the change committed though its unique index could not be built")
	}
	var n int
	if err := st.w.QueryRowContext(ctx, `SELECT count(*) FROM articles`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d articles stored after the failed change (%v), want 0", n, err)
	}
}
