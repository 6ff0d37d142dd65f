package applog

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer that the flush goroutine and the test may
// use at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestWarningsAreWrittenAtOnceAndInfoOnClose(t *testing.T) {
	var out lockedBuffer
	start := time.Now() // the periodic flushes start later, in New
	l := New(&out)
	l.With("component", "test").Warn("disk almost full", "free", 3)
	got := out.String()
	var rec map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSpace(got)), &rec); err != nil {
		t.Fatalf("warning not written at once as one JSON line: %q (%v)", got, err)
	}
	if rec["msg"] != "disk almost full" || rec["component"] != "test" || rec["level"] != "WARN" {
		t.Errorf("warning line = %v", rec)
	}
	for range 100 {
		l.Info("request", "path", "/")
	}
	// 100 lines of under 100 bytes stay in the 64 KB buffer until a flush:
	// none may be out yet, unless this test was slow enough for the first
	// periodic flush to have run.
	n := strings.Count(out.String(), `"msg":"request"`)
	if time.Since(start) < FlushEvery && n != 0 {
		t.Errorf("%d info lines written before any flush, want 0: not buffered", n)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), `"msg":"request"`); n != 100 {
		t.Errorf("%d info lines written by Close, want 100", n)
	}
}

// TestFormatsAndLevels: JSON for machines, text for people, durations in
// milliseconds in both, and the level chosen by the operator.
func TestFormatsAndLevels(t *testing.T) {
	tests := []struct {
		name  string
		opts  Options
		want  []string // each in the output
		avoid []string // none in the output
	}{
		{
			name: "JSON by default, info and above",
			opts: Options{},
			want: []string{`"msg":"content reloaded"`, `"duration_ms":12.346`, `"burst_ms":0.5`, `"articles":3`,
				`"pass":{"walk_ms":2,"files":9}`, `"replica":"b","wait_ms":1000`},
			avoid: []string{"detail", `"duration":`, `"walk":`, `"wait":`},
		},
		{
			name: "text",
			opts: Options{Format: FormatText},
			want: []string{"level=INFO", `msg="content reloaded"`, "duration_ms=12.346", "burst_ms=0.5", "articles=3",
				"pass.walk_ms=2 pass.files=9", "replica=b wait_ms=1000"},
			avoid: []string{"{", "detail"},
		},
		{
			name: "debug lines when asked for",
			opts: Options{Format: FormatText, Level: slog.LevelDebug},
			want: []string{"level=DEBUG", "msg=detail", "duration_ms=12.346"},
		},
		{
			name:  "warnings only",
			opts:  Options{Level: slog.LevelWarn},
			want:  []string{`"msg":"slow"`},
			avoid: []string{"content reloaded", "detail"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out lockedBuffer
			l := NewOptions(&out, tt.opts)
			l.Debug("detail")
			l.Info("content reloaded", "articles", 3, "duration", 12345678*time.Nanosecond, "burst", 500*time.Microsecond)
			l.Info("content reloaded", slog.Group("pass", "walk", 2*time.Millisecond, "files", 9))
			l.With("replica", "b", "wait", time.Second).Info("content reloaded")
			l.Warn("slow", "took", 2*time.Second)
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			got := out.String()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q:\n%s", w, got)
				}
			}
			for _, a := range tt.avoid {
				if strings.Contains(got, a) {
					t.Errorf("output has %q:\n%s", a, got)
				}
			}
		})
	}
}

func TestParseFormatAndLevel(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want string
		ok   bool
	}{{"text", FormatText, true}, {"JSON", FormatJSON, true}, {"xml", "", false}, {"", "", false}} {
		if got, err := ParseFormat(tt.in); got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseFormat(%q) = %q, %v", tt.in, got, err)
		}
	}
	for _, tt := range []struct {
		in   string
		want slog.Level
		ok   bool
	}{{"debug", slog.LevelDebug, true}, {"INFO", slog.LevelInfo, true}, {"warn", slog.LevelWarn, true}, {"error", slog.LevelError, true}, {"tout", 0, false}} {
		if got, err := ParseLevel(tt.in); got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseLevel(%q) = %v, %v", tt.in, got, err)
		}
	}
}

// TestDefaultFormat: a file that is not a terminal (a pipe, a log file, the
// journal's socket) gets JSON.
func TestDefaultFormat(t *testing.T) {
	f, err := os.Create(t.TempDir() + "/site.log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := DefaultFormat(f); got != FormatJSON {
		t.Errorf("DefaultFormat(log file) = %q, want json", got)
	}
	var buf bytes.Buffer
	if got := DefaultFormat(&buf); got != FormatJSON {
		t.Errorf("DefaultFormat(buffer) = %q, want json", got)
	}
}

// BenchmarkRequestLine is the cost of the access log line that every
// request writes, as web writes it: the cached hot path pays it.
func BenchmarkRequestLine(b *testing.B) {
	l := NewOptions(io.Discard, Options{})
	defer l.Close()
	ctx := context.Background()
	b.ReportAllocs()
	h := l.Handler()
	for b.Loop() {
		r := slog.NewRecord(time.Now(), slog.LevelInfo, "request", 0)
		r.AddAttrs(slog.String("method", "GET"), slog.String("path", "/actualites-politiques/un-article"),
			slog.Int("status", 200), slog.Int("bytes", 4718), Milliseconds("duration", 123456*time.Nanosecond),
			slog.String("client", "192.0.2.1"), slog.String("request_id", "host/abcdefghij-000042"))
		if err := h.Handle(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}
