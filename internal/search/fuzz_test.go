package search_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	_ "modernc.org/sqlite"

	"github.com/horizons-expat/site/internal/search"
	"github.com/horizons-expat/site/migrations"
)

// openIndex creates the site's full-text table, from its migration, in a
// fresh database file.
func openIndex(t testing.TB) *sql.DB {
	t.Helper()
	src, err := migrations.FS.ReadFile("000002_search.sql")
	if err != nil {
		t.Fatal(err)
	}
	_, up, _ := strings.Cut(string(src), "-- +goose Up")
	up, _, _ = strings.Cut(up, "-- +goose Down")
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "fuzz.db")+"?_pragma=synchronous(OFF)&_pragma=journal_mode(MEMORY)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(up); err != nil {
		t.Fatalf("create index: %v", err)
	}
	return db
}

// FuzzQuery checks that whatever a reader types, the translated query is
// accepted by FTS5, and finds the text that contains what was typed: the
// query and the index analyse words alike.
func FuzzQuery(f *testing.F) {
	for _, seed := range []string{
		"securite sociale retraite", `"sécurité sociale" lycée*`, `NEAR("a" "b", 2) OR c AND NOT d`,
		`title:x {title summary}:y ^z -w +v`, "l'école d’étranger", "\xff\xfe", `"""`, `*"*`,
		"retraite OR trump -visa", `-"sécurité sociale" OU santé OR`, "OR OU - -- -* a OR -b", "droits ret*", `"caisse des"*`, "etranger*",
	} {
		f.Add(seed)
	}
	db := openIndex(f)
	put, err := db.Prepare(`INSERT INTO article_search (rowid, title, summary, body, category, tags) VALUES (1, ?, '', '', '', '')`)
	if err != nil {
		f.Fatal(err)
	}
	// What FTS5 made of the row: a word whose every character is one that
	// FTS5's tables (Unicode 6.1) class as a separator or a diacritic, as
	// "ᳳ" (U+1CF3, a letter in Go's Unicode 15 tables), leaves no token,
	// and no query can find it.
	if _, err := db.Exec(`CREATE VIRTUAL TABLE temp.tokens USING fts5vocab(main, article_search, instance)`); err != nil {
		f.Fatal(err)
	}
	an := search.NewAnalyzer()
	f.Fuzz(func(t *testing.T, s string) {
		q := search.Parse(s)
		if !utf8.ValidString(q.Text) || utf8.RuneCountInString(q.Text) > search.MaxQueryLength {
			t.Fatalf("Parse(%q).Text = %q: not clean", s, q.Text)
		}
		h := q.Highlighter()
		h.Highlight(s)
		h.Snippet(s, 10)
		if q.Empty() {
			if q.Match() != "" {
				t.Fatalf("empty query %q has match %q", s, q.Match())
			}
			return
		}
		if _, err := db.Exec(`INSERT INTO article_search (article_search) VALUES ('delete-all')`); err != nil {
			t.Fatal(err)
		}
		// The text of the query, as cleaned, indexed as a title.
		terms := an.Terms(q.Text)
		if _, err := put.Exec(terms); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM article_search WHERE article_search MATCH ?`, q.Match()).Scan(&n); err != nil {
			t.Fatalf("FTS5 refused %q, translated from %q: %v", q.Match(), s, err)
		}
		// The text is a title: looking for the last prefix in titles only
		// (the search box) finds it as well.
		var inTitle int
		if err := db.QueryRow(`SELECT count(*) FROM article_search WHERE article_search MATCH ?`, q.TitlePrefix().Match()).Scan(&inTitle); err != nil {
			t.Fatalf("FTS5 refused %q, translated from %q: %v", q.TitlePrefix().Match(), s, err)
		}
		if inTitle != n {
			t.Fatalf("query %q finds its own title %d times with its prefix in titles (%s), %d without", s, inTitle, q.TitlePrefix().Match(), n)
		}
		var tokens int
		if err := db.QueryRow(`SELECT count(*) FROM temp.tokens`).Scan(&tokens); err != nil {
			t.Fatal(err)
		}
		// The text holds every word of the query, excluded ones too: it
		// must be found, unless the query excludes some.
		want := 1
		if len(q.Excluded) > 0 {
			want = 0
		}
		if n != want && tokens >= len(strings.Fields(terms)) {
			t.Fatalf("query %q (%s) finds its own text %q %d times, want %d", s, q.Match(), an.Terms(q.Text), n, want)
		}
	})
}
