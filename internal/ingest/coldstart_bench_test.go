package ingest_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/corpus"
	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/sitetest"
	"github.com/horizons-expat/site/internal/store"
)

var coldStartArticles = flag.Int("coldstart.n", 1000, "articles of the corpus BenchmarkColdStart ingests")

// BenchmarkColdStart is a first pass over a generated corpus into an empty
// database: what a new replica does before it serves. Profile it with
// -cpuprofile or -memprofile; -coldstart.n=10000 is the size.
// cpu-s/op is the processor time of the pass, every core counted.
func BenchmarkColdStart(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "content")
	if err := corpus.Generate(dir, *coldStartArticles, 1); err != nil {
		b.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer root.Close()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	var cpu time.Duration
	for i := range b.N {
		b.StopTimer()
		st, err := store.Open(ctx, filepath.Join(b.TempDir(), "site.db"), quiet)
		if err != nil {
			b.Fatal(err)
		}
		s, err := ingest.New(ctx, root.FS(), st, quiet, func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) })
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		before := sitetest.CPUTime()
		rep, err := s.Sync(ctx)
		if err != nil {
			b.Fatal(err)
		}
		cpu += sitetest.CPUTime() - before
		b.StopTimer()
		if rep.Saved != *coldStartArticles {
			b.Fatalf("pass %d saved %d articles, want %d", i, rep.Saved, *coldStartArticles)
		}
		st.Close()
		b.StartTimer()
	}
	// Processor time, both cores counted: on a loaded machine it moves
	// far less than the wall time.
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	// The process's peak resident memory, and how much of it the Go heap
	// ever took from the system: the rest is SQLite's (modernc's C heap).
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MB")
	b.ReportMetric(float64(ms.HeapSys)/(1<<20), "go-heap-sys-MB")
}

// peakRSS is the process's VmHWM, 0 where /proc cannot tell.
func peakRSS() int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

var editProfile = flag.String("editpass.cpuprofile", "", "BenchmarkEditPass: write a CPU profile of the edit passes alone (not of the first pass before them) to this file")

// BenchmarkEditPass is the pass after an editor saves one article of a
// site of -coldstart.n articles: what "an edit is visible" waits for, and
// what must not grow with the site faster than its files' count.
func BenchmarkEditPass(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "content")
	if err := corpus.Generate(dir, *coldStartArticles, 1); err != nil {
		b.Fatal(err)
	}
	var file string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && file == "" && !d.IsDir() && strings.HasSuffix(p, ".md") && d.Name() != "_index.md" && filepath.Dir(filepath.Dir(p)) == dir {
			file = p
		}
		return err
	})
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer root.Close()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "site.db"), quiet)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	s, err := ingest.New(ctx, root.FS(), st, quiet, func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) })
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Sync(ctx); err != nil {
		b.Fatal(err)
	}
	if *editProfile != "" {
		f, err := os.Create(*editProfile)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	b.ReportAllocs()
	mtime := time.Now().Add(-time.Hour)
	for i := 0; b.Loop(); i++ {
		f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(f, "\nMise à jour n° %d.\n", i)
		f.Close()
		mtime = mtime.Add(time.Second)
		os.Chtimes(file, mtime, mtime)
		rep, err := s.Sync(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Saved != 1 {
			b.Fatalf("edit pass saved %d articles, want 1", rep.Saved)
		}
	}
}
