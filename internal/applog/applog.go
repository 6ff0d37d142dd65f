// Package applog builds the server's logger: JSON lines, buffered so that
// the access log of a busy server does not cost a write system call per
// request, yet prompt: the buffer is written out every FlushEvery, and at
// once after any warning or error.
package applog

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// FlushEvery bounds how late an info line reaches the output.
const FlushEvery = 200 * time.Millisecond

// Logger is a logger and what to call when the program ends.
type Logger struct {
	*slog.Logger
	w    *writer
	stop chan struct{}
	done chan struct{}
}

// New returns a JSON logger writing to out.
func New(out io.Writer) *Logger {
	w := &writer{buf: bufio.NewWriterSize(out, 64<<10)}
	l := &Logger{w: w, stop: make(chan struct{}), done: make(chan struct{})}
	l.Logger = slog.New(flushing{Handler: slog.NewJSONHandler(w, nil), w: w})
	go l.flushLoop()
	return l
}

func (l *Logger) flushLoop() {
	defer close(l.done)
	t := time.NewTicker(FlushEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			l.w.Flush()
		case <-l.stop:
			return
		}
	}
}

// Close stops the periodic flushes and writes out what is buffered.
func (l *Logger) Close() error {
	close(l.stop)
	<-l.done
	return l.w.Flush()
}

// writer is a bufio.Writer safe for concurrent use.
type writer struct {
	mu  sync.Mutex
	buf *bufio.Writer
}

func (w *writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Flush()
}

// flushing writes a warning or an error out at once: those are the lines
// an operator must not miss, even if the process dies right after.
type flushing struct {
	slog.Handler
	w *writer
}

func (h flushing) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		if ferr := h.w.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func (h flushing) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushing{Handler: h.Handler.WithAttrs(attrs), w: h.w}
}

func (h flushing) WithGroup(name string) slog.Handler {
	return flushing{Handler: h.Handler.WithGroup(name), w: h.w}
}
