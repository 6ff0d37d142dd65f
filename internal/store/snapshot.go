package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// readers runs the store's reads: in the request's snapshot when the
// context carries one, else on any pooled read connection. Every read
// method goes through it, so a page built from several queries is built
// from one version of the content even while a reload commits.
type readers struct {
	db    *sql.DB
	stmts *sync.Map // of *sql.Stmt by query text: see queryPrepared
}

type snapshotKey struct{}

func (r readers) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	r.explain(ctx, query, args)
	if tx, ok := ctx.Value(snapshotKey{}).(*sql.Tx); ok {
		return tx.QueryContext(ctx, query, args...)
	}
	return r.db.QueryContext(ctx, query, args...)
}

func (r readers) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	r.explain(ctx, query, args)
	if tx, ok := ctx.Value(snapshotKey{}).(*sql.Tx); ok {
		return tx.QueryRowContext(ctx, query, args...)
	}
	return r.db.QueryRowContext(ctx, query, args...)
}

// queryPrepared is QueryContext for a query of constant text that runs
// often: SQLite parses it once on each pooled connection, rather than at
// every call (parsing the search's queries cost as much as running them).
func (r readers) queryPrepared(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if _, ok := ctx.Value(planKey{}).(func(string, []string)); ok || r.stmts == nil {
		return r.QueryContext(ctx, query, args...)
	}
	st, ok := r.stmts.Load(query)
	if !ok {
		prepared, err := r.db.PrepareContext(ctx, query)
		if err != nil {
			return nil, err
		}
		if st, ok = r.stmts.LoadOrStore(query, prepared); ok {
			prepared.Close() // another search prepared it meanwhile
		}
	}
	if tx, ok := ctx.Value(snapshotKey{}).(*sql.Tx); ok {
		// The transaction's connection reuses the statement when it was
		// prepared on it before.
		return tx.StmtContext(ctx, st.(*sql.Stmt)).QueryContext(ctx, args...)
	}
	return st.(*sql.Stmt).QueryContext(ctx, args...)
}

// close closes the prepared statements.
func (r readers) close() {
	if r.stmts == nil {
		return
	}
	r.stmts.Range(func(_, st any) bool {
		st.(*sql.Stmt).Close()
		return true
	})
}

// Snapshot returns a context whose reads all see the same version of the
// content, and the function that ends the snapshot. In WAL mode a read
// transaction sees the database as of its first read and never blocks the
// writer; release must be called once the reads are done.
func (s *Store) Snapshot(ctx context.Context) (context.Context, func(), error) {
	tx, err := s.r.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return ctx, func() {}, fmt.Errorf("begin snapshot: %w", err)
	}
	return context.WithValue(ctx, snapshotKey{}, tx), func() { tx.Rollback() }, nil
}

type planKey struct{}

// WithQueryPlans returns a context under which every read first hands its
// query and SQLite's EXPLAIN QUERY PLAN lines to report: tests use it to
// check that the hot queries use indexes.
func WithQueryPlans(ctx context.Context, report func(query string, plan []string)) context.Context {
	return context.WithValue(ctx, planKey{}, report)
}

func (r readers) explain(ctx context.Context, query string, args []any) {
	report, ok := ctx.Value(planKey{}).(func(string, []string))
	if !ok {
		return
	}
	rows, err := r.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		report(query, []string{"EXPLAIN failed: " + err.Error()})
		return
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			plan = append(plan, "EXPLAIN failed: "+err.Error())
			break
		}
		plan = append(plan, detail)
	}
	report(query, plan)
}
