package ingest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestFileClockIsNeverAheadOfABirth: a file created after fileClock
// returned is never born before that instant, which time.Now does not
// promise (Linux stamps file times from a clock a tick behind it): a pass
// compares births with the walk's start so.
func TestFileClockIsNeverAheadOfABirth(t *testing.T) {
	dir := t.TempDir()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	for i := range 500 {
		before := fileClock()
		name := fmt.Sprintf("f%d.md", i)
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		_, born, ok := birth(root.FS(), name)
		if !ok {
			t.Skipf("the file system of %s keeps no birth time", dir)
		}
		if born.Before(before) {
			t.Fatalf("file %d born at %v, before the clock's %v", i, born, before)
		}
	}
}
