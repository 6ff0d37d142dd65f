package applog

import (
	"bytes"
	"context"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"
)

// slogLine is r as slog's own handler of format writes it.
func slogLine(t testing.TB, format string, r slog.Record) string {
	t.Helper()
	var buf bytes.Buffer
	var h slog.Handler = slog.NewJSONHandler(&buf, nil)
	if format == FormatText {
		h = slog.NewTextHandler(&buf, nil)
	}
	if err := h.Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func record(when time.Time, level slog.Level, msg string, attrs ...slog.Attr) slog.Record {
	r := slog.NewRecord(when, level, msg, 0)
	r.AddAttrs(attrs...)
	return r
}

// TestPlainLines: the lines appendPlain writes are slog's, byte for byte,
// and it declines those it cannot write so. The request line of every
// request is plain in both formats: without that, the fast way is never
// taken.
func TestPlainLines(t *testing.T) {
	when := time.Date(2026, 12, 1, 17, 39, 9, 49419966, time.UTC)
	paris := time.FixedZone("CET", 3600)
	request := []slog.Attr{slog.String("method", "GET"), slog.String("path", "/actualites-politiques/un-article"),
		slog.Int("status", 200), slog.Int("bytes", 4718), Milliseconds("duration", 123456*time.Nanosecond),
		slog.String("client", "192.0.2.1"), slog.String("request_id", "host/abcdefghij-000042")}
	for _, tc := range []struct {
		name  string
		r     slog.Record
		plain bool // in both formats
	}{
		{"request line", record(when, slog.LevelInfo, "request", request...), true},
		{"no time", record(time.Time{}, slog.LevelInfo, "request", request...), true},
		{"another zone, whole millisecond", record(time.Date(2026, 1, 2, 3, 4, 5, 6000000, paris), slog.LevelInfo, "request", request...), true},
		{"levels", record(when, slog.LevelWarn+2, "x", slog.Int("n", -3), slog.Bool("ok", true)), true},
		{"unsigned and big floats", record(when, slog.LevelError, "x", slog.Uint64("u", math.MaxUint64), slog.Float64("f", 12345678.25), slog.Float64("z", 0)), true},
		{"tiny float", record(when, slog.LevelInfo, "x", slog.Float64("f", 1e-9)), false},
		{"huge float", record(when, slog.LevelInfo, "x", slog.Float64("f", 1e22)), false},
		{"accented path", record(when, slog.LevelInfo, "request", slog.String("path", "/vie-pratique/été")), false},
		{"quote", record(when, slog.LevelInfo, "request", slog.String("path", `/a"b`)), false},
		{"backslash", record(when, slog.LevelInfo, "request", slog.String("path", `/a\b`)), false},
		{"control", record(when, slog.LevelInfo, "request", slog.String("path", "/a\nb")), false},
		{"empty client", record(when, slog.LevelInfo, "request", slog.String("client", "")), false},
		{"duration", record(when, slog.LevelInfo, "x", slog.Duration("d", time.Second)), false},
		{"group", record(when, slog.LevelInfo, "x", slog.Group("g", slog.Int("n", 1))), false},
		{"year 10000", record(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), slog.LevelInfo, "x"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, format := range []string{FormatJSON, FormatText} {
				got, ok := appendPlain([]byte("kept:"), format, tc.r)
				if !ok {
					if string(got) != "kept:" {
						t.Errorf("%s: declined, but the buffer became %q", format, got)
					}
					if tc.plain {
						t.Errorf("%s: declined the line slog writes as %q", format, slogLine(t, format, tc.r))
					}
					continue
				}
				if want := "kept:" + slogLine(t, format, tc.r); string(got) != want {
					t.Errorf("%s:\n got %q\nwant %q", format, got, want)
				}
			}
		})
	}
}

// TestLoggerWritesPlainLinesAsSlog: a logger's lines are the same whether
// the fast way writes them or slog does (With leaves them to slog).
func TestLoggerWritesPlainLinesAsSlog(t *testing.T) {
	for _, format := range []string{FormatJSON, FormatText} {
		var fast, slow bytes.Buffer
		l := NewOptions(&fast, Options{Format: format})
		l.Info("request", "path", "/monde", "status", 200)
		l.With("path", "/monde").Info("request", "status", 200)
		l.Close()
		var h slog.Handler = slog.NewJSONHandler(&slow, nil)
		if format == FormatText {
			h = slog.NewTextHandler(&slow, nil)
		}
		// The times differ: compare what follows them.
		strip := func(s string) string {
			var out []string
			for _, line := range strings.Split(s, "\n") {
				if i := strings.Index(line, "level="); i >= 0 {
					out = append(out, line[i:])
				} else if i := strings.Index(line, `"level"`); i >= 0 {
					out = append(out, line[i:])
				}
			}
			return strings.Join(out, "\n")
		}
		sl := slog.New(h)
		sl.Info("request", "path", "/monde", "status", 200)
		sl.With("path", "/monde").Info("request", "status", 200)
		if got, want := strip(fast.String()), strip(slow.String()); got != want {
			t.Errorf("%s:\n got %s\nwant %s", format, got, want)
		}
	}
}

// FuzzPlainLine holds appendPlain to slog's bytes for any line it writes.
func FuzzPlainLine(f *testing.F) {
	f.Add(int64(1764610749049419966), 0, "request", "path", "/actualites/un-article", int64(200), 0.123456, true)
	f.Add(int64(0), 4, "x y", "k=v", "a b", int64(-1), 1e-7, false)
	f.Add(int64(-62135596800000000), 8, "", "", "", int64(0), 1e21, true)
	f.Fuzz(func(t *testing.T, nanos int64, level int, msg, key, value string, n int64, x float64, text bool) {
		format := FormatJSON
		if text {
			format = FormatText
		}
		when := time.Unix(0, nanos).In(time.FixedZone("", int(n%50400)))
		r := record(when, slog.Level(level), msg, slog.String(key, value), slog.Int64("n", n), slog.Float64("x", x))
		got, ok := appendPlain(nil, format, r)
		if !ok {
			return
		}
		if want := slogLine(t, format, r); string(got) != want {
			t.Errorf("%s:\n got %q\nwant %q", format, got, want)
		}
	})
}
