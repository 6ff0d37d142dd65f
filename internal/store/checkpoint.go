package store

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
)

// The writer does not copy the write-ahead log into the database file when
// it commits (wal_autocheckpoint(0) in dsn): a first start writes the whole
// database in one transaction, and copying it there at commit took 1.4 s of
// a 10,000-article cold start, before the site could serve anything. A
// goroutine of the store checkpoints after each change instead. PASSIVE
// never waits for readers, and the next change waits for it only if it
// comes while the copy runs (they share the one writer connection).
//
// The goroutine also hands the writer's page cache back after a large
// change: a first start leaves it full of the pages it wrote, which the
// edits that follow seldom read again (and then find in the system's file
// cache). Without that, a 10,000-article cold start kept about 25 MB more.
type checkpointer struct {
	kick    chan struct{} // holds one: changes during a checkpoint ask for one more
	done    chan struct{}
	release atomic.Bool // a large change asks for the writer's cache to be freed
	mu      sync.Mutex
	closed  bool // Close was called: kick is closed
}

// releaseAfterArticles is how many articles a change must save for the
// writer's page cache (16 MB, see dsn) to be freed after it.
const releaseAfterArticles = 1000

func (s *Store) startCheckpoints(log *slog.Logger) {
	s.ckpt.kick, s.ckpt.done = make(chan struct{}, 1), make(chan struct{})
	go func() {
		defer close(s.ckpt.done)
		for range s.ckpt.kick {
			if s.ckpt.release.Swap(false) {
				if _, err := s.w.ExecContext(context.Background(), `PRAGMA shrink_memory`); err != nil {
					log.Warn("free the writer's page cache", "path", s.path, "err", err)
				} else {
					log.Debug("writer's page cache freed", "path", s.path)
				}
			}
			// A failure leaves the pages in the log, where readers find
			// them: the next checkpoint, or Close, copies them.
			if _, err := s.w.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
				log.Warn("checkpoint database", "path", s.path, "err", err)
			}
		}
	}()
}

// checkpointSoon asks for a checkpoint of the changes committed so far;
// large says the last one wrote more pages than the writer's cache holds.
func (s *Store) checkpointSoon(large bool) {
	if large {
		s.ckpt.release.Store(true)
	}
	s.ckpt.mu.Lock()
	defer s.ckpt.mu.Unlock()
	if s.ckpt.closed {
		return // Close copies what is left
	}
	select {
	case s.ckpt.kick <- struct{}{}:
	default: // one is asked for already, and will copy this change too
	}
}

// stopCheckpoints waits for the checkpoint under way, if any.
func (s *Store) stopCheckpoints() {
	s.ckpt.mu.Lock()
	if !s.ckpt.closed {
		s.ckpt.closed = true
		close(s.ckpt.kick)
	}
	s.ckpt.mu.Unlock()
	<-s.ckpt.done
}
