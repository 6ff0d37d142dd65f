// Package applog builds the server's logger: JSON lines for machines or
// text for people at a terminal, durations in milliseconds, buffered so
// that the access log of a busy server does not cost a write system call
// per request, yet prompt: the buffer is written out every FlushEvery, and
// at once after any warning or error.
package applog

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

// The log formats.
const (
	FormatJSON = "json"
	FormatText = "text"
)

// Options choose the format and the least level logged.
type Options struct {
	Format string     // FormatJSON (the default) or FormatText
	Level  slog.Level // the zero value is slog.LevelInfo
}

// ParseFormat reads a -log-format value.
func ParseFormat(s string) (string, error) {
	switch f := strings.ToLower(s); f {
	case FormatJSON, FormatText:
		return f, nil
	}
	return "", fmt.Errorf("log format %q: want text or json", s)
}

// ParseLevel reads a -log-level value: debug, info, warn or error.
func ParseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil || strings.ContainsAny(s, "+-") {
		return 0, fmt.Errorf("log level %q: want debug, info, warn or error", s)
	}
	return l, nil
}

// DefaultFormat is text when out is a terminal, where a person reads it,
// and JSON everywhere else (a pipe, a file, the journal), where a program
// does.
func DefaultFormat(out io.Writer) string {
	if f, ok := out.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return FormatText
		}
	}
	return FormatJSON
}

// FlushEvery bounds how late an info line reaches the output.
const FlushEvery = 200 * time.Millisecond

// Logger is a logger and what to call when the program ends.
type Logger struct {
	*slog.Logger
	w    *writer
	stop chan struct{}
	done chan struct{}
}

// New returns a JSON logger of info lines and above writing to out.
func New(out io.Writer) *Logger { return NewOptions(out, Options{}) }

// NewOptions returns a logger writing to out as opts say.
func NewOptions(out io.Writer, opts Options) *Logger {
	w := &writer{buf: bufio.NewWriterSize(out, 64<<10)}
	l := &Logger{w: w, stop: make(chan struct{}), done: make(chan struct{})}
	// No ReplaceAttr: slog calls it for every attribute of every line,
	// which made up a third of the access log line's cost; handler turns
	// durations into milliseconds itself, only where a line has one.
	ho := &slog.HandlerOptions{Level: opts.Level}
	var h slog.Handler = slog.NewJSONHandler(w, ho)
	format := FormatJSON
	if opts.Format == FormatText {
		h, format = slog.NewTextHandler(w, ho), FormatText
	}
	l.Logger = slog.New(handler{Handler: h, w: w, plain: format})
	go l.flushLoop()
	return l
}

// milliseconds writes a duration as a number of milliseconds under its key
// with "_ms" added: readable by people (JSON would give nanoseconds, text
// a unit that changes from line to line) and comparable by programs. It
// reports whether a, or an attribute of its group, is a duration.
func milliseconds(a slog.Attr) (slog.Attr, bool) {
	switch a.Value.Kind() {
	case slog.KindDuration:
		return Milliseconds(a.Key, a.Value.Duration()), true
	case slog.KindGroup:
		group := a.Value.Group()
		var out []slog.Attr
		for i, g := range group {
			if m, ok := milliseconds(g); ok {
				if out == nil {
					out = slices.Clone(group)
				}
				out[i] = m
			}
		}
		if out != nil {
			return slog.Attr{Key: a.Key, Value: slog.GroupValue(out...)}, true
		}
	}
	return a, false
}

// Milliseconds is the attribute that a duration d under key becomes in
// the log. A line written at every request passes it rather than d, which
// would make the handler copy the line to convert it.
func Milliseconds(key string, d time.Duration) slog.Attr {
	return slog.Float64(msKey(key), float64(d.Round(time.Microsecond))/float64(time.Millisecond))
}

// msKeys are the keys with "_ms" added, made once per key rather than
// once per line.
var msKeys sync.Map

func msKey(key string) string {
	if k, ok := msKeys.Load(key); ok {
		return k.(string)
	}
	k, _ := msKeys.LoadOrStore(key, key+"_ms")
	return k.(string)
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

// writePlain writes r in format if it is a plain line (see appendPlain),
// straight into the buffer, and reports whether it did.
func (w *writer) writePlain(format string, r slog.Record) bool {
	if format == "" {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	line, ok := appendPlain(w.buf.AvailableBuffer(), format, r)
	if ok {
		w.buf.Write(line) // an error stays in w.buf, for Flush to report
	}
	return ok
}

func (w *writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Flush()
}

// handler writes durations in milliseconds (see milliseconds), and a
// warning or an error out at once: those are the lines an operator must not
// miss, even if the process dies right after.
type handler struct {
	slog.Handler
	w *writer
	// plain is the format of the lines that appendPlain writes for the
	// handler; "" once attributes or groups are added to it, which it
	// leaves to slog.
	plain string
}

func (h handler) Handle(ctx context.Context, r slog.Record) error {
	hasDuration := false
	r.Attrs(func(a slog.Attr) bool {
		_, hasDuration = milliseconds(a)
		return !hasDuration
	})
	if hasDuration { // a copy of the record, with each duration converted
		out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
		r.Attrs(func(a slog.Attr) bool {
			a, _ = milliseconds(a)
			out.AddAttrs(a)
			return true
		})
		r = out
	}
	var err error
	if !h.w.writePlain(h.plain, r) {
		err = h.Handler.Handle(ctx, r)
	}
	if r.Level >= slog.LevelWarn {
		if ferr := h.w.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func (h handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		out[i], _ = milliseconds(a)
	}
	return handler{Handler: h.Handler.WithAttrs(out), w: h.w}
}

func (h handler) WithGroup(name string) slog.Handler {
	return handler{Handler: h.Handler.WithGroup(name), w: h.w}
}
