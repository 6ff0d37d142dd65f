// Package store keeps the site's SQLite database: an index derived from the
// content files, which it can always rebuild. Reads go through a pool of
// read-only connections; every change goes through one writer connection in
// one transaction, so readers never see half an update (WAL).
package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite" // registers the pure-Go "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/horizons-expat/site/migrations"
)

// ErrNotFound is returned when the thing asked for does not exist (or is not
// published at the instant asked about).
var ErrNotFound = errors.New("not found")

// ErrUnwritable is returned by Open when the database file exists but
// cannot be written (a read-only file, folder or file system). The file is
// left as it is: the caller may serve from a rebuilt copy elsewhere.
var ErrUnwritable = errors.New("database cannot be written")

// Store is the site's database.
type Store struct {
	path string
	w    *sql.DB // the single writer
	r    readers // every read, in the request's snapshot if any
	// generation counts the changes applied since Open. This process is
	// the database's only writer, so it is exact, and costs page caches an
	// atomic load instead of a query.
	generation atomic.Uint64
	scores     scoreCache // what searches are ranked from
	warm       warmer     // scores anew after a change what searches asked
	vocab      vocabularyCache
	zone       zone // the site's time zone, loaded once
	ckpt       checkpointer
}

// Generation changes after every applied change: a page rendered while it
// had another value may be stale.
func (s *Store) Generation() uint64 { return s.generation.Load() }

// pragmas go in the DSN so that every pooled connection gets them; a
// db.Exec("PRAGMA …") would set only one connection.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	if readOnly {
		// Each pooled reader has its own page cache, and concurrent
		// renders open many readers: at 16 MB each, 64 clients asking
		// for uncached articles took the process to 2.3 GB. Pages missed
		// here come from the system's file cache.
		q.Add("_pragma", "cache_size(-2000)")
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "cache_size(-16000)")
		q.Add("_pragma", "wal_autocheckpoint(0)") // see checkpointer
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens the database at path, creating it and its folder if missing and
// bringing its schema up to date. A file that is not a usable database of
// this site (corrupt, truncated, foreign) is removed and created anew: its
// content is derived from content/, so nothing is lost.
func Open(ctx context.Context, path string, log *slog.Logger) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("create database folder: %w", err)
	}
	s, err := open(ctx, path, log)
	if err == nil {
		return s, nil
	}
	if unwritable(err) {
		return nil, fmt.Errorf("%w: %s: %w", ErrUnwritable, path, err)
	}
	log.Warn("database unusable, rebuilding it from content", "path", path, "err", err)
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if rmErr := os.Remove(path + suffix); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
			return nil, fmt.Errorf("remove unusable database: %w (after: %w)", rmErr, err)
		}
	}
	return open(ctx, path, log)
}

func open(ctx context.Context, path string, log *slog.Logger) (*Store, error) {
	trusted := sealed(path)
	// The seal vouches for the file as Close left it: the first write
	// voids it, so it goes before anything is written.
	if err := os.Remove(sealPath(path)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("remove database seal: %w", err)
	}
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	w.SetMaxOpenConns(1)
	s := &Store{path: path, w: w, scores: scoreCache{budget: scoreBudget}}
	if err := s.migrate(ctx, trusted); err != nil {
		w.Close()
		return nil, err
	}
	// A database that can be read but not written would fail only at the
	// first change of content: find out now. The writer's transactions
	// begin IMMEDIATE, which takes the write lock at once.
	if tx, err := w.BeginTx(ctx, nil); err != nil {
		w.Close()
		return nil, fmt.Errorf("write to database: %w", err)
	} else if err := tx.Rollback(); err != nil {
		w.Close()
		return nil, fmt.Errorf("write to database: %w", err)
	}
	if err := s.syncSearchIndex(ctx); err != nil {
		w.Close()
		return nil, err
	}
	rdb, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open database readers: %w", err)
	}
	rdb.SetMaxIdleConns(8)
	s.r = readers{db: rdb, stmts: &sync.Map{}}
	s.startCheckpoints(log)
	s.checkpointSoon(false) // what the migrations and a rebuilt index wrote
	return s, nil
}

// unwritable reports whether err says the database cannot be written, as
// opposed to being damaged.
func unwritable(err error) bool {
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
		return true
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff { // the primary code, without the extended bits
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM:
		return true
	}
	return false
}

func (s *Store) migrate(ctx context.Context, trusted bool) error {
	if trusted {
		return s.up(ctx)
	}
	// quick_check reads every page: it catches truncated and garbage files
	// before the schema is trusted.
	var check string
	if err := s.w.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&check); err != nil {
		return fmt.Errorf("check database: %w", err)
	}
	if check != "ok" {
		return fmt.Errorf("check database: %s", check)
	}
	return s.up(ctx)
}

// up applies the migrations the database lacks.
func (s *Store) up(ctx context.Context) error {
	// Migration numbers are handed out to branches developed side by side,
	// so one may land below a database's version: apply it all the same.
	p, err := goose.NewProvider(goose.DialectSQLite3, s.w, migrations.FS, goose.WithAllowOutofOrder(true))
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}

// Close closes the database, checkpointing the WAL into the main file.
func (s *Store) Close() error {
	s.stopWarming()
	s.stopCheckpoints()
	s.r.close()
	_, cerr := s.w.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	if err := errors.Join(cerr, s.r.db.Close(), s.w.Close()); err != nil {
		return err
	}
	return seal(s.path)
}

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// jsonList encodes values as one JSON array, for a query to expand with
// json_each: a list of any length is then a single bound variable, where
// one "?" per value would fail past SQLite's limit of 32,766 variables.
func jsonList(values []int64) string {
	b, err := json.Marshal(values)
	if err != nil {
		panic(err) // integers always encode
	}
	return string(b)
}
